# Seed 000_13f4dfa0f99754ee.txt, example 4: templates (templates/profile.html
# is the seed's template, unchanged).
# Repaired: the seed lost the indentation of the function body; restored.
from flask import Flask, render_template
app = Flask(__name__)
@app.route('/profile/<username>')
def profile(username):
    user = {'name': username, 'age': 25, 'city': 'New York'}
    return render_template('profile.html', user=user)
