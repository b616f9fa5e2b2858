# Seed 002_260ed8046b610360.txt, example 1: app.py with templates/index.html,
# templates/submit_form.html, templates/submitted.html and static/style.css
# (all four are the seed's files, unchanged).
# Repaired: the seed lost the indentation of the function, `if` and `else`
# bodies; restored.
# app.py
from flask import Flask, render_template, request, redirect, url_for # Import necessary Flask components
# Initialize the Flask application instance.
# The __name__ argument helps Flask locate resources like templates and static files.
app = Flask(__name__)
# Define a route for the home page ('/')
# This decorator maps the URL path to the function below it.
@app.route('/')
def home():
    # Render the 'index.html' template.
    # Flask automatically looks for templates in a 'templates' folder.
    return render_template('index.html', title='Flask Home', message='Welcome to Flask 2025!')
# Define a route that accepts both GET and POST methods.
# This is useful for handling forms.
@app.route('/submit', methods=['GET', 'POST'])
def submit_data():
    if request.method == 'POST':
        # Access form data submitted via POST request.
        user_input = request.form.get('user_input')
        if user_input:
            # For demonstration, we'll just redirect and pass the data.
            # In a real app, you'd process/store this data.
            return render_template('submitted.html', data=user_input)
        else:
            return redirect(url_for('home')) # Redirect back if no input
    # If it's a GET request, just render the form.
    return render_template('submit_form.html')
# This block ensures the application runs only when the script is executed directly.
if __name__ == '__main__':
    # Run the Flask development server.
    # debug=True enables debug mode: auto-reloads on code changes, provides interactive debugger.
    # NEVER use debug=True in a production environment due to security risks.
    app.run(debug=True, port=5000)
