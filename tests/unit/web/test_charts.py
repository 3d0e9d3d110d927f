"""Charts: a Vega-Lite spec rendered to SVG on the server, with an accessible name, a summary and a
table; hostile text stays text; better/worse never by colour alone."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from saferhub.core import charts


def simple_chart(title="Crimes by month", label="<script>alert(1)</script>"):
    spec = {
        "width": 200,
        "height": 100,
        "data": {"values": [{"period": label, "value": 3}, {"period": "2024-02", "value": 5}]},
        "mark": "bar",
        "encoding": {"x": {"field": "period", "type": "nominal"}, "y": {"field": "value", "type": "quantitative"}},
    }
    table = charts.ChartTable("Crimes by month", ["Month", "Crimes"], [[label, "3"], ["2024-02", "5"]], {1})
    return charts.Chart(id="crimes", title=title, spec=spec, summary="Two months: 3 then 5.", table=table)


def test_a_chart_renders_to_svg_with_an_accessible_name():
    svg = simple_chart().svg
    assert svg.startswith("<svg")
    assert 'role="img"' in svg and 'aria-label="Crimes by month. Two months: 3 then 5."' in svg
    # Vega's own ARIA roles are removed inside the picture: the figure's table says the rest.
    assert "aria-roledescription" not in svg and svg.count('role="') == 1


def test_text_from_data_is_escaped_in_the_svg_and_the_page():
    chart = simple_chart()
    assert "<script>" not in chart.svg
    html = render_to_string("web/components/chart.html", {"chart": chart})
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # in the table, as text
    assert '<script id="crimes-spec" type="application/json">' in html


def test_the_component_shows_the_summary_and_the_table_beside_the_picture():
    html = render_to_string("web/components/chart.html", {"chart": simple_chart()})
    assert '<figure class="saferhub-chart" id="crimes">' in html
    assert "Two months: 3 then 5." in html
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Crimes by month</caption>' in html
    assert 'data-saferhub-chart="crimes-spec"' in html


def test_rendering_is_cached_by_the_spec(monkeypatch):
    import vl_convert

    calls = []
    real = vl_convert.vegalite_to_svg
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda spec: calls.append(1) or real(spec))
    chart = simple_chart(label="cache-test-unique")
    first, second = chart.svg, chart.svg
    assert first == second and len(calls) == 1


def test_outcomes_differ_in_shape_as_well_as_colour():
    shapes = {shape for _, _, shape in charts.OUTCOME_STYLE.values()}
    colours = {colour for _, colour, _ in charts.OUTCOME_STYLE.values()}
    for better_worse in (("better", "worse"), ("similar", "worse"), ("better", "similar")):
        a, b = (charts.OUTCOME_STYLE[k] for k in better_worse)
        assert a[2] != b[2] and a[1] != b[1]
    assert len(shapes) >= 5 and len(colours) >= 5


def test_outer_rings_are_wound_clockwise_for_d3():
    anticlockwise = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    wound = charts.d3_winding(anticlockwise)
    assert charts._ring_area(wound["coordinates"][0]) < 0
    assert charts.d3_winding(wound) == wound


@pytest.mark.parametrize(("value", "digits", "text"), [(None, 1, "–"), (1234.0, 1, "1,234"), (6.31592, 2, "6.32")])
def test_numbers_are_printed_as_pages_print_them(value, digits, text):
    assert charts.number(value, digits=digits) == text
