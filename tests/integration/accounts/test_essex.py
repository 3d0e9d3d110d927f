"""The built-in Essex organisations and partnerships."""

import pytest

from saferhub.accounts.models import Organisation, Partnership
from saferhub.accounts.services import accounts_essex_load
from saferhub.core.errors import ValidationProblem

pytestmark = pytest.mark.django_db


def test_every_csp_area_has_a_partnership_accountable_to_safer_essex(essex_geography):
    accounts_essex_load()
    csps = Partnership.objects.filter(kind=Partnership.Kind.CSP)
    assert csps.count() == 14
    assert {p.accountable_to.slug for p in csps} == {"safer-essex"}
    assert Partnership.objects.get(slug="safer-essex").accountable_to.slug == "essex-partnership-forum"
    assert Organisation.objects.get(slug="harlow-council").area.code == "E07000073"


def test_loading_twice_changes_nothing(essex_geography):
    accounts_essex_load()
    again = accounts_essex_load()
    assert not again.changed and again.count("partnerships").unchanged == Partnership.objects.count()


def test_needs_the_geography_first(db):
    with pytest.raises(ValidationProblem, match="run `saferhub geography load builtin essex` first"):
        accounts_essex_load()
    assert Organisation.objects.count() == 0


def test_names_with_commas_are_kept_whole(essex_geography):
    accounts_essex_load()
    assert Organisation.objects.get(slug="connexions").name == "Essex, Southend and Thurrock Connexions"
