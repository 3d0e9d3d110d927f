"""The why page's note on how "What moved" is ordered says the order the tables were given."""

from __future__ import annotations

from saferhub.performance.pages.why_moved import _sort_note, _table

COUNTS = {
    ("Burglary",): {"latest": 30, "year_before": 0, "previous": 10},
    ("Arson",): {"latest": 12, "year_before": 0, "previous": 11},
    ("Shoplifting",): {"latest": 40, "year_before": 0, "previous": 70},
}
NAMES = {k: k[0] for k in COUNTS}


def test_with_a_year_before_the_note_says_so():
    assert _sort_note(frozenset(), same=False) == "The biggest changes against a year before come first."


def test_without_a_year_before_rows_go_by_the_change_on_the_period_before_and_the_note_says_so():
    table = _table(COUNTS, NAMES, set(), missing=frozenset({"year_before"}))
    assert [r["name"] for r in table["rows"]] == ["Shoplifting", "Burglary", "Arson"]  # -30, +20, +1
    assert _sort_note(frozenset({"year_before"}), same=False).startswith("With no records for a year before")


def test_without_any_earlier_records_rows_are_alphabetical_and_a_limited_table_still_lists_some():
    missing = frozenset({"year_before", "previous"})
    table = _table(COUNTS, NAMES, set(), missing=missing, limit=2)
    assert [r["name"] for r in table["rows"]] == ["Arson", "Burglary"]
    assert table["not_listed"] == 1
    assert "alphabetical order" in _sort_note(missing, same=False)
    # an annual figure: the period before is the year before, so neither is known
    assert "alphabetical order" in _sort_note(frozenset({"year_before"}), same=True)
