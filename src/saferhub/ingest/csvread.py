"""Reading partner CSV files: encoding, the header row, columns by name, and rows with their numbers.

Rows become Arrow columns (never Python objects one row at a time). A row's number is the one a
spreadsheet shows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from saferhub.ingest.intake import InputFile
from saferhub.ingest.problems import ImportRefused, Rejection

MAX_CELL_CHARS = 1000


def normalise_name(name: str) -> str:
    """``"LSOA code"``, ``"lsoa_code"`` and ``" LSOA-Code "`` all become ``lsoa_code``."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # canonical (normalised) name
    label: str  # as the standard layout spells it
    required: bool = True
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """A known file layout: its columns, by name, and a question that tells it apart from others."""

    name: str
    dataset: str
    columns: tuple[ColumnSpec, ...]
    marker: str  # a normalised column name only this layout has
    alt_markers: tuple[str, ...] = ()  # the same column under older names

    def labels(self) -> str:
        return ", ".join(c.label for c in self.columns if c.required)


@dataclass
class CsvFile:
    input: InputFile
    data: bytes  # without a byte order mark
    header: list[str]
    layout: Layout | None = None
    positions: dict[str, int] = field(default_factory=dict)  # canonical name → column index
    notes: list[str] = field(default_factory=list)

    def label(self, canonical: str) -> str:
        """The column's name as this file spells it (for messages)."""
        index = self.positions.get(canonical)
        return self.header[index] if index is not None else canonical


def check_encoding(item: InputFile, data: bytes) -> tuple[bytes, list[str]]:
    """Return the bytes without a UTF-8 byte order mark; refuse anything that is not UTF-8 text."""
    notes: list[str] = []
    if not data or (len(data) < 65536 and not data.strip()):
        raise ImportRefused(
            "is empty: expected a header row naming the columns, then one row per record", where=item.name
        )
    for bom, label in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if data.startswith(bom):
            raise ImportRefused(
                f"is {label} text (it starts with a {label} byte order mark); expected UTF-8: "
                "in Excel use Save As → CSV UTF-8",
                where=item.name,
            )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        notes.append(f"{item.name}: a UTF-8 byte order mark at the start was ignored")
    nul = data.find(b"\x00")
    if nul >= 0:
        row = data.count(b"\n", 0, nul) + 1
        raise ImportRefused(
            "contains a NUL byte, so it is a binary file (a spreadsheet, an image, UTF-16 text), "
            "not CSV text; expected CSV saved as UTF-8",
            where=f"{item.name}, row {row}",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        prefix = data[line_start : exc.start].decode("utf-8", errors="replace")
        column_index = next(csv.reader([prefix + "x"]), [""]).__len__() - 1
        header = _header_cells(data)
        column = header[column_index] if row > 1 and 0 <= column_index < len(header) else f"{column_index + 1}"
        byte = data[exc.start : exc.start + 1].hex().upper()
        raise ImportRefused(
            f"byte 0x{byte} is not UTF-8 text; the file looks like Latin-1 or Windows-1252. "
            "Expected UTF-8: in Excel use Save As → CSV UTF-8 (a partner layout's mapping can instead "
            "declare encoding: windows-1252)",
            where=f"{item.name}, row {row}, column {column}",
        ) from None
    return data, notes


MAX_HEADER_CELL_CHARS = 1000  # a column name longer than this is not a column name


def _header_cells(data: bytes, name: str = "") -> list[str]:
    """The first row's cells; refused, naming the column, when one is far too long to be a name."""
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    text = first.decode("utf-8", errors="replace").rstrip("\r")
    try:
        cells = next(csv.reader([text]), [])
    except csv.Error as exc:
        raise ImportRefused(
            f"the header row cannot be read as CSV ({exc}); expected a first row of column names",
            where=f"{name}, row 1" if name else "row 1",
        ) from None
    for number, cell in enumerate(cells, start=1):
        if len(cell) > MAX_HEADER_CELL_CHARS:
            raise ImportRefused(
                f"column {number} of the header row is {len(cell):,} characters long; expected a column name "
                f"of at most {MAX_HEADER_CELL_CHARS:,}",
                where=f"{name}, row 1" if name else "row 1",
            )
    return cells


def open_csv(item: InputFile, *, max_bytes: int, encoding: str = "utf-8") -> CsvFile:
    """Read one file's bytes, check its encoding and read its header row.

    Files are UTF-8; a partner layout's mapping may declare another encoding (such as
    windows-1252), in which case the text is converted to UTF-8 first.
    """
    if item.size > max_bytes:
        raise ImportRefused(f"is larger than the {max_bytes:,} bytes allowed for one file", where=item.name)
    raw = item.path.read_bytes()
    converted = []
    if codecs.lookup(encoding).name != "utf-8":
        try:
            raw = raw.decode(encoding).encode("utf-8")
        except UnicodeDecodeError as exc:
            row = raw.count(b"\n", 0, exc.start) + 1
            raise ImportRefused(
                f"byte 0x{raw[exc.start : exc.start + 1].hex().upper()} is not {encoding} text, "
                "the encoding the mapping declares",
                where=f"{item.name}, row {row}",
            ) from None
        converted.append(f"{item.name}: read as {encoding}, as the mapping declares")
    data, notes = check_encoding(item, raw)
    notes = converted + notes
    header = [h.strip() for h in _header_cells(data, item.name)]
    if not any(header):
        raise ImportRefused("has an empty first row: expected the header row naming the columns", where=item.name)
    return CsvFile(input=item, data=data, header=header, notes=notes)


def choose_layout(csvfile: CsvFile, layouts: Iterable[Layout], *, what: str) -> Layout:
    """Match the header to one of ``layouts`` by column names (any order, case, spaces or underscores)."""
    names = [normalise_name(h) for h in csvfile.header]
    options = list(layouts)
    layout = next((lay for lay in options if {lay.marker, *lay.alt_markers} & set(names)), options[0])
    positions: dict[str, int] = {}
    for spec in layout.columns:
        candidates = [i for i, n in enumerate(names) if n in (spec.name, *spec.aliases)]
        if len(candidates) > 1:
            spelled = " and ".join(f"{csvfile.header[i]!r} (column {i + 1})" for i in candidates)
            raise ImportRefused(
                f"the header names {spec.label!r} twice: {spelled}; expected each column once",
                where=f"{csvfile.input.name}, row 1",
            )
        if candidates:
            positions[spec.name] = candidates[0]
    missing = [spec.label for spec in layout.columns if spec.required and spec.name not in positions]
    if missing:
        found = ", ".join(repr(h) for h in csvfile.header[:20]) + (" …" if len(csvfile.header) > 20 else "")
        hint = ""
        if len(csvfile.header) == 1 and any(sep in csvfile.header[0] for sep in (";", "\t", "|")):
            hint = " The file seems to use semicolons, tabs or bars between values; expected commas."
        elif not positions:
            hint = " Is the first row the header (the column names)?"
        raise ImportRefused(
            f"is not a {what} file: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)}. Expected the columns {layout.labels()}; found {found}.{hint}",
            where=f"{csvfile.input.name}, row 1",
        )
    csvfile.layout = layout
    csvfile.positions = positions
    return layout


def peek_layout(item: InputFile, layouts: Iterable[Layout]) -> Layout | None:
    """The layout whose marker column the file's header names (reading only the first row), if any."""
    with item.path.open("rb") as handle:
        head = handle.read(65536)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    names = {normalise_name(h) for h in _header_cells(head, item.name)}
    return next((lay for lay in layouts if {lay.marker, *lay.alt_markers} & names), None)


def read_rows(csvfile: CsvFile, *, file_index: int) -> tuple[pa.Table, list[Rejection]]:
    """The file's records as an Arrow table of text columns named canonically, with ``_file`` and ``_row``.

    Rows with the wrong number of values, unclosed quotes and over-long cells become rejections.
    """
    wanted = sorted(csvfile.positions.items(), key=lambda kv: kv[1])
    data = csvfile.data
    # An odd number of quote characters means a quoted value is never closed (a file cut short);
    # the fast reader would silently run it to the end of the file.
    unbalanced_quotes = b'"' in data and data.count(b'"') % 2 == 1
    problems: list[Rejection] = []
    table = None
    if not unbalanced_quotes:
        table, structural = _read_fast(csvfile, wanted)
        if structural:
            table = None  # row numbers after a skipped row would be wrong: read it the careful way
    if table is None:
        table, problems = _read_careful(csvfile, wanted)
    else:
        table = table.append_column("_row", pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64)))
        table = _drop_blank_rows(table)
    if table.num_rows == 0 and not problems:
        raise ImportRefused(
            "has a header row but no records; a month with no records is not imported as zero",
            where=csvfile.input.name,
        )
    table = table.append_column("_file", pa.array(np.full(table.num_rows, file_index, dtype=np.int32)))
    return table, problems


def _drop_blank_rows(table: pa.Table) -> pa.Table:
    """Remove empty lines (read as rows of empty values), keeping every other row's number."""

    columns = [table.column(n) for n in table.column_names if not n.startswith("_")]
    if not columns:
        return table
    blank = None
    for column in columns:  # column by column, stopping as soon as no row is still blank in every one
        empty = pc.equal(column, "")
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return table
    assert blank is not None
    return table.filter(pc.invert(blank))


READ_BLOCK_BYTES = 8 << 20


def _read_fast(csvfile: CsvFile, wanted: list[tuple[str, int]]) -> tuple[pa.Table, bool]:
    width = len(csvfile.header)
    names = [f"c{i}" for i in range(width)]
    bad: list[object] = []

    def on_invalid(row: object) -> str:
        bad.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(csvfile.data),
            # A file of one block is read on the caller's thread (files are read several at a time);
            # a bigger one uses Arrow's threads for its blocks.
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=1,
                block_size=READ_BLOCK_BYTES,
                use_threads=len(csvfile.data) > READ_BLOCK_BYTES,
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                include_columns=[f"c{i}" for _, i in wanted],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return pa.table({}), True
    table = table.rename_columns([name for name, _ in wanted])
    return table, bool(bad)


def _read_careful(csvfile: CsvFile, wanted: list[tuple[str, int]]) -> tuple[pa.Table, list[Rejection]]:
    """Python's csv module, strict: exact row numbers and a reason for every malformed row."""
    name = csvfile.input.name
    width = len(csvfile.header)
    text = csvfile.data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns: dict[str, list[str]] = {n: [] for n, _ in wanted}
    rows: list[int] = []
    problems: list[Rejection] = []
    record = 0
    padded = 0
    required = {c.name for c in csvfile.layout.columns if c.required} if csvfile.layout else set()
    required_positions = {index for canonical, index in csvfile.positions.items() if canonical in required}

    def short_ok(count: int) -> bool:
        # A row may leave off trailing values of optional columns (police.uk's empty Context).
        return all(index < count for index in required_positions)

    try:
        for read in reader:
            record += 1
            cells = read
            if record == 1:
                continue
            if not any(c.strip() for c in cells):
                continue  # a blank line (or a row of empty cells): keeps its row number, holds no record
            if len(cells) < width and short_ok(len(cells)):
                cells = cells + [""] * (width - len(cells))
                padded += 1
            if len(cells) != width:
                problems.append(
                    Rejection(
                        name,
                        record,
                        "",
                        ",".join(cells)[:200],
                        f"has {len(cells)} value{'s' if len(cells) != 1 else ''}; expected {width}, "
                        "one for each column of the header row"
                        + (" (the file may be cut short)" if len(cells) < width else ""),
                    )
                )
                continue
            for column_name, index in wanted:
                columns[column_name].append(cells[index])
            rows.append(record)
    except csv.Error as exc:
        problems.append(
            Rejection(
                name,
                record + 1,
                "",
                "",
                f"cannot be read as CSV ({exc}); a quoted value may not be closed, or the file is cut short",
            )
        )
    if padded:
        missing = [h for i, h in enumerate(csvfile.header) if i not in required_positions and h][-1:]
        csvfile.notes.append(
            f"{name}: {padded:,} row{'s' if padded > 1 else ''} left off the last value"
            f"{' (' + missing[0] + ', an optional column)' if missing else ''}; taken as empty"
        )
    arrays = {n: pa.array(values, type=pa.string()) for n, values in columns.items()}
    arrays["_row"] = pa.array(rows, type=pa.int64())
    return pa.table(arrays), problems
