"""Map classes: equal-count breaks rounded to three significant figures, and the legend in words."""

from __future__ import annotations

from saferhub.performance.charts import breaks_for, legend_items


def test_map_breaks_hold_about_equal_numbers_and_are_stated():
    values = [float(v) for v in range(1, 21)]
    breaks = breaks_for(values)
    assert breaks == sorted(breaks) and len(breaks) == 4
    legend = legend_items(breaks, 1.0, 20.0, digits=0)
    assert legend[0]["text"] == f"1 to under {breaks[0]:g}" and legend[-1]["text"] == f"{breaks[-1]:g} to 20"


def _series(labels: list[str]) -> list[dict]:
    from saferhub.core.codes import parse_period

    return [
        {"period": label, "start": parse_period(label).start.isoformat(), "value": 10.0 + i, "kind": "month"}
        for i, label in enumerate(labels)
    ]


def test_time_axes_label_every_tick_with_month_and_year_and_lines_stop_at_a_gap():
    """Issue 15: every tick read "October"; a five-year gap was bridged by the line."""
    import re

    from saferhub.performance.charts.curve import turn_the_curve

    months = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02", "2024-01", "2024-02", "2024-03", "2024-04"]
    chart = turn_the_curve(title="ASB", series=_series(months), forecast=None, targets=[], unit="incidents")
    svg = chart.svg
    ticks = re.findall(r">([A-Z][a-z]{2} \d{4})<", svg)
    assert ticks and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t) for t in ticks), ticks
    assert not re.search(r">(January|February|October|November|December)<", svg)
    # Two stretches of data: the recorded line is drawn as two paths, not one across the gap.
    spec = chart.full_spec
    line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert line["encoding"]["detail"]["field"] == "stretch"
    stretches = {row["stretch"] for row in line["data"]["values"]}
    assert stretches == {0, 1}
    assert sorted(r["period"] for r in line["data"]["values"] if r["stretch"] == 1) == months[5:]


def test_annual_series_are_labelled_by_year():
    from saferhub.performance.charts.common import time_axis

    assert time_axis(["2024-01", "2024-02"])["axis"]["format"] == "%b %Y"
    assert time_axis(["2024-Q1", "2024-Q2"])["axis"]["format"] == "%b %Y"


def _ticks(labels: list[str]) -> list[str]:
    """The x-axis tick labels of a turn-the-curve chart of ``labels``, as rendered to SVG."""
    import re

    from saferhub.performance.charts.curve import turn_the_curve

    svg = turn_the_curve(title="Crime", series=_series(labels), forecast=None, targets=[], unit="crimes").svg
    return re.findall(r">(\d{4}(?:/\d{2})?|[A-Z][a-z]{2} \d{4})<", svg)


def test_financial_year_ticks_read_as_financial_years():
    """Yearly financial-year series read "Jan 2010" at each tick; a tick says its period, "2009/10"."""
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(2009, 2019)]
    ticks = _ticks(years)
    assert ticks, ticks
    assert set(ticks) <= set(years), ticks  # every tick is one of the periods, none "Jan 2010"
    assert "2009/10" in ticks and ticks == sorted(ticks)


def test_a_financial_year_ending_a_century_reads_with_two_digits():
    assert _ticks(["1998/99", "1999/00", "2000/01"]) == ["1998/99", "1999/00", "2000/01"]


def test_calendar_year_ticks_read_as_years_once_each():
    ticks = _ticks([str(y) for y in range(2015, 2025)])
    assert ticks and set(ticks) <= {str(y) for y in range(2015, 2025)}
    assert len(ticks) == len(set(ticks)), ticks  # no "2015" twice for January and July
