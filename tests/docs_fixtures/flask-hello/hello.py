# A Flask application, unchanged: what docs/compat.md's entry module imports.
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello from Flask code"
