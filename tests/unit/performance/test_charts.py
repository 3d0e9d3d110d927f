"""Map classes: equal-count breaks rounded to three significant figures, and the legend in words."""

from __future__ import annotations

from saferhub.performance.charts import breaks_for, legend_items


def test_map_breaks_hold_about_equal_numbers_and_are_stated():
    values = [float(v) for v in range(1, 21)]
    breaks = breaks_for(values)
    assert breaks == sorted(breaks) and len(breaks) == 4
    legend = legend_items(breaks, 1.0, 20.0, digits=0)
    assert legend[0]["text"] == f"1 to under {breaks[0]:g}" and legend[-1]["text"] == f"{breaks[-1]:g} to 20"
