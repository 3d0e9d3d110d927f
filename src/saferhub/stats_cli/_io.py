"""Reading a CSV into named columns and writing results as CSV or JSON, for ``saferhub stats``.

Columns are found by their plain names (``numerator``, ``denominator``, ``value``, ``date`` or
``period``, …), matched without regard to case or surrounding spaces; every command has options to
give other names. Rows are numbered as a spreadsheet numbers them (the header is row 1), and a bad
cell is named by row and column. Lines before the header that start with ``#`` (a note of where the
data came from) are skipped; the row numbers still count them. Output CSV escapes text that a
spreadsheet would read as a formula (the rule of ``saferhub.core.exports``, which this Django-free
command cannot import).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import numpy as np

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray

FIRST_DATA_ROW = 2
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # as saferhub.core.exports (OWASP "CSV injection")


@dataclasses.dataclass(frozen=True)
class Column:
    """A column a command reads: the names to look for (the first found is used) and whether it must exist."""

    names: tuple[str, ...]
    required: bool = True


@dataclasses.dataclass
class Table:
    path: Path
    header: list[str]
    cells: dict[str, list[str]]  # role → the column's cells as text
    names: dict[str, str]  # role → the header it was read from
    rows: int
    first_row: int = FIRST_DATA_ROW  # the spreadsheet row of the first data row

    def has(self, role: str) -> bool:
        return role in self.cells

    def text(self, role: str) -> list[str]:
        return self.cells[role]

    def numbers(self, role: str, *, allow_missing: bool = False) -> FloatArray:
        """The column as floats (NaN for an empty cell where allowed); a bad cell is named by row and column."""
        cells = self.cells[role]
        name = self.names[role]
        try:
            array = np.asarray(cells, dtype=np.float64)
        except ValueError:
            array = np.empty(len(cells))
            for i, cell in enumerate(cells):
                text = cell.strip().replace(",", "")
                if not text:
                    array[i] = math.nan
                    continue
                try:
                    array[i] = float(text)
                except ValueError:
                    raise ValidationProblem(
                        f"row {i + self.first_row}, column {name!r}: {cell!r} is not a number", where=str(self.path)
                    ) from None
        bad = np.flatnonzero(np.isinf(array))
        if bad.size:
            i = int(bad[0])
            raise ValidationProblem(
                f"row {i + self.first_row}, column {name!r}: {cells[i]!r} is not a finite number", where=str(self.path)
            )
        if not allow_missing:
            empty = np.flatnonzero(np.isnan(array))
            if empty.size:
                i = int(empty[0])
                raise ValidationProblem(
                    f"row {i + FIRST_DATA_ROW}, column {name!r}: the cell is empty", where=str(self.path)
                )
        return array

    def renamed(self) -> dict[str, str]:
        """Roles read from a column of another name, to add to an error that names the role."""
        return {role: name for role, name in self.names.items() if name.lower() != role.lower()}


def read_table(path: Path, wanted: Mapping[str, Column]) -> Table:
    """The columns ``wanted`` (role → Column) from a UTF-8 CSV with a header row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationProblem("the file is not UTF-8 text: save it as CSV UTF-8", where=str(path)) from None
    rows = list(csv.reader(io.StringIO(text)))
    notes = 0
    while notes < len(rows) and rows[notes] and rows[notes][0].lstrip().startswith("#"):
        notes += 1  # a note before the header, e.g. the data's source
    rows = rows[notes:]
    first_row = notes + FIRST_DATA_ROW
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()  # blank lines at the end
    if not rows:
        raise ValidationProblem("the file is empty: it needs a header row and data rows", where=str(path))
    header = [h.strip() for h in rows[0]]
    lookup: dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.lower()
        if key in lookup and key:
            raise ValidationProblem(
                f"the header names column {h!r} twice (columns {lookup[key] + 1} and {i + 1})", where=str(path)
            )
        lookup[key] = i
    body = rows[1:]
    if not body:
        raise ValidationProblem("the file has a header but no data rows", where=str(path))
    for number, row in enumerate(body, start=first_row):
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            raise ValidationProblem(
                f"row {number} has {len(row)} cells but the header has {len(header)}", where=str(path)
            )
    cells: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    missing = []
    for role, column in wanted.items():
        found = next((n for n in column.names if n.strip().lower() in lookup), None)
        if found is None:
            if column.required:
                missing.append(" or ".join(repr(n) for n in column.names))
            continue
        index = lookup[found.strip().lower()]
        names[role] = header[index]
        cells[role] = [row[index] if index < len(row) else "" for row in body]
    if missing:
        have = ", ".join(header) if any(header) else "no header row"
        what = f"column {missing[0]} is" if len(missing) == 1 else f"columns {', '.join(missing)} are"
        raise ValidationProblem(
            f"{what} missing; the file has: {have} (options rename the columns a command reads)",
            where=str(path),
        )
    return Table(path, header, cells, names, len(body), first_row)


def column_option(role: str, default: str, what: str) -> Any:
    """A ``--<role>-column`` option naming the column for ``role``."""
    return click.option(
        f"--{role.replace('_', '-')}-column",
        f"{role}_column",
        default=default,
        show_default=True,
        help=f"Column holding {what}.",
    )


def format_option() -> Any:
    return click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)


def output_option() -> Any:
    return click.option(
        "--output",
        "output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        default=None,
        help="Write to this file instead of the screen.",
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _plain(value: Any) -> Any:
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def emit(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    fmt: str,
    output: Path | None,
    summary: Mapping[str, Any] | None = None,
) -> None:
    """Write rows as CSV (one row per input row, every column) or JSON ({summary…, "rows": […]})."""
    if fmt == "json":
        document = {**(summary or {}), "rows": [{k: _plain(r.get(k)) for k in columns} for r in rows]}
        text = json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(r.get(k)) for k in columns] for r in rows)
        text = buffer.getvalue()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def fail(exc: ValidationProblem, table: Table | None = None, path: Path | None = None) -> click.ClickException:
    """A one-line error naming the file; where the problem names a role read from a renamed column,
    the column is named too ("numerator 12 … in row 4 (the numerator is column 'cases')")."""
    message = exc.message
    if table is not None:
        extra = [
            f"the {role.replace('_', ' ')} is column {name!r}"
            for role, name in table.renamed().items()
            if role.replace("_", " ") in message
        ]
        if extra:
            message += f" ({'; '.join(extra)})"
    where = exc.where or (str(path) if path is not None else None)
    return click.ClickException(f"{where}: {message}" if where else message)
