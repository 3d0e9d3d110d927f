"""The portfolio heat maps and the overdue reviews."""

from datetime import date

import pytest

from saferhub.risks.models import RiskRegister
from saferhub.risks.selectors import risk_heat_map, risks_for_indicator, risks_list, risks_review_overdue
from saferhub.risks.services import risk_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def risks(essex_partnerships, framework_stub):
    a = RiskRegister.objects.create(slug="a", title="A", partnership=essex_partnerships["safer-essex"])
    b = RiskRegister.objects.create(slug="b", title="B", partnership=essex_partnerships["basildon-csp"])
    ind = framework_stub["indicators"]["3a"]
    return [
        risk_create(
            register=a,
            reference="A1",
            event="e",
            inherent_impact=4,
            inherent_likelihood=4,
            controlled_impact=2,
            controlled_likelihood=1,
            next_review_date=date(2025, 1, 1),
            indicators=[ind],
        ),
        risk_create(
            register=a,
            reference="A2",
            event="e",
            inherent_impact=4,
            inherent_likelihood=4,
            next_review_date=date(2025, 12, 1),
        ),
        risk_create(
            register=a,
            reference="A3",
            event="e",
            status="closed",
            inherent_impact=1,
            inherent_likelihood=1,
            next_review_date=date(2020, 1, 1),
        ),
        risk_create(register=b, reference="B1", event="e", next_review_date=date(2024, 1, 1)),
    ]


def test_the_heat_map_counts_open_risks_per_cell_before_and_after_controls(risks):
    before = risk_heat_map(list(risks_list()), controlled=False)
    after = risk_heat_map(list(risks_list()), controlled=True)
    top_row = before.rows[0]
    assert top_row[0] == 4 and [c.count for c in top_row[2]] == [0, 0, 0, 2]
    assert before.assessed == 2 and {r.reference for r in before.not_assessed} == {"B1"}
    assert after.assessed == 1 and {r.reference for r in after.not_assessed} == {"A2", "B1"}
    cell = next(c for lk, _, cells in after.rows if lk == 1 for c in cells if c.rating.impact == 2)
    assert [r.reference for r in cell.risks] == ["A1"] and cell.rating.band == "Low"


def test_a_risk_past_its_review_date_is_in_the_overdue_list(risks, essex_partnerships):
    overdue = risks_review_overdue(today=date(2025, 6, 1))
    assert [r.reference for r in overdue] == ["A1", "B1"]  # A3 is closed
    mine = risks_review_overdue(partnerships=[essex_partnerships["safer-essex"]], today=date(2025, 6, 1))
    assert [r.reference for r in mine] == ["A1"]


def test_risks_for_an_indicator(risks, framework_stub):
    assert [r.reference for r in risks_for_indicator(indicator=framework_stub["indicators"]["3a"])] == ["A1"]
