"""The CLI test runner, apart from the test client so that only it imports Click."""

from __future__ import annotations

import typing as t

from click.testing import CliRunner

if t.TYPE_CHECKING:
    from click.testing import Result

    from .app import Kolba


class KolbaCliRunner(CliRunner):
    """Invokes the app's CLI commands in-process, for tests (``app.test_cli_runner()``)."""

    def __init__(self, app: Kolba, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any) -> Result:  # type: ignore[override]
        """Run ``cli`` (the app's own group by default) with this runner's app already chosen.

        Commands get a :class:`~kolba.cli.ScriptInfo` that returns the app
        (unless ``obj`` is passed), so nothing is imported or discovered.
        """
        from .cli import ScriptInfo

        chosen = {"obj": ScriptInfo(create_app=self._runner_app), **kwargs}
        return super().invoke(self.app.cli if cli is None else cli, args, **chosen)

    def _runner_app(self) -> Kolba:
        return self.app
