"""Flask-Migrate: ``db init``, ``db migrate``, ``db upgrade`` on SQLite, from the command line.

Real Flask runs them as ``python -m flask db ...``; Kolba runs the same
project, unedited, as ``python -m kolba.compat db ...`` (the documented
stand-in for the ``flask`` command).  The app is found through
``FLASK_APP`` in a ``.flaskenv`` file, as a Flask project keeps it.  The
programmatic API (``flask_migrate.upgrade()`` in an app context) runs in
this process through the alias.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import typing as t
from pathlib import Path

from _harness import FLASK_FLAG, Report, choose_backend, scratch_folder

report = Report(choose_backend())

import flask  # noqa: E402

PROJECT = Path(scratch_folder("kolba-migrate-"))

APP_MODULE = """\
import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
migrate = Migrate()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
{extra}

def create_app():
    app = Flask(__name__)
    here = os.path.dirname(os.path.abspath(__file__))
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
        "DATABASE_URL", "sqlite:///" + os.path.join(here, "app.db")
    )
    db.init_app(app)
    migrate.init_app(app, db)
    return app
"""

EMAIL_COLUMN = "    email = db.Column(db.String(120))\n"


def write_app(extra: str = "") -> None:
    """The project's models; a second version adds a column, as a developer would."""
    (PROJECT / "app.py").write_text(APP_MODULE.format(extra=extra))
    for cached in PROJECT.rglob("__pycache__"):
        for pyc in cached.iterdir():
            pyc.unlink()


def flask_command() -> list[str]:
    """The ``flask`` command of the backend under test."""
    if FLASK_FLAG in sys.argv[1:]:
        return [sys.executable, "-m", "flask"]
    return [sys.executable, "-m", "kolba.compat"]


def run(*args: str) -> list[t.Any]:
    """Run one ``flask ...`` command in the project; its exit code and alembic's log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "KOLBA_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(
        [*flask_command(), *args], cwd=PROJECT, env=env, capture_output=True, text=True,
        timeout=60,
    )
    log = [
        re.sub(r"[0-9a-f]{12}", "<rev>", line.split("] ", 1)[-1])
        for line in (proc.stdout + proc.stderr).splitlines()
        if any(word in line for word in ("Detected", "Running", "(head)"))
    ]
    return [proc.returncode, log, proc.stderr[-1500:] if proc.returncode else ""]


def columns(db_file: Path) -> dict[str, list[str]]:
    """Tables and their columns in an SQLite file."""
    with sqlite3.connect(db_file) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: [c[1] for c in conn.execute(f"PRAGMA table_info({n})")] for n in sorted(names)}


(PROJECT / ".flaskenv").write_text("FLASK_APP=app:create_app\n")
write_app()


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("db_init")
def _() -> t.Any:
    code, _log, err = run("db", "init")
    made = sorted(p.name for p in (PROJECT / "migrations").iterdir())
    return [code, made, err]


@report.check("db_migrate_first")
def _() -> t.Any:
    code, log, err = run("db", "migrate", "-m", "users")
    versions = [p.name for p in (PROJECT / "migrations" / "versions").glob("*_users.py")]
    return [code, log, len(versions), err]


@report.check("db_upgrade")
def _() -> t.Any:
    code, log, err = run("db", "upgrade")
    return [code, log, columns(PROJECT / "app.db"), err]


@report.check("db_migrate_added_column")
def _() -> t.Any:
    write_app(EMAIL_COLUMN)
    code, log, err = run("db", "migrate", "-m", "email")
    return [code, log, err]


@report.check("db_upgrade_again")
def _() -> t.Any:
    code, log, err = run("db", "upgrade")
    return [code, log, columns(PROJECT / "app.db")["user"], err]


@report.check("upgrade_api_in_app_context")
def _() -> t.Any:
    sys.path.insert(0, str(PROJECT))
    os.environ["DATABASE_URL"] = "sqlite:///" + str(PROJECT / "api.db")
    try:
        import app as project  # noqa: PLC0415 - the project written above
        from flask_migrate import upgrade

        application = project.create_app()
        with application.app_context():
            upgrade(directory=str(PROJECT / "migrations"))
        return columns(PROJECT / "api.db")
    finally:
        del os.environ["DATABASE_URL"]
        sys.path.remove(str(PROJECT))


report.emit()
