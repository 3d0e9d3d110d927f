"""Indicator values written straight from columns (executemany / COPY) give the same rows and history
as django-simple-history's bulk_create_with_history / bulk_update_with_history did; a failure part-way
leaves nothing. Run on SQLite and, with DATABASE_URL, on PostgreSQL."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from saferhub.core.generations import generations, installed_triggers, one_bump_per_statement
from saferhub.core.models import AuditEvent, ChangeCounter
from saferhub.framework.models import ValueType
from saferhub.ingest.models import Import
from saferhub.measures import bulkwrite, services
from saferhub.measures.models import IndicatorValue
from saferhub.measures.services import indicator_values_write
from tests.factories import AreaFactory, IndicatorFactory, UserFactory

pytestmark = pytest.mark.django_db

ROWS = [  # counts of every shape: a breakdown, flags, provisional, a month, a year, a quarter, a zero
    {"area": 0, "period": "2024-03", "value": 12, "quality_flags": ["low_volume"], "source_note": "police.uk"},
    {"area": 0, "period": "2024-03", "breakdown": "road_user=pedestrian", "value": 0},
    {"area": 1, "period": "2023", "numerator": 7, "status": "provisional"},
    {"area": 1, "period": "2024-Q1", "value": None},
    {"area": 2, "period": "2023/24", "value": 3, "source_note": 'It\'s "quoted"\tand tabbed'},
]
REVISED = [  # one changed value, one changed note only, one unchanged, one new
    {**ROWS[0], "value": 14},
    {**ROWS[1], "source_note": "revised"},
    ROWS[2],
    {"area": 2, "period": "2024-04", "value": 5},
]
TIMES = {"id", "indicator", "created_at", "updated_at", "history_id", "history_date"}


def _orm_insert(columns: dict[str, list[Any]], *, now: Any, user_id: int | None) -> list[int]:
    """What indicator_values_write did before: model instances through bulk_create_with_history."""
    count = len(columns["indicator_id"])
    objects = [IndicatorValue(**{name: columns[name][i] for name in columns}) for i in range(count)]
    user = UserFactory._meta.model.objects.filter(pk=user_id).first()
    return [v.pk for v in bulk_create_with_history(objects, IndicatorValue, default_user=user)]


def _orm_update(columns: dict[str, list[Any]], *, now: Any, user_id: int | None) -> None:
    objects = IndicatorValue.objects.in_bulk(columns["id"])
    for i, pk in enumerate(columns["id"]):
        for name in columns:
            setattr(objects[pk], name, columns[name][i])
        objects[pk].updated_at = now
    fields = [f for f in bulkwrite.UPDATED if f != "source_import_id"] + ["source_import"]
    user = UserFactory._meta.model.objects.filter(pk=user_id).first()
    bulk_update_with_history(list(objects.values()), IndicatorValue, fields, default_user=user)


def _watching() -> list[str]:
    """The change counters whose triggers watch the values table."""
    names = ChangeCounter.objects.values_list("name", flat=True)
    found = sorted(n for n in names if bulkwrite.TABLE in installed_triggers(name=n))
    assert found, "no counter watches the values table"
    return found


def _triggers() -> list[tuple[str, str]]:
    """Every trigger on the values table, with its definition."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [bulkwrite.TABLE]
            )
        else:
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE c.relname = %s AND NOT tgisinternal",
                [bulkwrite.TABLE],
            )
        return sorted(cursor.fetchall())


def _write(indicator, areas, rows, run):
    given = [{**row, "area": areas[row["area"]].code} for row in rows]
    return indicator_values_write(indicator=indicator, rows=given, source_import=run)


def _table(indicator) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in row.items() if k not in TIMES}
        for row in IndicatorValue.objects.filter(indicator=indicator)
        .order_by("area__code", "period_label", "breakdown")
        .values()
    ]


def _history(indicator) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in row.items() if k not in TIMES and k != "indicator_id"}
        for row in IndicatorValue.history.filter(indicator=indicator)
        .order_by("history_type", "area__code", "period_label", "breakdown")
        .values()
    ]


@pytest.fixture
def setting():
    areas = [AreaFactory() for _ in range(3)]
    run = Import.objects.create(source="returns", file_name="x.csv", sha256="0" * 64)
    user = UserFactory()
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    yield areas, run, user
    del HistoricalRecords.context.request


def test_columns_write_the_same_rows_and_history_as_the_orm(setting, monkeypatch):
    areas, run, user = setting
    raw = IndicatorFactory(slug="raw", value_type=ValueType.COUNT)
    orm = IndicatorFactory(slug="orm", value_type=ValueType.COUNT)
    for rows in (ROWS, REVISED):
        raw_summary = _write(raw, areas, rows, run)
        with monkeypatch.context() as patched:
            patched.setattr(services, "values_insert", _orm_insert)
            patched.setattr(services, "values_update", _orm_update)
            orm_summary = _write(orm, areas, rows, run)
        assert str(raw_summary) == str(orm_summary)
        assert _table(raw) == [{**row, "indicator_id": raw.pk} for row in _table(orm)]
        assert _history(raw) == _history(orm)
    assert str(raw_summary) == "1 new, 2 changed, 1 unchanged"
    history = IndicatorValue.history.filter(indicator=raw)
    assert sorted(history.values_list("history_type", flat=True)) == ["+"] * 6 + ["~"] * 2
    assert set(history.values_list("history_user_id", flat=True)) == {user.pk}
    assert set(history.values_list("history_change_reason", flat=True)) == {None}
    assert set(history.values_list("source_import_id", flat=True)) == {run.pk}
    revised = IndicatorValue.objects.get(indicator=raw, area=areas[0], breakdown="")
    assert (revised.value, revised.quality_flags, revised.source_note) == (14, ["low_volume"], "police.uk")
    assert revised.updated_at > revised.created_at
    assert [h.value for h in revised.history.order_by("history_date")] == [12, 14]
    missing = IndicatorValue.objects.get(indicator=raw, period_label="2024-Q1")
    assert (missing.value, missing.lower_95) == (None, None)  # missing is stored as missing, never 0


def test_without_a_signed_in_user_history_names_nobody(setting):
    areas, run, _ = setting
    HistoricalRecords.context.request = SimpleNamespace(user=SimpleNamespace(is_authenticated=False))
    indicator = IndicatorFactory(slug="nobody", value_type=ValueType.COUNT)
    _write(indicator, areas, ROWS[:1], run)
    assert IndicatorValue.history.get().history_user_id is None


def test_new_keys_follow_on_from_the_stored_ones(setting):
    areas, run, _ = setting
    indicator = IndicatorFactory(slug="keys", value_type=ValueType.COUNT)
    _write(indicator, areas, ROWS[:2], run)
    first = sorted(IndicatorValue.objects.values_list("pk", flat=True))
    IndicatorValue.objects.filter(pk=first[-1]).delete()  # a key once used is not used again
    _write(indicator, areas, ROWS[1:3], run)
    assert min(set(IndicatorValue.objects.values_list("pk", flat=True)) - set(first)) > first[-1]
    assert IndicatorValue.history.filter(history_type="+").count() == 4


@pytest.mark.parametrize("step", ["insert", "update"])
def test_a_failure_part_way_through_the_write_leaves_nothing(setting, monkeypatch, step):
    areas, run, _ = setting
    indicator = IndicatorFactory(slug="fails", value_type=ValueType.COUNT)
    if step == "update":
        _write(indicator, areas, ROWS, run)
    before = (_table(indicator), _history(indicator), AuditEvent.objects.count())
    history = bulkwrite._history

    def broken(cursor, ids, history_type, **kwargs):  # the values are written; then their history fails
        if history_type == {"insert": "+", "update": "~"}[step]:
            raise RuntimeError("disk full")
        history(cursor, ids, history_type, **kwargs)

    monkeypatch.setattr(bulkwrite, "_history", broken)
    counters, triggers = generations(_watching()), _triggers()
    with pytest.raises(RuntimeError, match="disk full"):
        _write(indicator, areas, REVISED, run)
    assert (_table(indicator), _history(indicator), AuditEvent.objects.count()) == before
    # The counters did not move, and every trigger set aside for the write is there again.
    assert (generations(_watching()), _triggers()) == (counters, triggers)


def test_a_bulk_write_moves_each_counter_once_and_leaves_every_trigger_as_it_was(setting):
    """On SQLite the row triggers are set aside for the statement and each counter bumped once (as
    PostgreSQL's statement triggers do): the counters still move, and later writes still bump them."""
    areas, run, _ = setting
    indicator = IndicatorFactory(slug="counted", value_type=ValueType.COUNT)
    names, triggers = _watching(), _triggers()
    assert len(triggers) >= len(names)
    for rows in (ROWS, REVISED):  # five new values, then two changed and one new
        before = generations(names)
        _write(indicator, areas, rows, run)
        after = generations(names)
        if connection.vendor == "sqlite":
            assert after == tuple(n + (1 if rows is ROWS else 2) for n in before)  # one insert (+ one update)
        else:
            assert all(a > b for a, b in zip(after, before, strict=True))
        assert _triggers() == triggers
    before = generations(names)
    IndicatorValue.objects.filter(indicator=indicator).update(status="provisional")  # the triggers are back
    assert all(a > b for a, b in zip(generations(names), before, strict=True))


@pytest.mark.django_db(transaction=True)
def test_the_triggers_are_only_set_aside_inside_a_transaction():
    before = _triggers()
    with pytest.raises(RuntimeError, match="inside a transaction"), one_bump_per_statement(bulkwrite.TABLE):
        pass
    assert _triggers() == before
