# Seed 001_b185f22818c76ad6.txt, example 1: a first Flask app.
# Repaired: the seed flattened this example onto one line; its line breaks
# and indentation were restored.
from flask import Flask
app = Flask(__name__)
@app.route('/')
def home():
    return "Hello, Welcome to Flask!"
if __name__ == '__main__':
    app.run(debug=True)
