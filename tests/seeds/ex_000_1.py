# Seed 000_13f4dfa0f99754ee.txt, example 1: routes.
# Repaired: the seed lost the indentation of the function bodies; restored.
from flask import Flask
app = Flask(__name__)
@app.route('/')
def home():
    return 'Hello, World!'
@app.route('/user/<username>')
def user_profile(username):
    return f'Hello, {username}!'
