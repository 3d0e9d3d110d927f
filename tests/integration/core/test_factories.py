"""Every factory makes a record its model accepts (``full_clean``: choices, lengths, validators), so
tests that build data with them build real data."""

from __future__ import annotations

import inspect

import factory
import pytest

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    cls
    for _, cls in inspect.getmembers(factories, inspect.isclass)
    if issubclass(cls, factory.django.DjangoModelFactory) and cls._meta.model is not None
]


@pytest.mark.parametrize("make", FACTORIES, ids=[f.__name__ for f in FACTORIES])
def test_a_factory_makes_a_valid_record(make):
    record = make()
    record.full_clean()
    assert type(record)._default_manager.filter(pk=record.pk).exists()


def test_the_main_models_have_factories():
    made = {f._meta.model.__name__ for f in FACTORIES}
    assert {
        "Organisation",
        "Partnership",
        "Area",
        "Framework",
        "Outcome",
        "Theme",
        "Indicator",
        "IndicatorMembership",
        "Target",
        "IndicatorValue",
        "Action",
        "ActionPlan",
        "Risk",
        "RiskRegister",
        "BudgetTable",
        "BudgetLine",
        "Meeting",
        "Seat",
        "AgendaItem",
    } <= made
