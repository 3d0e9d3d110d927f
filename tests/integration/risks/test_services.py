"""Risk services: the matrix's 1–4 only, reviews move the next review date, the Essex load."""

from datetime import date

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.risks.essex import risks_essex_load
from saferhub.risks.models import Risk, RiskRegister, RiskReview
from saferhub.risks.services import risk_create, risk_review_record, risk_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(essex_partnerships):
    return RiskRegister.objects.create(slug="r", title="Register", partnership=essex_partnerships["safer-essex"])


def test_a_risk_is_rated_from_the_matrix(register):
    risk = risk_create(
        register=register,
        reference="R1",
        event="Funding is cut",
        inherent_impact=4,
        inherent_likelihood=3,
        approach="treat",
        controlled_impact="3",
        controlled_likelihood="2",
    )
    assert str(risk.inherent_rating) == "Very High (12)"
    assert str(risk.controlled_rating) == "High (6)"
    assert risk.history.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"inherent_impact": 2, "inherent_likelihood": 5},
            "likelihood before controls 5 is off the corporate risk matrix",
        ),
        ({"controlled_impact": 0, "controlled_likelihood": 1}, "impact with controls 0 is off"),
        ({"inherent_impact": 2}, "give both impact and likelihood before controls"),
        ({"approach": "ignore"}, "must be treat, tolerate, transfer or terminate"),
        ({"review_period_months": "0"}, "from 1 to 36 months"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(register, fields, message):
    with pytest.raises(ValidationProblem, match=message):
        risk_create(register=register, reference="R1", event="Something", **fields)
    assert Risk.objects.count() == 0


def test_an_update_to_likelihood_5_changes_nothing(register):
    risk = risk_create(register=register, reference="R1", event="E", inherent_impact=1, inherent_likelihood=1)
    with pytest.raises(ValidationProblem):
        risk_update(risk=risk, inherent_likelihood=5)
    risk.refresh_from_db()
    assert risk.inherent_likelihood == 1 and risk.history.count() == 1


def test_a_review_sets_the_next_review_from_the_period(register):
    risk = risk_create(register=register, reference="R1", event="E", review_period_months=3)
    risk_review_record(
        risk=risk, reviewed_on=date(2025, 11, 30), note="Still live", controlled_impact=2, controlled_likelihood=2
    )
    risk.refresh_from_db()
    assert risk.next_review_date == date(2026, 2, 28)
    assert risk.last_reviewed_on == date(2025, 11, 30)
    assert str(risk.controlled_rating) == "Medium (4)"
    with pytest.raises(ValidationProblem, match="off the corporate risk matrix"):
        risk_review_record(
            risk=risk, reviewed_on=date(2026, 1, 1), note="x", controlled_impact=5, controlled_likelihood=1
        )
    assert RiskReview.objects.count() == 1


def test_escalation_follows_the_registers_threshold(register):
    risk = risk_create(register=register, reference="R1", event="E", inherent_impact=3, inherent_likelihood=3)
    assert not risk.escalated  # 9 < 12
    register.escalation_score = 9
    assert risk.escalated


def test_the_essex_load_has_the_three_road_safety_risks_of_the_seed(essex_loaded, seed_text):
    text = seed_text("000_7340f0633c80a1b1.txt")
    section = text[text.index("Risks – to be fed into main sheet") :].split("Links to other Outcomes")[0]
    seed_events = [line[2:].strip() for line in section.splitlines() if line.startswith("- ")]
    risks = list(Risk.objects.filter(register__slug="ecc-safe-communities-roads").order_by("order"))
    assert [r.event for r in risks] == seed_events
    assert all(r.inherent_rating is None for r in risks)  # the seed does not assess them
    assert risks[0].indicators.filter(slug="stub-3a").exists()
    assert risks[0].mitigating_actions.filter(reference="SA3.1").exists()
    register = RiskRegister.objects.get(slug="ecc-safe-communities-roads")
    assert register.theme.code == "3" and register.outcome == register.theme.outcome


def test_the_essex_load_twice_changes_nothing(essex_loaded):
    summary = risks_essex_load()
    assert not summary.changed and summary.count("links").created == 0
    assert summary.count("risks").unchanged == 3
    assert Risk.objects.count() == 3
