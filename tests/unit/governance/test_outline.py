"""Minutes and terms of reference typed as outlines render as GOV.UK paragraphs and lists, safely."""

from saferhub.governance.outline import inline_html, outline_html, outline_points


def test_paragraphs_are_separated_by_blank_lines_and_joined_within():
    html = outline_html("First line\nsame paragraph.\n\nSecond paragraph.")
    assert html == ('<p class="govuk-body">First line same paragraph.</p>\n<p class="govuk-body">Second paragraph.</p>')


def test_bullets_nest_by_two_spaces_of_indent():
    html = outline_html("- Two levels:\n  - county\n  - local\n- Summary")
    assert html == (
        '<ul class="govuk-list govuk-list--bullet"><li>Two levels:'
        '<ul class="govuk-list govuk-list--bullet"><li>county</li><li>local</li></ul></li>'
        "<li>Summary</li></ul>"
    )


def test_numbered_points_keep_their_numbers_across_a_blank_line_and_hold_responses():
    text = "1. Timescales are tight\n  - *Response : agreed*\n\n2. Resources"
    html = outline_html(text)
    assert html.count("<ol") == 1
    assert "<li>Timescales are tight<ul" in html and "<em>Response : agreed</em>" in html
    assert "<li>Resources</li>" in html


def test_a_list_that_starts_after_one_keeps_its_first_number():
    assert 'start="3"' in outline_html("3. Third point")


def test_lettered_points_show_letters():
    html = outline_html("a. Quarterly reports\nb. Pre-circulated papers")
    assert 'type="a"' in html and "lower-alpha" in html and html.count("<li>") == 2


def test_a_continuation_line_stays_with_its_point():
    assert outline_html("- A point\n  that goes on") == (
        '<ul class="govuk-list govuk-list--bullet"><li>A point<br>that goes on</li></ul>'
    )


def test_hostile_text_is_shown_not_run():
    html = outline_html('<script>alert("x")</script>\n- <img src=x onerror=alert(1)>')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_emphasis_needs_a_closing_star_and_never_spans_lines():
    assert inline_html("*Safer Essex* meets") == "<em>Safer Essex</em> meets"
    assert inline_html("2 * 3 = 6") == "2 * 3 = 6"
    assert "<em>" not in outline_html("*open\nclose*")


def test_empty_text_renders_nothing():
    assert outline_html("") == "" and outline_html("   \n\n") == ""


def test_points_give_top_level_items_with_their_sub_points():
    assert outline_points("- Receive reports\n  - criminal justice\n  - delivery\n- Monitor") == [
        ("Receive reports", ["criminal justice", "delivery"]),
        ("Monitor", []),
    ]
