# Seed 004_80b923005b46b9a0.txt, example 6: Flask-CORS.
# Completed: the view calls `jsonify`, which the seed never imports.
from flask import Flask
from flask_cors import CORS
from flask import jsonify  # added: used by get_data() but not imported in the seed

app = Flask(__name__)
CORS(app)

@app.route('/api/data', methods=['GET'])
def get_data():
    return jsonify({'data': 'Sample data'})
