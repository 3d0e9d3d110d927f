"""The Essex datasets and the Safer Essex Information Sharing Protocol load from the seeds."""

import pytest
from click.testing import CliRunner

from saferhub.cli import main
from saferhub.sharing.essex import sharing_essex_load
from saferhub.sharing.models import Agreement, Dataset

pytestmark = pytest.mark.django_db


def test_the_protocol_loads_as_a_draft_with_roles_not_names_and_twice_changes_nothing(essex_partnerships):
    first = sharing_essex_load()
    protocol = Agreement.objects.get(slug="safer-essex-information-sharing-protocol")
    assert protocol.status == Agreement.Status.DRAFT
    assert protocol.partnership.slug == "safer-essex"
    assert "seed 004" in protocol.source
    assert [o.slug for o in protocol.party_organisations.all()] == ["essex-police"]
    assert first.count("datasets").created == Dataset.objects.count()
    second = sharing_essex_load()
    assert not second.changed and second.count("agreements").kept == 1


def test_the_loader_refuses_before_accounts_are_loaded(db):
    with pytest.raises(Exception, match="saferhub accounts load-essex"):
        sharing_essex_load()
    assert not Dataset.objects.exists()


def test_the_cli_lists_agreements_and_datasets(essex_partnerships):
    runner = CliRunner()
    assert runner.invoke(main, ["sharing", "load-essex"]).exit_code == 0
    listing = runner.invoke(main, ["sharing", "agreements"])
    assert "Safer Essex Information Sharing Protocol\tDraft" in listing.output
    datasets = runner.invoke(main, ["sharing", "datasets"])
    assert "OFFICIAL-SENSITIVE" in datasets.output
    refused = runner.invoke(main, ["sharing", "reads", "--dataset", "nope"])
    assert refused.exit_code != 0 and "there is no dataset 'nope'" in refused.output
