"""Hello, World! in Falcon."""

from __future__ import annotations

import falcon


class HelloResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "Hello, World!"


app = falcon.App()
app.add_route("/", HelloResource())
