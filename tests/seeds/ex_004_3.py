# Seed 004_80b923005b46b9a0.txt, example 3: Werkzeug in Flask (app.py), unchanged.
from flask import Flask, request
from werkzeug.exceptions import HTTPException

app = Flask(__name__)

@app.route('/')
def home():
    return 'Hello, Werkzeug!'

@app.route('/echo', methods=['POST'])
def echo():
    data = request.json
    return data

@app.errorhandler(HTTPException)
def handle_exception(e):
    response = e.get_response()
    response.data = str(e)
    response.content_type = "text/plain"
    return response

if __name__ == '__main__':
    app.run()
