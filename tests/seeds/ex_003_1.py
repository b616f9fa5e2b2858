# Seed 003_30ab918b4bae8739.txt, example 1: "Hello, world!" (unchanged).
from flask import Flask
app = Flask(__name__)


@app.route('/')
def hello_world():
    return 'Hello, World!'

if __name__ == '__main__':
    app.run()
