"""An import that fails or is killed part-way leaves the record store and the database as before.

In-process failures are injected at each named point of the pipeline. A real ``SIGKILL`` is sent to
a separate process (with its own SQLite database and store) at the two points that matter most:
inside the database transaction, and between the database commit and the store's manifest rename.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from saferhub.ingest import pipeline
from saferhub.ingest.models import Import
from saferhub.ingest.recovery import records_recover
from saferhub.ingest.services import police_uk_import
from tests.integration.ingest.conftest import database_state, store_tree, street_file, street_row

REPO = Path(__file__).resolve().parents[3]


class Boom(RuntimeError):
    pass


@pytest.fixture
def first_import(essex_geography, tmp_path):
    police_uk_import(paths=[street_file(tmp_path, [street_row(), street_row(location="On or near A Road")])])


@pytest.mark.django_db
@pytest.mark.parametrize("point", ["staged", "values-written"])
def test_a_failure_before_the_database_commit_changes_nothing(first_import, tmp_path, store, monkeypatch, point):
    before_db, before_store = database_state(), store_tree(store.root)

    def fail_at(name: str) -> None:
        if name == point:
            raise Boom(name)

    monkeypatch.setattr(pipeline, "_checkpoint", fail_at)
    (tmp_path / "b").mkdir()
    changed = [street_row(crime_type="Drugs"), street_row(month="2024-01", crime_type="Robbery", location="X")]
    with pytest.raises(Boom):
        police_uk_import(paths=[street_file(tmp_path / "b", changed)])
    assert database_state() == before_db
    assert store_tree(store.root) == before_store
    failed = Import.objects.latest("id")
    assert failed.status == Import.Status.FAILED and "Boom" in failed.error


@pytest.mark.django_db
def test_a_failure_after_the_database_commit_finishes_the_store_side(first_import, tmp_path, store, monkeypatch):
    def fail_at(name: str) -> None:
        if name == "database-committed":
            raise Boom(name)

    monkeypatch.setattr(pipeline, "_checkpoint", fail_at)
    (tmp_path / "b").mkdir()
    with pytest.raises(Boom):
        police_uk_import(paths=[street_file(tmp_path / "b", [street_row(crime_type="Drugs")])])
    latest = Import.objects.latest("id")
    assert latest.status == Import.Status.COMMITTED
    assert store.grouped_counts(by=["category"]) == [("Drugs", 1)]
    assert store.staged_tokens() == []


# --- a real kill, in another process ------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import json, os, signal, sys
    from pathlib import Path
    import django
    django.setup()
    from saferhub.ingest import pipeline
    from saferhub.ingest.recovery import records_recover
    from saferhub.ingest.services import police_uk_import

    def state():
        from saferhub.ingest.models import Import
        from saferhub.measures.models import IndicatorValue
        from saferhub.incidents.store import RecordStore
        from django.conf import settings
        root = Path(settings.SAFERHUB_RECORD_STORE)
        files = {str(p.relative_to(root)): p.read_bytes().hex()[:64] + str(p.stat().st_size)
                 for p in sorted(root.rglob("*")) if p.is_file() and (p.name == "manifest.json" or "records" in p.parts
                 or "staging" in p.parts)}
        values = sorted(map(str, IndicatorValue.objects.values_list(
            "indicator__slug", "area__code", "period_label", "value", "source_import_id")))
        counts = RecordStore(root).grouped_counts(by=["month", "category"])
        return {"files": files, "values": values, "counts": [list(map(str, c)) for c in counts],
                "imports": sorted((i.pk, i.status) for i in Import.objects.all())}

    mode = sys.argv[1]
    if mode == "setup":
        # Tables straight from the models (as Django's test runner does without migrations): quick.
        from django.conf import settings
        from django.db import connection
        settings.DATABASES["default"]["TEST"] = {"NAME": settings.DATABASES["default"]["NAME"], "MIGRATE": False}
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        from saferhub.geography.services import geography_builtin_load
        geography_builtin_load(name="essex")
        police_uk_import(paths=[sys.argv[2]])
        records_recover()
        untouched = state()
        connection.close()
        import shutil
        workdir = Path(settings.SAFERHUB_RECORD_STORE).parent
        for name in ("inside", "between"):
            shutil.copytree(workdir, workdir.parent / name)
        police_uk_import(paths=[sys.argv[3]])
        records_recover()
        print(json.dumps({"untouched": untouched, "finished": state()}))
    elif mode == "import":
        point = sys.argv[3]
        def kill_at(name):
            if name == point:
                os.kill(os.getpid(), signal.SIGKILL)
        pipeline._checkpoint = kill_at
        police_uk_import(paths=[sys.argv[2]])
        records_recover()
        print(json.dumps({"after_recovery": state()}))
    elif mode == "state":
        before = state()
        records_recover()
        print(json.dumps({"before_recovery": before, "after_recovery": state()}))
    """
)


def _child(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "SAFERHUB_RECORD_STORE": str(workdir / "records"),
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        # The children share compiled modules, so each starts quickly (the repository is not written to).
        "PYTHONPYCACHEPREFIX": str(workdir.parent / "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    script = workdir.parent / "child.py"
    return subprocess.run(
        [sys.executable, str(script), *args],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_an_import_killed_part_way_leaves_everything_as_before_or_finished(tmp_path):
    (tmp_path / "child.py").write_text(CHILD)
    first = street_file(tmp_path, [street_row(), street_row(location="On or near A Road")])
    (tmp_path / "second").mkdir()
    second = street_file(tmp_path / "second", [street_row(crime_type="Drugs")])
    base = tmp_path / "base"
    base.mkdir()
    # One child builds the hub, copies it for each scenario, then imports the second file cleanly.
    result = _child(base, "setup", str(first), str(second))
    assert result.returncode == 0, result.stderr[-2000:]
    untouched, finished = json.loads(result.stdout)["untouched"], json.loads(result.stdout)["finished"]
    assert finished["counts"] != untouched["counts"]

    def scenario(name: str) -> Path:
        return tmp_path / name

    # Killed inside the database transaction: the committed state never changed; recovery tidies up.
    inside = scenario("inside")
    killed = _child(inside, "import", str(second), "values-written")
    assert killed.returncode == -signal.SIGKILL
    report = json.loads(_child(inside, "state").stdout)
    assert report["before_recovery"]["counts"] == untouched["counts"]
    assert report["before_recovery"]["values"] == untouched["values"]
    after = report["after_recovery"]
    assert (after["files"], after["values"], after["counts"]) == (
        untouched["files"],
        untouched["values"],
        untouched["counts"],
    )
    assert after["imports"][-1][1] == "failed"

    # Killed after the database commit but before the manifest rename: recovery rolls it forward.
    between = scenario("between")
    killed = _child(between, "import", str(second), "database-committed")
    assert killed.returncode == -signal.SIGKILL
    after = json.loads(_child(between, "state").stdout)["after_recovery"]
    assert (after["values"], after["counts"], after["imports"]) == (
        finished["values"],
        finished["counts"],
        finished["imports"],
    )


@pytest.mark.django_db
def test_recovery_with_nothing_to_do_changes_nothing(first_import, store):
    before = store_tree(store.root)
    assert records_recover() == {"committed": [], "aborted": [], "kept": []}
    assert store_tree(store.root) == before
