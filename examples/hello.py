"""The smallest Kolba app; ``make run`` serves it until the showcase exists."""

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
