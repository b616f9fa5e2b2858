# Seed 000_13f4dfa0f99754ee.txt, example 3: HTTP methods and URL patterns.
# Repaired: the seed lost the indentation of the function and `if` bodies; restored.
# The "# Process data" and "# Fetch user from database" placeholders are
# comments; the code runs as it stands, so nothing was added.
from flask import Flask, request, jsonify
app = Flask(__name__)
@app.route('/')
def index():
    return 'Welcome to Flask!'
@app.route('/api/data', methods=['GET', 'POST'])
def handle_data():
    if request.method == 'POST':
        data = request.get_json()
        # Process data
        return jsonify({'message': 'Data received', 'data': data})
    return jsonify({'message': 'Send a POST request with JSON data'})
@app.route('/user/<int:user_id>')
def get_user(user_id):
    # Fetch user from database
    return f'User ID: {user_id}'
