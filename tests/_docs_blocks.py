"""The code blocks of the documentation, read from its Markdown files.

The docs follow three conventions that tell a test what a block needs:

* A line ```` `path`: ```` just before a block (``templates/hello.html``:)
  says the block *is* that file.  Every later Python block of the same page
  finds it in its working directory, so examples that read templates, static
  files or config files get exactly the file the reader sees.
* A Python block whose label or first line names a ``.py`` file
  (``# hello.py``) is that module; it is imported under that name.  Other
  blocks are imported as the module ``example``.  Imported, not run as
  ``__main__``: an ``if __name__ == "__main__": app.run()`` guard stays shut.
* An HTML comment on the line before a block (invisible on the page) gives
  instructions, one per comment:

  ``<!-- docs-test: fragment: REASON -->``
      the block is a fragment and is not run; the reason is required.
  ``<!-- docs-test: fixture NAME -->``
      the files of ``tests/docs_fixtures/NAME/`` are put in its directory.
  ``<!-- docs-test: python 3.11 -->``
      the block needs at least that Python version (skipped on older ones).

  One instruction is for the whole page, on a line of its own anywhere in it:

  ``<!-- docs-test: blocks continue -->``
      each Python block continues the ones above it, as a reader typing
      them into one session would: it runs after them, in one module.

A Python block that defines ``test_*`` functions is a test module: it is run
with pytest instead of being imported.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "docs_fixtures"

#: The Markdown files whose blocks are checked: every page under ``docs/``
#: and the README.
def documents() -> list[Path]:
    """Every Markdown file whose code blocks must run."""
    return sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]


_FENCE = re.compile(r"^```(?P<info>[^`]*)$")
_LABEL = re.compile(r"^`(?P<path>[\w./-]+)`:$")
_DIRECTIVE = re.compile(r"^<!--\s*docs-test:\s*(?P<body>.*?)\s*-->$")
_MODULE_LINE = re.compile(r"^#\s*(?P<name>[A-Za-z_]\w*)\.py\s*$")
PAGE_CONTINUES = "blocks continue"


def _shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


class DirectiveError(ValueError):
    """A ``docs-test`` comment this module does not understand."""


@dataclasses.dataclass(frozen=True)
class Block:
    """One fenced code block and what the page says about it."""

    document: Path
    line: int  # of the opening fence, 1-based
    language: str
    source: str
    label: str | None = None
    fragment: str | None = None
    fixtures: tuple[str, ...] = ()
    min_python: tuple[int, int] | None = None
    #: The earlier blocks of the page this one continues (see ``blocks continue``).
    prelude: str = ""

    @property
    def id(self) -> str:
        """``docs/page.md:LINE``, the test's id."""
        return f"{_shown(self.document)}:{self.line}"

    @property
    def module(self) -> str:
        """The name the block is imported under."""
        if self.label and self.label.endswith(".py") and "/" not in self.label:
            return self.label[:-3]
        first = self.source.splitlines()[0] if self.source else ""
        match = _MODULE_LINE.match(first)
        return match["name"] if match else "example"

    @property
    def is_test_module(self) -> bool:
        """Whether the block defines pytest test functions to run."""
        tree = ast.parse(self.source)
        return any(
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name.startswith("test_")
            for node in tree.body
        )


def _apply(directive: str, fields: dict[str, object]) -> None:
    """Record one ``docs-test`` instruction in ``fields``."""
    if directive.startswith("fragment"):
        reason = directive[len("fragment") :].lstrip(":").strip()
        if not reason:
            raise DirectiveError("a fragment needs a reason: 'fragment: why'")
        fields["fragment"] = reason
    elif directive.startswith("fixture "):
        name = directive.split(None, 1)[1]
        if not (FIXTURES / name).is_dir():
            raise DirectiveError(f"no fixture folder tests/docs_fixtures/{name}")
        fields["fixtures"] = (*fields.get("fixtures", ()), name)  # type: ignore[misc]
    elif directive == PAGE_CONTINUES:
        pass  # a page-wide instruction, read by blocks_of
    elif re.fullmatch(r"python \d+\.\d+", directive):
        major, minor = directive.split()[1].split(".")
        fields["min_python"] = (int(major), int(minor))
    else:
        raise DirectiveError(f"unknown docs-test instruction {directive!r}")


def _preamble(lines: list[str], fence: int, where: str) -> dict[str, object]:
    """Read the label and instructions written just above the fence at ``fence``."""
    fields: dict[str, object] = {}
    index = fence - 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    while index >= 0:
        text = lines[index].strip()
        directive = _DIRECTIVE.match(text)
        label = _LABEL.match(text)
        if directive:
            try:
                _apply(directive["body"], fields)
            except DirectiveError as exc:
                raise DirectiveError(f"{where}: {exc}") from None
        elif label and "label" not in fields:
            fields["label"] = label["path"]
        else:
            break
        index -= 1
        while index >= 0 and not lines[index].strip():
            index -= 1
    return fields


def blocks_of(document: Path) -> list[Block]:
    """Every fenced block of ``document``, in order."""
    lines = document.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end] != "```":
            end += 1
        where = f"{_shown(document)}:{index + 1}"
        if end == len(lines):
            raise DirectiveError(f"{where}: the code block is never closed")
        fields = _preamble(lines, index, where)
        language = opening["info"].strip().split(" ")[0]
        source = "\n".join(lines[index + 1 : end]) + "\n"
        found.append(Block(document, index + 1, language, source, **fields))  # type: ignore[arg-type]
        index = end + 1
    if f"<!-- docs-test: {PAGE_CONTINUES} -->" in lines:
        found = _continued(found)
    return found


def _continued(page: list[Block]) -> list[Block]:
    """Give each Python block the runnable Python blocks above it as its prelude."""
    done: list[Block] = []
    above = ""
    for block in page:
        if block.language == "python":
            block = dataclasses.replace(block, prelude=above)
            if not block.fragment:
                above += block.source + "\n"
        done.append(block)
    return done


def files_before(block: Block, page: list[Block]) -> dict[str, str]:
    """The labelled files the page shows before ``block`` (and ``block`` itself)."""
    files: dict[str, str] = {}
    for other in page:
        if other.label:
            files[other.label] = other.source
        if other is block:
            break
    return files


def python_blocks() -> list[tuple[Block, dict[str, str]]]:
    """Every Python block of the docs with the files it can see."""
    found = []
    for document in documents():
        page = blocks_of(document)
        for block in page:
            if block.language == "python":
                found.append((block, files_before(block, page)))
    return found
