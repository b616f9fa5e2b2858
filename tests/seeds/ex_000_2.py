# Seed 000_13f4dfa0f99754ee.txt, example 2: a simple Flask application (app.py).
# Repaired: the seed lost the indentation of the function and `if` bodies; restored.
# app.py
from flask import Flask
app = Flask(__name__)
@app.route('/')
def hello():
    return 'Hello, Flask!'
if __name__ == '__main__':
    app.run(debug=True)
