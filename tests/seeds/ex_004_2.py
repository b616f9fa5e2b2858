# Seed 004_80b923005b46b9a0.txt, example 2: a WSGI application (app.py), unchanged.
from flask import Flask

app = Flask(__name__)

@app.route('/')
def home():
    return 'Hello, Flask and WSGI!'

if __name__ == '__main__':
    app.run()
