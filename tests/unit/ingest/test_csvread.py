"""Reading CSV: encodings, headers by name, and row numbers as a spreadsheet shows them."""

import codecs

import pytest

from saferhub.ingest.csvread import choose_layout, normalise_name, open_csv, read_rows
from saferhub.ingest.intake import InputFile
from saferhub.ingest.problems import ImportRefused
from saferhub.ingest.sources.police_uk import OUTCOMES, STREET

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
)
ROW = (
    "abc,2024-01,Essex Police,Essex Police,0.1,51.7,On or near Café Street,E01021237,Basildon 001A,Burglary,"
    "Under investigation,\n"
)


def item(tmp_path, data: bytes, name="2024-01-essex-street.csv") -> InputFile:
    path = tmp_path / name
    path.write_bytes(data)
    return InputFile(path=path, name=name, size=len(data), sha256="0" * 64)


def read(tmp_path, data: bytes):
    csvfile = open_csv(item(tmp_path, data), max_bytes=10_000_000)
    choose_layout(csvfile, [STREET, OUTCOMES], what="police.uk")
    return csvfile, *read_rows(csvfile, file_index=0)


def test_names_are_compared_without_case_spaces_or_underscores():
    assert normalise_name(" LSOA code ") == normalise_name("lsoa_code") == "lsoa_code"


def test_the_standard_and_lower_case_headers_are_the_same_layout(tmp_path):
    lower = HEADER.lower().replace(" ", "_")
    for header in (HEADER, lower):
        csvfile, table, problems = read(tmp_path, (header + ROW).encode())
        assert csvfile.layout is STREET and problems == []
        assert table.column("crime_type").to_pylist() == ["Burglary"]
        assert table.column("_row").to_pylist() == [2]


def test_a_utf8_byte_order_mark_is_read_past_and_noted(tmp_path):
    csvfile, table, _ = read(tmp_path, codecs.BOM_UTF8 + (HEADER + ROW).encode())
    assert table.num_rows == 1 and "byte order mark" in csvfile.notes[0]


def test_latin1_text_is_refused_naming_the_row_and_column(tmp_path):
    data = (HEADER + ROW + ROW).encode("latin-1")
    with pytest.raises(ImportRefused) as caught:
        read(tmp_path, data)
    assert caught.value.where == "2024-01-essex-street.csv, row 2, column Location"
    assert "0xE9 is not UTF-8" in caught.value.message and "CSV UTF-8" in caught.value.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_files_are_refused(tmp_path, encoding):
    with pytest.raises(ImportRefused, match=f"is {encoding.upper()} text"):
        read(tmp_path, (HEADER + ROW).encode(encoding))


def test_missing_columns_are_listed_with_what_was_found(tmp_path):
    with pytest.raises(ImportRefused) as caught:
        read(tmp_path, (HEADER.replace("Crime type", "Type") + ROW).encode())
    assert "missing column 'Crime type'" in caught.value.message
    assert "found 'Crime ID'" in caught.value.message and caught.value.where.endswith("row 1")


def test_rows_with_too_few_values_are_numbered_like_a_spreadsheet(tmp_path):
    body = HEADER + ROW + "\n" + ROW + "abc,2024-01,Essex Police\n" + ROW
    _, table, problems = read(tmp_path, body.encode())
    assert [p.row_number for p in problems] == [5]
    assert "has 3 values; expected 12" in problems[0].reason
    assert table.column("_row").to_pylist() == [2, 4, 6]  # the blank line keeps its row number


def test_a_quote_left_open_at_the_end_is_reported_as_a_cut_short_file(tmp_path):
    _, _, problems = read(tmp_path, (HEADER + ROW + 'abc,2024-01,"Essex').encode())
    assert problems and "cut short" in problems[-1].reason


def test_a_row_leaving_off_only_the_optional_context_is_accepted(tmp_path):
    csvfile, table, problems = read(tmp_path, (HEADER + ROW.rstrip(",\n") + "\n").encode())
    assert problems == [] and table.num_rows == 1
    assert "left off the last value (Context" in csvfile.notes[0]


def test_a_header_with_no_records_is_refused(tmp_path):
    with pytest.raises(ImportRefused, match="has a header row but no records"):
        read(tmp_path, HEADER.encode())
