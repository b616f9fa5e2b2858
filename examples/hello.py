"""The smallest Kolba app: a page and a URL variable.

Serve it with ``python examples/hello.py`` (the development server with the
debugger, on http://127.0.0.1:5000) or ``kolba --app examples/hello.py run``.
``make run`` serves the larger showcase app instead (``examples/showcase``).
"""

from kolba import Kolba

app = Kolba(__name__)


@app.route("/")
def home() -> str:
    return "Hello, World!"


@app.route("/user/<username>")
def user_profile(username: str) -> str:
    return f"Hello, {username}!"


if __name__ == "__main__":
    app.run(debug=True)
