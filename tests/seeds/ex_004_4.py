# Seed 004_80b923005b46b9a0.txt, example 4: a simple API, unchanged.
from flask import Flask, jsonify

app = Flask(__name__)

@app.route('/api', methods=['GET'])
def api():
    return jsonify({'message': 'Hello, Flask API!'})

if __name__ == '__main__':
    app.run(debug=True)
