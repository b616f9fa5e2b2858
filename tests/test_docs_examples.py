"""Every Python code block of ``docs/`` and ``README.md`` runs as written.

A block is imported as a module in a folder of its own that holds the files
its page showed before it (see ``tests/_docs_blocks.py`` for the
conventions); one that defines ``test_*`` functions is run with pytest. A
block that cannot run alone is marked on its page as a fragment, with the
reason, and shows up here as a skipped test.

The docs describe Kolba, so these tests do not run against Flask.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from tests._docs_blocks import (
    FIXTURES, ROOT, Block, DirectiveError, blocks_of, documents, python_blocks,
)

pytestmark = pytest.mark.kolba_only

BLOCKS = python_blocks()
RUNNER = Path(__file__).resolve().parent / "_docs_runner.py"
HINT = """\
Fix the example, or tell the test what it needs, on the line before the block:
  a file it reads: show the file on the page as a block after a line `path/to/file`:
  files the page does not show: <!-- docs-test: fixture NAME --> (tests/docs_fixtures/NAME/)
  a block that cannot run alone: <!-- docs-test: fragment: why -->
  a page whose blocks build on each other: <!-- docs-test: blocks continue --> (once, anywhere)
See tests/_docs_blocks.py."""


def _why_not_run(block: Block) -> str | None:
    if block.fragment:
        return f"fragment: {block.fragment}"
    if block.min_python and sys.version_info < block.min_python:
        return "needs Python {}.{}".format(*block.min_python)
    return None


def _job(slot: int, block: Block, files: dict[str, str]) -> dict[str, object]:
    everything: dict[str, str] = {}
    for fixture in block.fixtures:
        for path in sorted((FIXTURES / fixture).rglob("*")):
            if path.is_file():
                everything[str(path.relative_to(FIXTURES / fixture))] = path.read_text()
    everything.update(files)
    everything[f"{block.module}.py"] = block.prelude + block.source
    return {
        "id": block.id,
        "slot": slot,
        "files": everything,
        "module": block.module,
        "pytest": block.is_test_module,
    }


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, t.Any]]:
    """Run every runnable block once, in one runner process (see its module)."""
    jobs = [
        _job(slot, block, files)
        for slot, (block, files) in enumerate(BLOCKS)
        if _why_not_run(block) is None
    ]
    base = tmp_path_factory.mktemp("docs-blocks")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, str(RUNNER)],
        input=json.dumps({"base": str(base), "jobs": jobs}),
        capture_output=True, text=True, env=env, cwd=base, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, dict[str, t.Any]] = json.loads(done.stdout)
    shutil.rmtree(base, ignore_errors=True)
    return found


def _params() -> list[t.Any]:
    params = []
    for block, _ in BLOCKS:
        reason = _why_not_run(block)
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        params.append(pytest.param(block, id=block.id, marks=marks))
    return params


@pytest.mark.parametrize("block", _params())
def test_block_runs(block: Block, results: dict[str, dict[str, t.Any]]) -> None:
    outcome = results[block.id]
    if not outcome["ok"]:
        pytest.fail(f"{block.id} failed:\n{outcome['output']}\n--- the block ---\n{block.source}"
                    f"--- what to do ---\n{HINT}")


def test_the_collector_sees_the_docs() -> None:
    """Guards against a parser change that silently finds no blocks."""
    pages = {block.document.name for block, _ in BLOCKS}
    assert {"README.md", "quickstart.md", "routing.md", "config.md"} <= pages
    assert len(BLOCKS) >= 100
    ids = [block.id for block, _ in BLOCKS]
    assert len(ids) == len(set(ids))


def test_every_fence_is_closed() -> None:
    """An unclosed fence would swallow the rest of its page, blocks included."""
    for document in documents():
        blocks_of(document)  # raises on an unclosed fence or a bad instruction


def test_fixture_folders_are_used() -> None:
    used = {name for block, _ in BLOCKS for name in block.fixtures}
    folders = {path.name for path in FIXTURES.iterdir() if path.is_dir()} if FIXTURES.is_dir() else set()
    assert used == folders


def test_files_from_the_page_are_written_next_to_the_block() -> None:
    """The convention the static-file and template examples rely on."""
    page = blocks_of(ROOT / "docs" / "templating.md")
    labelled = [block for block in page if block.label]
    assert labelled and labelled[0].label == "templates/hello.html"


def test_instructions_above_a_block_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fixtures" / "flask-hello").mkdir(parents=True)
    monkeypatch.setattr("tests._docs_blocks.FIXTURES", tmp_path / "fixtures")
    page = tmp_path / "page.md"
    page.write_text(
        "`templates/a.html`:\n\n```html\n<p>{{ x }}</p>\n```\n\n"
        "<!-- docs-test: fragment: shows only the view -->\n```python\nreturn 1\n```\n\n"
        "<!-- docs-test: fixture flask-hello -->\n<!-- docs-test: python 3.11 -->\n"
        "```python\n# wsgi.py\nimport hello\n```\n"
    )
    html, fragment, module = blocks_of(page)
    assert html.label == "templates/a.html" and html.language == "html"
    assert fragment.fragment == "shows only the view" and _why_not_run(fragment)
    assert module.fixtures == ("flask-hello",) and module.min_python == (3, 11)
    assert module.module == "wsgi" and not module.is_test_module


@pytest.mark.parametrize("comment", [
    "<!-- docs-test: fragment -->",  # no reason
    "<!-- docs-test: fixture no-such-folder -->",
    "<!-- docs-test: skip -->",
])
def test_a_bad_instruction_is_an_error(tmp_path: Path, comment: str) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"{comment}\n```python\npass\n```\n")
    with pytest.raises(DirectiveError):
        blocks_of(page)


def test_a_page_can_say_its_blocks_continue(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- docs-test: blocks continue -->\n\n```python\nx = 1\n```\n\n"
        "<!-- docs-test: fragment: not valid alone -->\n```python\nreturn x\n```\n\n"
        "```python\nassert x == 1\n```\n"
    )
    first, fragment, last = blocks_of(page)
    assert first.prelude == "" and fragment.prelude == "x = 1\n\n"
    assert last.prelude == "x = 1\n\n"  # the fragment is left out
