"""Published group lists, the force-area population layout, and a group's values for an indicator
with small numbers hidden from those who may not see them."""

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.framework.models import Indicator
from saferhub.geography.models import Area, ComparatorGroup, Population
from saferhub.geography.selectors import area_comparator_groups, area_most_similar_group
from saferhub.geography.services import comparator_group_official_load, geography_populations_load
from saferhub.measures.models import IndicatorValue
from saferhub.measures.peer_values import comparator_group_values

pytestmark = pytest.mark.django_db
HARLOW, BASILDON, EPPING, CHELMSFORD = "E07000073", "E07000066", "E07000072", "E07000070"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_published_list_becomes_the_areas_most_similar_group(essex_geography, tmp_path):
    path = _write(tmp_path, "msg.csv", f"Area code,Member code\n{HARLOW},{BASILDON}\n{HARLOW},{EPPING}\n")
    comparator_group_official_load(path=path, source="Home Office iQuanta MSG list, 2024")
    harlow = essex_geography[HARLOW]
    group = area_most_similar_group(area=harlow)
    assert group.basis == "official" and "iQuanta" in group.source
    assert set(group.members.values_list("code", flat=True)) == {HARLOW, BASILDON, EPPING}
    # Basildon is in Harlow's group, but Harlow's group is not one of Basildon's comparators.
    assert group not in area_comparator_groups(area=essex_geography[BASILDON])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"Area code,Member code\n{HARLOW},E0700006\n",
            r"row 2, column Member code: 'E0700006' is not an ONS GSS code",
        ),
        (
            f"Area code,Member code\n{HARLOW},{BASILDON}\n{HARLOW},E07000999\n",
            r"row 3, column Member code: E07000999 is not",
        ),
        (f"Area code,Member code\n{HARLOW},E23000032\n", "not both force areas or both partnership areas"),
        (f"Area,Member\n{HARLOW},{BASILDON}\n", "missing column Area code and Member code"),
        ("Area code,Member code\n", "has no rows"),
    ],
)
def test_a_bad_published_list_names_the_problem_and_writes_nothing(essex_geography, tmp_path, text, message):
    before = ComparatorGroup.objects.count()
    with pytest.raises(ValidationProblem, match=message):
        comparator_group_official_load(path=_write(tmp_path, "msg.csv", text), source="a list")
    assert ComparatorGroup.objects.count() == before


def test_a_published_list_needs_its_source(essex_geography, tmp_path):
    path = _write(tmp_path, "msg.csv", f"Area code,Member code\n{HARLOW},{BASILDON}\n")
    with pytest.raises(ValidationProblem, match="say where the list was published"):
        comparator_group_official_load(path=path, source=" ")


def test_the_shared_force_population_layout_loads(essex_geography, shared_data):
    path = shared_data / "population" / "police-force-area-2009-2019.csv"
    summary = geography_populations_load(path=path)
    import csv

    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    for row in rows:
        assert Population.objects.get(area__code="E23000028", year=int(row["year"])).value == int(row["Essex"])
    # Forces the Essex-only hub does not know are named, not silently dropped.
    assert "not in the hub yet" in summary.notes[0]


def test_a_force_population_file_with_an_unknown_force_or_bad_number_changes_nothing(essex_geography, tmp_path):
    before = sorted(Population.objects.values_list("area_id", "year", "value"))
    with pytest.raises(ValidationProblem, match="'Atlantis' name no police force area"):
        geography_populations_load(path=_write(tmp_path, "pfa.csv", "year,Essex,Atlantis\n2019,1,2\n"))
    with pytest.raises(ValidationProblem, match=r"row 3, column Essex: 'many' is not a whole number"):
        geography_populations_load(path=_write(tmp_path, "pfa.csv", "year,Essex,Kent\n2018,1,2\n2019,many,2\n"))
    assert sorted(Population.objects.values_list("area_id", "year", "value")) == before


@pytest.fixture
def rate_group(essex_geography):
    indicator = Indicator.objects.create(slug="all-crime-rate", title="All crime rate", value_type="rate_per_100000")
    group = ComparatorGroup.objects.create(slug="four", name="Four districts", basis="listed")
    codes = [HARLOW, BASILDON, EPPING, CHELMSFORD]
    group.members.set([essex_geography[c] for c in codes])
    return indicator, group


def _values(indicator, essex_geography, numerators):
    for code, num in numerators.items():
        IndicatorValue.objects.create(
            indicator=indicator,
            area=essex_geography[code],
            period_label="2023",
            period_kind="year",
            period_start="2023-01-01",
            period_end="2023-12-31",
            value=num / 25_000 * 100_000,
            numerator=num,
            denominator=25_000,
        )


def test_pooled_rate_has_byars_interval_from_methods_reference(rate_group, essex_geography):
    indicator, group = rate_group
    # 65 events over 100,000 people: METHODS.md's Byar example, 65 → 50.1632–82.8491 (95%).
    _values(indicator, essex_geography, {HARLOW: 10, BASILDON: 20, EPPING: 15, CHELMSFORD: 20})
    result = comparator_group_values(group=group, indicator=indicator, period="2023", area=essex_geography[HARLOW])
    pooled = result.pooled[0.95]
    assert (pooled.value, round(pooled.lower, 4), round(pooled.upper, 4)) == (65.0, 50.1632, 82.8491)
    assert pooled.method == "Byar"
    assert result.spread["min"] == 40.0 and result.spread["max"] == 80.0 and result.spread_count == 4
    # Harlow (40) against the other three (80, 60, 80): mean 73.33, sd 11.547 → −2.887 sd.
    assert result.distance.standard_deviations == pytest.approx((40 - 220 / 3) / 11.547005, rel=1e-6)


def test_a_small_count_is_hidden_with_the_figure_that_would_give_it_away(rate_group, essex_geography):
    indicator, group = rate_group
    _values(indicator, essex_geography, {HARLOW: 3, BASILDON: 20, EPPING: 15, CHELMSFORD: 30})
    public = comparator_group_values(group=group, indicator=indicator, period="2023", area=essex_geography[HARLOW])
    shown = {m.code: m for m in public.members}
    assert shown[HARLOW].suppressed and shown[HARLOW].value is None and shown[HARLOW].numerator is None
    # Secondary suppression: the next smallest (Epping Forest, 15) hides too, so the pooled total
    # minus the shown members gives only the sum of two hidden ones.
    assert shown[EPPING].suppressed
    assert public.pooled[0.95].numerator - sum(m.numerator for m in public.members if not m.suppressed) == 18
    # The spread and the distance use shown members only: nothing derived from Harlow's 3.
    assert public.spread_count == 2 and public.distance is None
    assert "not shown" in public.distance_note
    member = comparator_group_values(
        group=group, indicator=indicator, period="2023", area=essex_geography[HARLOW], sees_small_numbers=True
    )
    assert {m.code: m.numerator for m in member.members}[HARLOW] == 3
    assert member.distance is not None


def test_the_essex_built_in_groups_still_serve_essex_areas(essex_geography):
    essex = Area.objects.get(code="E23000028")
    assert [g.slug for g in area_comparator_groups(area=essex)] == ["eastern-forces", "essex-csps"]
