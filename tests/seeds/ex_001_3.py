# Seed 001_b185f22818c76ad6.txt, example 3: dynamic routing.
# Repaired: the seed flattened this example onto one line; its line breaks
# and indentation were restored.  The copy also lost the angle-bracketed URL
# variables (read as HTML tags): '/user/' and '/post/ ' are restored to
# '/user/<username>' and '/post/<int:post_id>', the variables the view
# functions take (the stray space marks where '<int:post_id>' stood).
# Completed: the fragment uses the `app` of the seed's previous example.
from flask import Flask  # added: the fragment's app
app = Flask(__name__)  # added:
@app.route('/user/<username>')
def show_user(username):
    return f"Hello, {username}! Welcome to your profile."
@app.route('/post/<int:post_id>')
def show_post(post_id):
    return f"Displaying post with ID: {post_id}"
