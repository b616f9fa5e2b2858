"""docs/api.md stays true: its Python examples run, in order, in one namespace."""

import pathlib
import re

import pytest

pytestmark = pytest.mark.kolba_only

PAGE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_the_examples_of_building_json_apis_run() -> None:
    namespace: dict[str, object] = {"__name__": "docs_api_example"}
    blocks = BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) >= 10
    for number, source in enumerate(blocks, 1):
        code = compile(source, f"{PAGE.name} (example {number})", "exec")
        exec(code, namespace)  # noqa: S102 - the documentation's own examples
