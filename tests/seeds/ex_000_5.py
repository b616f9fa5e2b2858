# Seed 000_13f4dfa0f99754ee.txt, example 5: form data.
# Repaired: the seed lost the indentation of the function and `if` bodies; restored.
# templates/contact.html is not in the seed; a minimal one was added.
from flask import Flask, render_template, request, redirect, url_for
app = Flask(__name__)
app.secret_key = 'your-secret-key'
@app.route('/contact', methods=['GET', 'POST'])
def contact():
    if request.method == 'POST':
        name = request.form['name']
        email = request.form['email']
        message = request.form['message']
        # Process form data
        return redirect(url_for('thank_you'))
    return render_template('contact.html')
@app.route('/thank-you')
def thank_you():
    return 'Thank you for your message!'
