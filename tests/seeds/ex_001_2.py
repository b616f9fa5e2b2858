# Seed 001_b185f22818c76ad6.txt, example 2: several routes.
# Repaired: the seed flattened this example onto one line; its line breaks
# and indentation were restored.
from flask import Flask
app = Flask(__name__)
@app.route('/')
def home():
    return "Welcome to the Home Page"
@app.route('/about')
def about():
    return "This is the About Page"
@app.route('/contact')
def contact():
    return "Contact us at contact@example.com"
if __name__ == '__main__':
    app.run(debug=True)
