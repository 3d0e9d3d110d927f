"""Figures and periods as people read them."""

import pytest

from saferhub.framework.templatetags.framework_tags import breakdown_words, format_figure, format_period


@pytest.mark.parametrize(
    ("value", "value_type", "text"),
    [
        (1139, "count", "1,139"),
        (59, "percentage", "59%"),
        (23.0, "percentage", "23%"),
        (20.5, "percentage", "20.5%"),
        (4.85, "rate_per_1000", "4.85 per 1,000"),
        (38.4, "rate_per_10000", "38.4 per 10,000"),
        (1005, "rate_per_100000", "1,005 per 100,000"),
        (42_000_000, "currency", "£42,000,000"),
        (1.53, "ratio", "1.53"),
        (None, "count", "–"),
    ],
)
def test_figures(value, value_type, text):
    assert format_figure(value, value_type) == text


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("2014-01-31..2014-01-31", "31 January 2014"),
        ("2013-04-01..2013-10-31", "1 April 2013 to 31 October 2013"),
        ("2024-03", "March 2024"),
        ("2013/14", "2013/14"),
        ("2013", "2013"),
        ("2005-09 average", "2005-09 average"),
        ("2024-13", "2024-13"),
        ("", ""),
    ],
)
def test_periods(label, text):
    """``format_period`` is ``saferhub.core.codes.period_words``, which the performance charts use too."""
    assert format_period(label) == text


def test_bullets_make_a_list_and_escape_text():
    from saferhub.framework.templatetags.framework_tags import bullets

    html = bullets("Our ambition:\n- Safer <roads>\n- Fewer victims\nAfterwards")
    assert html == (
        '<p class="govuk-body">Our ambition:</p>'
        '<ul class="govuk-list govuk-list--bullet"><li>Safer &lt;roads&gt;</li><li>Fewer victims</li></ul>'
        '<p class="govuk-body">Afterwards</p>'
    )


@pytest.mark.parametrize(
    ("stored", "words"),
    [
        ("health_area=Mid Essex", "Health area: Mid Essex"),
        ("sex=women", "Sex: women"),
        ("health_area=West Essex; age_band=16 to 24", "Health area: West Essex; age band: 16 to 24"),
        ("", ""),
    ],
)
def test_a_breakdown_reads_in_words_not_as_its_stored_code(stored, words):
    assert breakdown_words(stored) == words
