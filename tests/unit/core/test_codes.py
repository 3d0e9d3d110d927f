"""GSS codes and periods: what saferhub accepts and the errors it gives."""

from datetime import date

import pytest

from saferhub.core.codes import gss_entity, parse_period, validate_gss_code
from saferhub.core.errors import ValidationProblem


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("E07000073", "district"),
        ("E06000033", "unitary"),
        ("E10000012", "county"),
        ("E23000028", "police_force_area"),
        ("E12000006", "region"),
        ("E92000001", "country"),
        ("E01021741", "lsoa"),
        ("W15000004", "police_force_area"),
    ],
)
def test_known_codes_name_their_kind(code, kind):
    assert validate_gss_code(code) == code
    assert gss_entity(code) == kind


@pytest.mark.parametrize("bad", ["E0700007", "e07000073", "E07-00073", "", None, "E070000733", "Harlow"])
def test_malformed_codes_are_refused_with_the_expected_shape(bad):
    with pytest.raises(ValidationProblem, match="not an ONS GSS code: expected a letter and eight digits"):
        validate_gss_code(bad, where="returns.csv, row 4, column area_code")


def test_unknown_prefix_names_the_prefix():
    with pytest.raises(ValidationProblem, match="entity prefix 'E99'"):
        validate_gss_code("E99999999")


def test_kind_restriction():
    with pytest.raises(ValidationProblem, match="is a lsoa code; expected a district or unitary code"):
        validate_gss_code("E01021741", kinds={"district", "unitary"})


def test_error_names_where():
    with pytest.raises(ValidationProblem) as info:
        validate_gss_code("X", where="f.csv, row 3, column code")
    assert str(info.value).startswith("f.csv, row 3, column code: ")


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("2024-03", "month", date(2024, 3, 1), date(2024, 3, 31), "2024-03"),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2024-Q4", "quarter", date(2024, 10, 1), date(2024, 12, 31), "2024-Q4"),
        ("2013", "year", date(2013, 1, 1), date(2013, 12, 31), "2013"),
        ("2009/10", "financial_year", date(2009, 4, 1), date(2010, 3, 31), "2009/10"),
        ("1999/00", "financial_year", date(1999, 4, 1), date(2000, 3, 31), "1999/00"),
        ("2005-01-01..2009-12-31", "range", date(2005, 1, 1), date(2009, 12, 31), "2005-01-01..2009-12-31"),
    ],
)
def test_periods(text, kind, start, end, label):
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-13", "not a real date"),
        ("2009/11", "expected 2009/10"),
        ("March 2024", "is not a period"),
        ("2024-02-30..2024-03-01", "not a real date"),
        ("2024-03-01..2024-02-01", "ends before it starts"),
    ],
)
def test_bad_periods(text, message):
    with pytest.raises(ValidationProblem, match=message):
        parse_period(text)
