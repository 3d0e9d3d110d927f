"""Issue 17, items 1 and 2: Harlow's and Epping Forest's priority matrices from the police.uk
records of January to April 2024 (../shared/data), the decision on the priorities with its reason,
who may take it, and the county matrix recomputed from the confirmed priorities.

Counts are checked against DuckDB reading the published CSV files directly (the district taken
from the LSOA name, as tests/integration/ingest/test_computed_indicators.py does), not against the
hub's own store.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from django.core.exceptions import PermissionDenied

from saferhub.accounts.models import Partnership, Role
from saferhub.assessment.matrix_decisions import priorities_decide
from saferhub.assessment.matrix_services import partnership_matrix
from saferhub.assessment.models import HarmIndex, HarmWeight, PriorityDecision, PriorityMatrix
from saferhub.assessment.scoring import CRITERIA, THEMES_BY_KEY
from saferhub.assessment.selectors import county_comparison, matrix_table, recomputed_for
from saferhub.core.errors import ValidationProblem
from saferhub.geography.models import Area
from saferhub.incidents.configured import record_store
from tests.factories import PartnershipRoleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")
HARLOW, EPPING = "E07000073", "E07000072"


def _independent(files) -> dict[tuple[str, str], int]:
    """(district name, crime type) → records, from the CSV files alone."""
    with duckdb.connect() as con:
        rows = con.execute(
            """SELECT regexp_replace("LSOA name", ' [^ ]+$', '') AS district, "Crime type", count(*)
               FROM read_csv(?, header = true, all_varchar = true) WHERE "LSOA name" IS NOT NULL GROUP BY ALL""",
            [[str(f) for f in files]],
        ).fetchall()
    return {(d, t): int(n) for d, t, n in rows}


def _independent_repeats(files, district: str) -> dict[str, tuple[int, int]]:
    """Crime type → (records at a map point, records at a point with 2 or more of that type)."""
    with duckdb.connect() as con:
        rows = con.execute(
            """WITH p AS (SELECT "Crime type" AS t, count(*) AS n FROM read_csv(?, header = true, all_varchar = true)
                         WHERE regexp_replace("LSOA name", ' [^ ]+$', '') = ? AND "Longitude" IS NOT NULL
                         GROUP BY "Crime type", "Longitude", "Latitude", "Location")
               SELECT t, sum(n), coalesce(sum(n) FILTER (WHERE n >= 2), 0) FROM p GROUP BY t""",
            [[str(f) for f in files], district],
        ).fetchall()
    return {t: (int(a), int(b)) for t, a, b in rows}


@pytest.fixture(scope="module")
def _essex_2024(django_db_setup, django_db_blocker, tmp_path_factory):
    """Essex, its partnerships, Annex A and four police.uk months imported once for the module, in a
    transaction rolled back at its end."""
    from django.conf import settings
    from django.db import transaction

    from saferhub.accounts.services import accounts_essex_load
    from saferhub.assessment.loaders import assessment_essex_load
    from saferhub.geography.services import geography_builtin_load
    from saferhub.ingest.services import police_uk_import
    from tests.conftest import SHARED_DATA

    store = settings.SAFERHUB_RECORD_STORE
    settings.SAFERHUB_RECORD_STORE = str(tmp_path_factory.mktemp("matrix") / "records")
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            geography_builtin_load(name="essex")
            accounts_essex_load()
            assessment_essex_load()
            files = [SHARED_DATA / "police-uk" / m / f"{m}-essex-street.csv" for m in MONTHS]
            police_uk_import(paths=files)
            yield {"files": files, "counts": _independent(files)}
            transaction.set_rollback(True)
    finally:
        settings.SAFERHUB_RECORD_STORE = store


@pytest.fixture
def essex(_essex_2024, db):
    return _essex_2024


def _matrix(code: str):
    area = Area.objects.get(code=code)
    partnership = Partnership.objects.get(area=area)
    return area, partnership, partnership_matrix(store=record_store(), area=area, year=2024, partnership=partnership)


@pytest.mark.parametrize(("code", "name"), [(HARLOW, "Harlow"), (EPPING, "Epping Forest")])
def test_the_matrix_shows_all_five_criteria_with_inputs_and_proposes_five(essex, code, name):
    _area, _, matrix = _matrix(code)
    assert matrix.months == list(MONTHS)
    counts = essex["counts"]
    total = sum(n for (d, _), n in counts.items() if d == name)
    police_uk = [r for r in matrix.results if r.theme.source == "police-uk"]
    assert len(police_uk) == 11 and not any(r.theme.key == "road-safety" for r in matrix.results)  # no Essex STATS19
    for r in matrix.results:
        assert [s.criterion for s in r.scores] == list(CRITERIA)
        assert all(s.inputs and s.reason for s in r.scores)
        want = sum(counts.get((name, c), 0) for c in r.theme.categories)
        assert r.count == want, r.theme.key
        volume = r.scores[0]
        assert volume.inputs[0] == f"Records: {want:,}"
        assert f"All crime and anti-social behaviour in the area: {total:,}" in volume.inputs
        share = want / total
        assert volume.score == (3 if share >= 0.10 else 2 if share >= 0.03 else 1)
        # No harm index loaded and no survey returns: said, not scored as zero.
        assert r.scores[1].score is None and r.scores[1].reason.startswith("Not weighted")
        assert r.scores[3].score is None and r.scores[3].text == "No evidence"
        assert r.scores[2].score in (1, 2, 3) and r.scores[4].score in (1, 2, 3)
    assert [r.rank for r in matrix.results] == list(range(1, len(matrix.results) + 1))
    assert sum(r.proposed for r in matrix.results) == 5
    assert all(r.proposed for r in matrix.results[:5])
    totals = [r.total for r in matrix.results]
    assert totals == sorted(totals, reverse=True)


def test_repeat_shares_agree_with_the_published_files(essex):
    _, _, matrix = _matrix(HARLOW)
    repeats = _independent_repeats(essex["files"], "Harlow")
    base = sum(b for _, b in repeats.values()) / sum(a for a, _ in repeats.values())
    asb = next(r for r in matrix.results if r.theme.key == "asb")
    placed, repeated = repeats["Anti-social behaviour"]
    line = asb.scores[4].inputs
    assert line[0] == f"Records at map points with 2 or more of them: {repeated / placed * 100:.1f}%"
    assert line[1] == f"The same for all crime and anti-social behaviour in the area: {base * 100:.1f}%"


def test_a_loaded_harm_index_weights_seriousness(essex):
    index = HarmIndex.objects.create(slug="test-css", title="Test weights", publisher="Test", year="2023", unit="days")
    HarmWeight.objects.create(
        index=index, offence="Violence", weight=Decimal("100"), category="Violence and sexual offences"
    )
    HarmWeight.objects.create(index=index, offence="Shoplifting", weight=Decimal("1"), category="Shoplifting")
    _, _, matrix = _matrix(HARLOW)
    by_key = {r.theme.key: r for r in matrix.results}
    violence, shop = by_key["violence"].scores[1], by_key["shoplifting"].scores[1]
    n_v = essex["counts"][("Harlow", "Violence and sexual offences")]
    n_s = essex["counts"][("Harlow", "Shoplifting")]
    assert f"Harm (records × weight): {n_v * 100:,.1f}" in violence.inputs
    assert violence.score == 3
    share = n_s / (n_v * 100 + n_s)
    assert shop.score == (3 if share >= 0.1 else 2 if share >= 0.03 else 1)
    assert by_key["drugs"].scores[1].score is None  # no weight for drugs in this index: said, not zero


def test_an_override_keeps_its_reason_and_history_and_the_county_matrix_is_recomputed(essex):
    area, partnership, matrix = _matrix(HARLOW)
    analyst = PartnershipRoleFactory(partnership=partnership, role=Role.ANALYST).user
    proposed = matrix.proposed
    changed = [*proposed[:4], "weapons"]  # one removed, possession of weapons added
    common = {"user": analyst, "partnership": partnership, "area": area, "year": 2024, "months": matrix.months}
    priorities_decide(
        **common, proposed=proposed, priorities=proposed, weights=matrix.weights, reason="Agreed by the board"
    )
    decision = priorities_decide(
        **common, proposed=proposed, priorities=changed, weights=matrix.weights, reason="Knife crime rising in the town"
    )
    assert decision.overridden and decision.reason == "Knife crime rising in the town"
    _, _, again = _matrix(HARLOW)
    assert again.decision == decision and [d.reason for d in again.history] == [
        "Knife crime rising in the town",
        "Agreed by the board",
    ]
    assert again.history[0].decided_by == analyst
    with pytest.raises(ValidationProblem) as problem:
        priorities_decide(**common, proposed=proposed, priorities=changed, weights=matrix.weights, reason="  ")
    assert problem.value.field == "reason"
    assert PriorityDecision.objects.count() == 2

    published = PriorityMatrix.objects.get(kind="published")
    recomputed = recomputed_for(matrix=published)
    table = matrix_table(matrix=recomputed)
    harlow = next(r for r in table["rows"] if r["row"].label == "Harlow")
    marked = {w["words"].split(":")[0] for w in harlow["cells"] if w["marked"]}
    column = {k: (THEMES_BY_KEY[k].annex or THEMES_BY_KEY[k].label) for k in changed}
    assert marked == set(column.values())
    assert "Possession of weapons" in [t.label for t in table["themes"]]  # no column in Annex A: added
    assert len(table["rows"]) == 15
    others = [r for r in table["rows"] if r["row"].label != "Harlow"]
    assert all(r["count"] == 0 for r in others)
    comparison = county_comparison(published=published, recomputed=recomputed)
    assert ("Harlow", "Possession of weapons") in comparison["not_covered"]


def test_wrong_role_or_partnership_cannot_decide(essex):
    area, partnership, _ = _matrix(HARLOW)
    epping = Partnership.objects.get(area__code=EPPING)
    viewer = PartnershipRoleFactory(partnership=partnership, role=Role.CONTRIBUTOR).user
    other = PartnershipRoleFactory(partnership=epping, role=Role.ADMINISTRATOR).user
    args = {
        "area": area,
        "year": 2024,
        "months": [],
        "proposed": [],
        "priorities": ["asb"],
        "weights": {},
        "reason": "x",
    }
    for user, p in ((viewer, partnership), (other, partnership), (UserFactory(), partnership)):
        with pytest.raises(PermissionDenied):
            priorities_decide(user=user, partnership=p, **args)
    with pytest.raises(ValidationProblem):  # an Epping administrator deciding Epping's priorities for Harlow's area
        priorities_decide(user=other, partnership=epping, **args)
    assert PriorityDecision.objects.count() == 0


def test_the_page_and_its_forms(client, essex):
    _, partnership, _ = _matrix(EPPING)
    url = f"/assessment/matrix/{EPPING}/?year=2024"
    assert client.get(url).status_code == 302  # signed out: sign in
    harlow_admin = PartnershipRoleFactory(
        partnership=Partnership.objects.get(area__code=HARLOW), role=Role.ADMINISTRATOR
    )
    client.force_login(harlow_admin.user)
    assert client.get(url).status_code == 403
    assert (
        client.post(
            f"/assessment/matrix/{EPPING}/decide/", {"year": 2024, "priorities": ["asb"], "reason": "x"}
        ).status_code
        == 403
    )
    viewer = PartnershipRoleFactory(partnership=partnership, role=Role.VIEWER).user
    client.force_login(viewer)
    page = client.get(url).content.decode()
    for words in ("Volume", "Seriousness", "Performance compared", "Public concern", "Repeat incidents", "Proposed"):
        assert words in page
    assert "Record the priorities" not in page  # a viewer reads, does not decide
    assert (
        client.post(
            f"/assessment/matrix/{EPPING}/decide/", {"year": 2024, "priorities": ["asb"], "reason": "x"}
        ).status_code
        == 403
    )
    analyst = PartnershipRoleFactory(partnership=partnership, role=Role.ANALYST).user
    client.force_login(analyst)
    assert client.get(url + "x").status_code == 400  # a year with no records is named
    missing = client.post(f"/assessment/matrix/{EPPING}/decide/", {"year": 2024, "priorities": ["asb"], "reason": ""})
    assert missing.status_code == 400 and "Give the reason for the decision" in missing.content.decode()
    done = client.post(
        f"/assessment/matrix/{EPPING}/decide/",
        {"year": 2024, "priorities": ["asb", "drugs"], "reason": "Board, 3 March"},
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Board, 3 March" in page and "changed from those proposed" in page
    bad = client.post(f"/assessment/matrix/{EPPING}/weights/", {"year": 2024, **dict.fromkeys(CRITERIA, "9")})
    assert bad.status_code == 400 and "from 0 to 5" in bad.content.decode()
    ok = client.post(
        f"/assessment/matrix/{EPPING}/weights/", {"year": 2024, **dict.fromkeys(CRITERIA, "1"), "volume": "3"}
    )
    assert ok.status_code == 302
    _, _, weighted = _matrix(EPPING)
    assert weighted.weights["volume"] == 3 and not weighted.weights_are_default
    county = client.get("/assessment/county-priorities/").content.decode()
    assert "Epping Forest" in county and "recomputed from partnerships" in county


def test_performance_compares_with_the_most_similar_group_members_in_the_hub(essex):
    from saferhub.geography.models import ComparatorGroup, Population

    harlow = Area.objects.get(code=HARLOW)
    members = list(Area.objects.filter(code__in=[HARLOW, "E07000066", "E07000071"]))  # and Basildon, Colchester
    group = ComparatorGroup.objects.create(
        slug="msg-test-harlow",
        name="Harlow's most similar group",
        kind=ComparatorGroup.Kind.MOST_SIMILAR,
        basis=ComparatorGroup.Basis.COMPUTED,
        for_area=harlow,
    )
    group.members.set(members)

    def population(area):
        return Population.objects.filter(area=area, year__lte=2024).order_by("-year").first().value

    _, _, matrix = _matrix(HARLOW)
    violence = next(r for r in matrix.results if r.theme.key == "violence").scores[2]
    counts = essex["counts"]
    others = [m for m in members if m.code != HARLOW]
    group_rate = sum(counts[(m.name, "Violence and sexual offences")] for m in others) / sum(
        population(m) for m in others
    )
    area_rate = counts[("Harlow", "Violence and sexual offences")] / population(harlow)
    ratio = area_rate / group_rate
    assert f"{group.name} (pooled, 2 members): {group_rate * 1000:.2f} per 1,000; the area {area_rate * 1000:.2f}" in (
        " ".join(violence.inputs)
    )
    expected = 3 if ratio >= 1.1 else 1 if ratio <= 0.9 else 2
    assert violence.score == expected or "special cause" in violence.reason
    assert "2 of 2 members have police.uk records" in matrix.group_note


def test_the_assessment_document_carries_the_matrix_to_members_and_only_the_decision_to_others(essex):
    """The document's priority section: members read every theme's score and criteria; the public and
    other partnerships read only the confirmed priorities and the reason, never a score."""
    from django.contrib.auth.models import AnonymousUser

    from saferhub.assessment.document import NO_MATRIX, priority_matrix_section

    area, partnership, matrix = _matrix(HARLOW)
    member = PartnershipRoleFactory(partnership=partnership, role=Role.VIEWER).user
    outsider = PartnershipRoleFactory(partnership=Partnership.objects.get(area__code=EPPING), role=Role.ANALYST).user
    args = {"partnership": partnership, "area": area, "year": 2024}
    assert priority_matrix_section(**args, user=AnonymousUser()) is None  # nothing confirmed yet: NO_MATRIX shown
    assert NO_MATRIX == "The priority matrix for this year has not been set."
    proposed = priority_matrix_section(**args, user=member)
    assert not proposed["confirmed"] and len(proposed["rows"]) == len(matrix.results)
    assert sum(r["priority"] == "Proposed" for r in proposed["rows"]) == 5
    assert all("Volume:" in r["reason"] for r in proposed["rows"])

    analyst = PartnershipRoleFactory(partnership=partnership, role=Role.ANALYST).user
    priorities_decide(
        user=analyst,
        partnership=partnership,
        area=area,
        year=2024,
        months=matrix.months,
        proposed=matrix.proposed,
        priorities=matrix.proposed[:3],
        weights=matrix.weights,
        reason="Three are enough this year",
    )
    for reader in (AnonymousUser(), outsider):
        shown = priority_matrix_section(**args, user=reader)
        assert shown["public"] and shown["reason"] == "Three are enough this year"
        assert [r["priority"] for r in shown["rows"]] == ["Confirmed"] * 3
        assert all(r["score"] == "" and r["reason"] == "" for r in shown["rows"])  # no score leaks
    confirmed = priority_matrix_section(**args, user=member)
    assert confirmed["confirmed"] and sum(r["priority"] == "Confirmed" for r in confirmed["rows"]) == 3
