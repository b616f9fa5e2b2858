# Seed 004_80b923005b46b9a0.txt, example 1: running a Flask server.
# Completed: the seed shows only the `__main__` guard; the app it runs was added.
from flask import Flask  # added: the app the guard runs
app = Flask(__name__)  # added:
if __name__ == '__main__':
    app.run(debug=True)
