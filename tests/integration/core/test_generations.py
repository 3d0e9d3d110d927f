"""Change counters: bumped by hand, and by database triggers on every write to a watched table, in
the writer's transaction, whatever the writer (ADR 0004)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saferhub.core.generations import bump, generation, install_triggers, installed_triggers
from saferhub.performance.apps import install_generation_triggers
from saferhub.performance.models import GENERATION, WATCHED

pytestmark = pytest.mark.django_db


def test_the_change_counter_starts_at_zero_and_counts_each_bump():
    assert generation("test_counter") == 0
    bump("test_counter")
    bump("test_counter")
    assert generation("test_counter") == 2


def test_every_table_a_cached_section_shows_bumps_the_counter():
    expected = {apps.get_model(label)._meta.db_table for label in WATCHED}
    assert installed_triggers(name=GENERATION) == expected


def test_a_queryset_update_bulk_create_and_raw_sql_each_bump_the_counter(essex_geography):
    from saferhub.geography.models import Area, Population

    before = generation(GENERATION)
    Area.objects.filter(code="E07000073").update(name="Harlow (renamed)")
    after_update = generation(GENERATION)
    assert after_update > before
    area = Area.objects.get(code="E07000073")
    Area.objects.bulk_create([Area(code="E07999998", name="New district", area_type="district", parent=area.parent)])
    after_bulk = generation(GENERATION)
    assert after_bulk > after_update
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Area._meta.db_table} WHERE code = %s", ["E07999998"])
    assert generation(GENERATION) > after_bulk
    # A table nobody shows from does not bump it.
    steady = generation(GENERATION)
    Population.objects.filter(area=area).update(value=1)
    assert generation(GENERATION) == steady


def test_a_rolled_back_write_leaves_the_counter_as_it_was(essex_geography):
    from saferhub.geography.models import Area

    before = generation(GENERATION)
    with pytest.raises(RuntimeError), transaction.atomic():
        Area.objects.filter(code="E07000073").update(name="Never")
        raise RuntimeError("the writer fails")
    assert generation(GENERATION) == before


def test_triggers_lost_by_a_table_rebuild_come_back_after_migrate():
    table = apps.get_model("framework.Indicator")._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER saferhub_gen_{GENERATION}_{table} ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER saferhub_gen_{GENERATION}_{table}_{event}")
    assert table not in installed_triggers(name=GENERATION)
    install_generation_triggers()  # what post_migrate runs after every migration
    assert table in installed_triggers(name=GENERATION)


def test_a_counter_name_that_is_not_a_plain_word_is_refused():
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        install_triggers(name="x'; DROP TABLE y; --", tables=[])


def test_a_write_bumps_only_its_own_parts_counter(essex_geography):
    """A change to a user moves the accounts counter, never the figures' or governance's, so it never
    needs their rows (on PostgreSQL: never waits behind an import holding them)."""
    from saferhub.accounts.models import User
    from saferhub.core.generations import generations
    from saferhub.core.hub_generation import counter_of

    names = [counter_of("accounts"), counter_of("measures"), counter_of("governance")]
    User.objects.create_user(username="renamed", password="A-long-pass-2026!")
    before = generations(names)
    User.objects.filter(username="renamed").update(first_name="Renamed")
    after = generations(names)
    assert after[0] > before[0]
    assert after[1:] == before[1:]


def test_a_sign_in_moves_no_counter_and_keeps_every_kept_page(essex_geography, client):
    """Signing in writes ``last_login`` only: no counter moves, so kept pages (public and members') stay
    kept. A sign-in that also changed something else (here the name, in the same update) does move it."""
    from saferhub.accounts.models import User
    from saferhub.core.generations import generations
    from saferhub.core.hub_generation import HUB_COUNTERS

    user = User.objects.create_user(username="signs-in", password="A-long-pass-2026!")
    before = generations(HUB_COUNTERS)
    client.force_login(user)  # Django's login(): the user_logged_in signal writes last_login
    assert User.objects.get(username="signs-in").last_login is not None
    assert generations(HUB_COUNTERS) == before
    User.objects.filter(username="signs-in").update(last_login=timezone.now(), first_name="Signs")
    assert generations(HUB_COUNTERS) != before


# Row locks held to the end of a transaction are PostgreSQL's (SQLite has one writer at a time for the
# whole database), so this test exists on the PostgreSQL run only; the test above holds on both.
if connection.vendor == "postgresql":

    @pytest.mark.django_db(transaction=True)
    def test_writers_of_different_parts_do_not_wait_on_each_others_counters():
        """An import holding the figures' counters for its whole transaction does not make a sign-in
        (``last_login``) or a meeting's save wait; a second writer of the figures does wait."""
        users = apps.get_model("accounts.User")._meta.db_table
        meetings = apps.get_model("governance.Meeting")._meta.db_table
        figures = apps.get_model("measures.IndicatorValue")._meta.db_table
        import psycopg

        settings = connection.settings_dict
        dsn = {"dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"], "port": settings["PORT"]}
        dsn = {k: v for k, v in dsn.items() if v}
        with psycopg.connect(**dsn) as importer, psycopg.connect(**dsn, autocommit=True) as other:
            with importer.cursor() as cur:
                cur.execute(f"UPDATE {figures} SET id = id WHERE false")
            other.execute("SET lock_timeout = '2s'")
            other.execute(f"UPDATE {users} SET last_login = now() WHERE false")
            other.execute(f"UPDATE {meetings} SET id = id WHERE false")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(f"UPDATE {figures} SET id = id WHERE false")
            importer.rollback()


def test_a_get_request_reads_the_counters_once_and_a_post_at_every_ask(db):
    """``request_generations``: one query for every counter in a GET, whatever is asked after; a
    POST reads afresh at each ask, so a write in the request is never answered from before it."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from saferhub.core.hub_generation import HUB_COUNTERS, SESSIONS_COUNTER, counter_of
    from saferhub.core.request_generations import RequestGenerationsMiddleware, request_generations

    seen: dict[str, object] = {}

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            first = request_generations([counter_of("accounts")])
            bump(counter_of("accounts"))
            again = request_generations([counter_of("accounts"), SESSIONS_COUNTER, *HUB_COUNTERS])
        seen[request.method] = (first[0], again[0], len(queries))
        return HttpResponse()

    bump(counter_of("accounts"))  # the counter's row exists: each bump below is one update
    middleware = RequestGenerationsMiddleware(view)
    middleware(RequestFactory().get("/"))
    first, again, queries = seen["GET"]
    assert again == first and queries == 2  # one read of every counter, and the bump
    middleware(RequestFactory().post("/"))
    first, again, queries = seen["POST"]
    assert again == first + 1 and queries == 3
    # Outside a request: read at every ask.
    before = request_generations([counter_of("accounts")])[0]
    bump(counter_of("accounts"))
    assert request_generations([counter_of("accounts")])[0] == before + 1


def test_every_session_write_bumps_the_sessions_counter(db):
    """Sign-in, save, sign-out, clean-up: each write to the session table moves the sessions counter
    (a trigger), which tells every process its kept sessions are stale."""
    from django.contrib.sessions.models import Session

    from saferhub.accounts.sessions import SessionStore
    from saferhub.core.hub_generation import SESSIONS_COUNTER

    marks = [generation(SESSIONS_COUNTER)]
    store = SessionStore()
    store["who"] = 1
    store.save()
    marks.append(generation(SESSIONS_COUNTER))
    store["who"] = 2
    store.save()
    marks.append(generation(SESSIONS_COUNTER))
    Session.objects.filter(session_key=store.session_key).delete()
    marks.append(generation(SESSIONS_COUNTER))
    assert marks == sorted(set(marks)), marks  # four different values, rising
