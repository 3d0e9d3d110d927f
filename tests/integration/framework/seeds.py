"""Reading the seed documents in tests: the text as written, with whitespace and footnote marks
evened out so that a quotation can be found whatever the tabs and line breaks between its words."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
FOOTNOTES = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def normalise(text: str) -> str:
    """Whitespace as single spaces; footnote marks and Markdown emphasis (``**``) removed."""
    return re.sub(r"\s+", " ", text.translate(FOOTNOTES).replace("*", "")).strip()


@cache
def seed(name: str) -> str:
    """The raw text of a seed file, by its number (``000``) or full name."""
    matches = sorted(SEEDS.glob(f"{name}*.txt"))
    assert matches, f"no seed file {name}* in {SEEDS}"
    return matches[0].read_text(encoding="utf-8")


def section(name: str, start: str, end: str) -> str:
    """The seed text from the first ``start`` heading to the next ``end`` heading after it."""
    text = seed(name)
    i = text.index(start)
    j = text.index(end, i + len(start))
    return text[i:j]


def number(text: str) -> float:
    return float(text.replace(",", ""))
