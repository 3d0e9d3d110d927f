"""Which columns a check must trim: only those with a value that begins or ends with something trim removes."""

from __future__ import annotations

import pyarrow as pa

from saferhub.ingest.staging import Trimmed


def test_columns_with_no_padded_value_are_used_as_they_are():
    table = pa.table(
        {
            "plain": ["2024-01", "", "E01021237"],
            "leading": ["2024-01", " 2024-02", "x"],
            "trailing": ["Burglary", "Drugs\t", "x"],
            "unicode_edge": ["x", "\u00a0Basildon", "y"],
            "inner_space": ["On or near Oakwood Drive", "a b", "c"],
        }
    )
    trimmed = Trimmed(table)
    assert trimmed("plain") == "plain"
    assert trimmed("inner_space") == "inner_space"
    assert trimmed("leading") == "trim(leading)"
    assert trimmed("trailing") == "trim(trailing)"
    assert trimmed("unicode_edge") == "trim(unicode_edge)"


def test_a_padded_value_in_any_chunk_or_slice_is_found():
    padded = pa.chunked_array([pa.array(["a", "b"]), pa.array(["c ", "d", "e"]).slice(0, 2)])
    assert Trimmed(pa.table({"v": padded}))("v") == "trim(v)"
    # The padded values lie outside the slices the column is made of.
    clean = pa.chunked_array([pa.array([" a", "b", "c"]).slice(1), pa.array(["d", "e "]).slice(0, 1)])
    assert Trimmed(pa.table({"v": clean}))("v") == "v"
    assert Trimmed(pa.table({"n": [1, 2]}))("n") == "trim(n)"  # not text: left to trim() as before
