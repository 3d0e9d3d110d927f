"""Golden files: rendered output (HTML fragments, CSV exports) kept as the reviewed, expected text.

``assert_golden(name, text)`` compares ``text`` with ``tests/golden/<name>``. To refresh after a
deliberate change, run the test with ``SAFERHUB_GOLDEN_UPDATE=1``: the file is rewritten and the
test fails once, saying so, so that nobody refreshes by accident; read the diff (``git diff
tests/golden``) before committing it, then run the test again without the variable. See
tests/golden/README.md.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent
UPDATE = "SAFERHUB_GOLDEN_UPDATE"


def without_ids(html: str) -> str:
    """Record numbers in links and anchors differ between databases and runs: each becomes N."""
    html = re.sub(r'href="([^"]*)"', lambda m: 'href="' + re.sub(r"\d+", "N", m.group(1)) + '"', html)
    return re.sub(r'id="([a-z_-]+)-\d+"', r'id="\1-N"', html)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get(UPDATE):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        pytest.fail(f"golden file {name} written: read it (git diff tests/golden), then run without {UPDATE}")
    if not path.exists():
        pytest.fail(f"golden file {name} is missing: run the test with {UPDATE}=1 and read what it wrote")
    with path.open(encoding="utf-8", newline="") as handle:  # CSV lines end in CRLF: keep them
        expected = handle.read()
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), text.splitlines(keepends=True), f"golden/{name}", "rendered"
            )
        )
        pytest.fail(f"rendered output differs from golden file {name}:\n{diff}")
