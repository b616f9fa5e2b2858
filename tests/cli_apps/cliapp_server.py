"""An app to serve for real: by ``kolba run``, or by ``app.run()`` as a script."""

import os

from kolba import Kolba

app = Kolba(__name__, static_folder=None)


@app.route("/")
def index() -> str:
    return "served by the development server"


if __name__ == "__main__":
    port = int(os.environ["CLIAPP_PORT"])
    if os.environ.get("CLIAPP_USE_SERVER_NAME"):
        app.config["SERVER_NAME"] = f"127.0.0.1:{port}"
        app.run()
    else:
        app.run(debug=True, port=port)
