"""Rejections are bounded: a hostile file cannot store its own text without limit."""

from __future__ import annotations

from saferhub.ingest.problems import MAX_REJECTION_TEXT, MAX_REJECTIONS_KEPT, Rejection, Rejections


def test_a_huge_value_column_and_reason_are_cut_and_say_how_much_was_left_off():
    huge = "A" * 1_000_000
    rejections = Rejections()
    reason = f"is not a number: {huge}; expected a count"
    rejections.add(Rejection("f.csv", 2, huge, huge, reason))
    [kept] = rejections.kept
    assert len(kept.column) <= MAX_REJECTION_TEXT["column"] and len(kept.value) <= MAX_REJECTION_TEXT["value"]
    assert len(kept.reason) <= MAX_REJECTION_TEXT["reason"]
    assert kept.reason.startswith("is not a number: AAAA") and kept.reason.endswith("AAA; expected a count")
    assert f"({len(reason) - (MAX_REJECTION_TEXT['reason'] - 40):,} characters left out)" in kept.reason
    assert kept.file_name == "f.csv" and kept.row_number == 2


def test_only_so_many_are_kept_but_every_one_is_counted():
    rejections = Rejections()
    for n in range(MAX_REJECTIONS_KEPT + 500):
        rejections.add(Rejection("f.csv", n + 2, "value", "x", "is not a number"))
    assert len(rejections.kept) == MAX_REJECTIONS_KEPT
    assert rejections.total == MAX_REJECTIONS_KEPT + 500 and rejections.rows_rejected == MAX_REJECTIONS_KEPT + 500


def test_short_text_is_kept_as_it_is():
    rejections = Rejections()
    rejections.add(Rejection("f.csv", 3, "Crime type", "Burglery", "is not a police.uk crime type"))
    assert rejections.kept[0] == Rejection("f.csv", 3, "Crime type", "Burglery", "is not a police.uk crime type")
