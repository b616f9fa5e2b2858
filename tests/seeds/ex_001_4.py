# Seed 001_b185f22818c76ad6.txt, example 4: GET and POST.
# Repaired: the seed flattened this example onto one line; its line breaks
# and indentation were restored.
# Completed: the fragment uses the `app` of the seed's earlier examples.
from flask import Flask  # added: the fragment's app
app = Flask(__name__)  # added:
from flask import request
@app.route('/submit', methods=['GET', 'POST'])
def submit():
    if request.method == 'POST':
        return "Form submitted successfully!"
    return "Please submit the form."
