"""``saferhub stats …``: the statistics package from the command line, on a CSV file. No Django."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Polarity, SpcResult, xmr

# Spreadsheet row numbers: the header is row 1, so the first value is row 2.
FIRST_DATA_ROW = 2
POINT_COLUMNS = [
    "row",
    "date",
    "value",
    "segment",
    "mean",
    "lower_limit",
    "upper_limit",
    "lower_2sigma",
    "upper_2sigma",
    "moving_range",
    "outside_limits",
    "in_run",
    "in_trend",
    "in_two_of_three",
    "point_type",
]


@click.group("stats")
def command() -> None:
    """Statistics on a CSV file: SPC charts with Making Data Count rules."""


def _read_columns(path: Path, columns: list[str]) -> dict[str, list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationProblem("the file is not UTF-8 text: save it as CSV UTF-8", where=str(path)) from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in columns if c not in header]
    if missing:
        have = ", ".join(header) if header else "no header row"
        raise ValidationProblem(
            f"column {', '.join(repr(c) for c in missing)} is missing; the file has: {have}", where=str(path)
        )
    rows = list(reader)
    if not rows:
        raise ValidationProblem("the file has a header but no data rows", where=str(path))
    return {c: [row.get(c) or "" for row in rows] for c in columns}


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def _point_rows(result: SpcResult) -> list[dict[str, Any]]:
    return [
        {
            "row": p.index + FIRST_DATA_ROW,
            "date": "" if p.date is None else str(p.date),
            "value": _num(p.value),
            "segment": p.segment + 1,
            "mean": _num(p.mean),
            "lower_limit": _num(p.lower_limit),
            "upper_limit": _num(p.upper_limit),
            "lower_2sigma": _num(p.lower_2sigma),
            "upper_2sigma": _num(p.upper_2sigma),
            "moving_range": _num(p.moving_range),
            "outside_limits": "yes" if p.outside_limits else "",
            "in_run": "yes" if p.in_run else "",
            "in_trend": "yes" if p.in_trend else "",
            "in_two_of_three": "yes" if p.in_two_of_three else "",
            "point_type": p.point_type,
        }
        for p in result.points
    ]


def _table(result: SpcResult) -> str:
    o = result.options
    lines = [
        f"method: {result.method}",
        f"options: screen outliers {'on' if o.screen_outliers else 'off'}, run length {o.run_length}, "
        f"trend length {o.trend_length}, baseline points {o.baseline_points or 'all'}, "
        f"polarity {o.polarity.value}, target {'none' if o.target is None else _num(o.target)}",
        "",
        "segment  from        points  LPL        mean       UPL        -2 sigma   +2 sigma   limits",
    ]
    for s in result.segments:
        lines.append(
            f"{s.segment + 1:<8} {'' if s.start_date is None else str(s.start_date):<11} {s.points:<7} "
            f"{_num(s.lower_limit):<10} {_num(s.mean):<10} {_num(s.upper_limit):<10} "
            f"{_num(s.lower_2sigma):<10} {_num(s.upper_2sigma):<10} {'trial' if s.trial_limits else 'fixed'}"
        )
    lines += ["", f"variation: {result.variation}", f"assurance: {result.assurance or 'none (no target or polarity)'}"]
    lines += [f"note: {note}" for note in result.notes]
    lines += ["", "row    date        value      flags                         point type"]
    for row in _point_rows(result):
        flags = ",".join(k for k in ("outside_limits", "in_run", "in_trend", "in_two_of_three") if row[k])
        lines.append(f"{row['row']:<6} {row['date']:<11} {row['value']:<10} {flags or '-':<29} {row['point_type']}")
    return "\n".join(lines)


@command.command("spc")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--value-column", default="value", show_default=True, help="Column holding the values.")
@click.option("--date-column", default="date", show_default=True, help="Column holding the dates ('' for none).")
@click.option(
    "--screen/--no-screen",
    default=True,
    show_default=True,
    help="Screen moving ranges of 3.267 x AMR or more (NHSRplotthedots default; MDC Excel: --no-screen).",
)
@click.option(
    "--polarity",
    type=click.Choice([p.value for p in Polarity]),
    default=Polarity.NO_JUDGEMENT.value,
    show_default=True,
)
@click.option("--target", type=float, default=None, help="Target value, for the assurance icon.")
@click.option("--run-length", type=int, default=7, show_default=True, help="Points on one side of the mean.")
@click.option("--trend-length", type=int, default=7, show_default=True, help="Points rising or falling.")
@click.option("--baseline-points", type=int, default=None, help="Fix limits on the first N points of each segment.")
@click.option(
    "--rebase-at",
    multiple=True,
    help="Date (or, with no date column, spreadsheet row) where limits are recalculated; repeatable.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def spc(
    path: Path,
    value_column: str,
    date_column: str,
    screen: bool,
    polarity: str,
    target: float | None,
    run_length: int,
    trend_length: int,
    baseline_points: int | None,
    rebase_at: tuple[str, ...],
    fmt: str,
) -> None:
    """An XmR chart from PATH (CSV): limits, special-cause flags and icons, with every option used."""
    try:
        columns = [value_column] + ([date_column] if date_column else [])
        data = _read_columns(path, columns)
        result = xmr(
            data[value_column],
            dates=data[date_column] if date_column else None,
            polarity=polarity,
            target=target,
            screen_outliers=screen,
            run_length=run_length,
            trend_length=trend_length,
            baseline_points=baseline_points,
            rebase_at=[int(r) - FIRST_DATA_ROW if not date_column and r.isdigit() else r for r in rebase_at],
            first_row=FIRST_DATA_ROW,
        )
    except ValidationProblem as exc:
        raise click.ClickException(str(exc) if exc.where else f"{path}: {exc}") from None
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=POINT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_point_rows(result))
        click.echo(out.getvalue(), nl=False)
    else:
        click.echo(_table(result))
