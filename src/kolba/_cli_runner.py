"""The CLI test runner, apart from the test client so that only it imports Click."""

from __future__ import annotations

import typing as t

from click.testing import CliRunner

if t.TYPE_CHECKING:
    from click.testing import Result

    from .app import Kolba


class KolbaCliRunner(CliRunner):
    """Invokes the app's CLI commands in-process, for tests."""

    def __init__(self, app: Kolba, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any) -> Result:  # type: ignore[override]
        """Run a command; by default the app's ``cli`` group, with the app loaded."""
        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            from .cli import ScriptInfo

            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)
