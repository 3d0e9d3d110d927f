"""`saferhub records purge`: months past the agreements' retention leave the record store, audited;
`--dry-run` says what would go and changes nothing."""

from datetime import date

import pytest
from click.testing import CliRunner

from saferhub.cli import main
from saferhub.core.models import AuditEvent
from saferhub.incidents.store import PartitionKey, RecordStore
from saferhub.sharing.models import Agreement, Disclosure
from saferhub.sharing.retention import records_purge
from saferhub.sharing.services import agreement_create, agreement_terms, dataset_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(settings, tmp_path, essex_partnerships, shared_data):
    from saferhub.ingest.services import police_uk_import

    settings.SAFERHUB_RECORD_STORE = str(tmp_path / "records")
    settings.SAFERHUB_VAR_DIR = tmp_path / "var"
    for month in ("2024-01", "2024-02"):
        police_uk_import(paths=[shared_data / "police-uk" / month / f"{month}-essex-street.csv"])
    return RecordStore(settings.SAFERHUB_RECORD_STORE)


def months_in(store: RecordStore) -> dict[str, int]:
    out: dict[str, int] = {}
    for key_id, part in store.manifest().partitions.items():
        month = PartitionKey.parse(key_id).month
        out[month] = out.get(month, 0) + part.rows
    return out


def keep_from(today: date, first_kept: str) -> int:
    """The retention in months that keeps ``first_kept`` and everything after it."""
    year, month = map(int, first_kept.split("-"))
    return (today.year * 12 + today.month) - (year * 12 + month)


def street_agreement(police, partnership, *, months: int, status: str = "in_force") -> Agreement:
    street = dataset_upsert(
        slug="street", name="Street crime", owner=police, source="police-uk", disclosure=Disclosure.PUBLIC_AGGREGATE
    )
    terms = agreement_terms(
        title="Street",
        purpose="Analysis",
        legal_bases=["cda_s115"],
        status=status,
        review_date="2030-01-01",
        retention_months=months,
    )
    return agreement_create(actor=None, partnership=partnership, slug="street", terms=terms, datasets=[street])


@pytest.mark.slow
def test_purge_removes_only_the_months_past_retention_and_dry_run_changes_nothing(store, police, essex_partnerships):
    today = date(2026, 12, 6)
    before = months_in(store)
    assert set(before) == {"2024-01", "2024-02"}
    street_agreement(police, essex_partnerships["safer-essex"], months=keep_from(today, "2024-02"))
    planned = records_purge(store=store, today=today, dry_run=True)
    assert {i.key.month for i in planned} == {"2024-01"} and sum(i.rows for i in planned) == before["2024-01"]
    assert months_in(store) == before and not AuditEvent.objects.filter(action="records.purge").exists()
    removed = records_purge(store=store, today=today)
    assert months_in(store) == {"2024-02": before["2024-02"]}
    with store.connect() as con:
        files = store.relation_sql(store.manifest().partitions.values())
        assert con.execute(f"SELECT count(*) FROM {files}").fetchone()[0] == before["2024-02"]
    event = AuditEvent.objects.get(action="records.purge")
    assert event.detail["rows"] == before["2024-01"] == sum(i.rows for i in removed)
    assert records_purge(store=store, today=today) == []  # twice removes nothing more


@pytest.mark.slow
def test_only_agreements_in_force_set_retention_and_the_command_says_what_would_go(store, police, essex_partnerships):
    today = date.today()
    agreement = street_agreement(police, essex_partnerships["safer-essex"], months=1, status="draft")
    before = months_in(store)
    assert records_purge(store=store, today=today) == [] and months_in(store) == before
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.IN_FORCE)
    dry = CliRunner().invoke(main, ["records", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would remove Street crime: street 2024-01 ({before['2024-01']:,} records" in dry.output
    assert months_in(store) == before
