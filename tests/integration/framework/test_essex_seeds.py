"""The Essex configuration matches the seed documents figure for figure.

Each check reads the seed text, finds the figure in the section the data cites, and compares it
with what the hub loaded. No expected figure is written here: it comes from the seed.
"""

import re
from datetime import date
from importlib import resources

import pytest
import yaml

from saferhub.framework.models import Baseline, Framework, IndicatorMembership, Target, Theme
from saferhub.measures.models import IndicatorValue
from tests.integration.framework.seeds import normalise, number, section, seed

pytestmark = pytest.mark.django_db

ESSEX = resources.files("saferhub.framework").joinpath("data", "essex")


def _files():
    return sorted(
        (p.name, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in ESSEX.iterdir() if p.name.endswith(".yaml")
    )


def _walk_memberships(spec):
    themes = [t for o in spec.get("outcomes") or [] for t in o.get("themes") or []] + (spec.get("themes") or [])
    for theme in themes:
        for m in theme.get("indicators") or []:
            slug = m["indicator"]["slug"] if isinstance(m["indicator"], dict) else m["indicator"]
            yield slug, m


def _candidates(value):
    """How a figure may be written in the seed: 1,139 or 1139; 23.0; 0.65; £42 million."""
    texts = {f"{value:g}"}
    if float(value).is_integer():
        texts |= {f"{int(value):,}", str(int(value))}
        if value >= 1_000_000:
            texts.add(f"{value / 1_000_000:g} million")
    else:
        texts |= {f"{value:.1f}", f"{value:.2f}"}
    return texts


def _seed_of(source):
    return source.split("_", 1)[0]


# --- every figure the data quotes ----------------------------------------------------------------


def _quoted_values():
    for name, spec in _files():
        for slug, m in _walk_memberships(spec):
            for v in m.get("values") or []:
                yield pytest.param(name, slug, v, id=f"{slug}-{v['area']}-{v['period']}-{v.get('breakdown', '')}")


@pytest.mark.parametrize(("name", "slug", "item"), list(_quoted_values()))
def test_every_value_is_quoted_from_its_seed_and_loaded_as_written(essex_frameworks, name, slug, item):
    text = normalise(seed(_seed_of(item["source"])))
    quote = normalise(item["quote"])
    assert quote in text, f"{name}: the quotation is not in the seed: {quote!r}"
    figures = [item[k] for k in ("value", "numerator", "denominator") if item.get(k) is not None]
    for figure in figures:
        assert any(c in quote for c in _candidates(figure)), f"{figure} is not in the quotation {quote!r}"
    from saferhub.core.codes import parse_period

    loaded = IndicatorValue.objects.get(
        indicator__slug=slug,
        area__code=item["area"],
        period_label=parse_period(str(item["period"])).label,
        breakdown=item.get("breakdown", ""),
    )
    if item.get("value") is not None:
        assert loaded.value == pytest.approx(item["value"])
    else:
        assert (loaded.numerator, loaded.denominator) == (item["numerator"], item["denominator"])
    assert quote in normalise(loaded.source_note)


def _worded(kind):
    for name, spec in _files():
        for slug, m in _walk_memberships(spec):
            for i, t in enumerate(m.get(kind) or [], start=1):
                yield pytest.param(name, slug, t, i, id=f"{slug}-{kind}-{i}")


@pytest.mark.parametrize(("name", "slug", "item", "position"), list(_worded("targets")))
def test_every_ambition_is_in_the_seed_word_for_word(essex_frameworks, name, slug, item, position):
    text = normalise(seed(_seed_of(item["source"])))
    assert normalise(item["wording"]) in text
    if item.get("ambition") and item["ambition"] != "TBC" and not item["ambition"].startswith("LAA2"):
        assert normalise(item["ambition"]) in text, item["ambition"]
    target = Target.objects.get(
        indicator__slug=slug, key=item.get("key", f"t{position}"), framework__source__startswith=name[:3]
    )
    assert target.wording == item["wording"].strip()
    if item.get("value") is not None:
        assert any(c in item["wording"] for c in _candidates(item["value"])), item["wording"]
        assert target.value == item["value"]


@pytest.mark.parametrize(("name", "slug", "item", "position"), list(_worded("baselines")))
def test_every_baseline_is_in_the_seed_word_for_word(essex_frameworks, name, slug, item, position):
    text = normalise(seed(_seed_of(item["source"])))
    assert normalise(item["wording"]) in text
    baseline = Baseline.objects.get(
        indicator__slug=slug, key=item.get("key", f"b{position}"), framework__source__startswith=name[:3]
    )
    if item.get("value") is not None:
        assert any(c in item["wording"] for c in _candidates(item["value"])), item["wording"]
        assert baseline.value == item["value"]


def test_every_story_sentence_is_in_its_seed(essex_frameworks):
    checked = 0
    for _name, spec in _files():
        stories = [t.get("story") for o in spec.get("outcomes") or [] for t in o.get("themes") or []]
        stories += [m.get("story") for _slug, m in _walk_memberships(spec)]
        for story in filter(None, stories):
            text = normalise(seed(_seed_of(story["source"])))
            for sentence in re.split(r"(?<=[.?!])\s+(?=[A-Z])", normalise(story["text"])):
                assert sentence in text, sentence
                checked += 1
    assert checked > 50


# --- a broad sample, read from the cited section ---------------------------------------------------


def _value(slug, code, period, breakdown=""):
    return IndicatorValue.objects.get(
        indicator__slug=slug, area__code=code, period_label=period, breakdown=breakdown
    ).value


SAFEGUARDING = ("000", "The Story behind the baseline – (1)", "Adult Safeguarding")
SAFE_COMMUNITIES = ("000", "The Story behind the baseline – (2)", "Hospital Admissions\n\nHospital admissions caused")
ROADS = ("000", "The Story behind the baseline – (3)", "(3) People are safe on Essex's roads – Our Ambition")


@pytest.mark.parametrize(
    ("where", "pattern", "slug", "period"),
    [
        (SAFEGUARDING, r"the number of children in care was ([\d,]+)", "children-in-care", "2014-01-31..2014-01-31"),
        (
            SAFEGUARDING,
            r"reduction from ([\d,]+) at 31 March 2013; a rate",
            "children-in-care",
            "2013-03-31..2013-03-31",
        ),
        (
            SAFEGUARDING,
            r"a rate of ([\d.]+) per 10,000 children\. This is",
            "children-in-care-rate",
            "2014-01-31..2014-01-31",
        ),
        (
            SAFEGUARDING,
            r"On 31 January 2014, ([\d,]+) children and young people were subject",
            "children-child-protection-plans",
            "2014-01-31..2014-01-31",
        ),
        (
            SAFEGUARDING,
            r"notable reductions from ([\d,]+) in 31 March 2013",
            "children-child-protection-plans",
            "2013-03-31..2013-03-31",
        ),
        (
            SAFEGUARDING,
            r"On 31 January 2014, ([\d,]+) children had been identified",
            "children-in-need",
            "2014-01-31..2014-01-31",
        ),
        (
            SAFEGUARDING,
            r"This is a reduction from ([\d,]+) at 31 March 2013\. Having",
            "children-in-need",
            "2013-03-31..2013-03-31",
        ),
        (
            SAFE_COMMUNITIES,
            r"there were ([\d,]+) anti-social behaviour incidents in Essex",
            "asb-incidents",
            "2013-04-01..2013-10-31",
        ),
        (SAFE_COMMUNITIES, r"([\d.]+)% of ex-offenders in 2010", "reoffending-rate", "2010"),
        (SAFE_COMMUNITIES, r"This fell to ([\d.]+)% in 2011", "reoffending-rate", "2011"),
        (SAFE_COMMUNITIES, r"caseload was ([\d,]+) in 2011/12", "yos-caseload", "2011/12"),
        (SAFE_COMMUNITIES, r"down from ([\d,]+) young people in 2010/11", "yos-caseload", "2010/11"),
        (SAFE_COMMUNITIES, r"The re-offending rate was ([\d.]+):1", "youth-reoffending-ratio", "2011/12"),
        (SAFE_COMMUNITIES, r"fell to (\d+)% - its lowest level", "young-offenders-in-ete", "2011/12"),
        (ROADS, r"in 2013 with ([\d,]+) people being killed", "road-ksi", "2013"),
        (ROADS, r"In 2012, ([\d,]+) people were killed", "road-ksi", "2012"),
        (ROADS, r"down from ([\d,]+) in 2011", "road-ksi", "2011"),
        (ROADS, r"resulted in a score of ([\d.]+)\.", "road-safety-perception", "2013/14"),
    ],
)
def test_figures_of_the_story_behind_the_baseline(essex_frameworks, where, pattern, slug, period):
    text = section(*where)
    figure = number(re.search(pattern, text)[1])
    assert _value(slug, "E10000012", period) == pytest.approx(figure)


def test_feeling_safe_after_dark_by_district_2013(essex_frameworks, essex_geography):
    text = section(*SAFE_COMMUNITIES)
    for name, code in [
        ("Uttlesford", "E07000077"),
        ("Maldon", "E07000074"),
        ("Castle Point", "E07000069"),
        ("Basildon", "E07000066"),
    ]:
        assert _value("feel-safe-after-dark", code, "2013") == number(re.search(rf"{name} \((\d+)%\)", text)[1])
    both = number(re.search(r"Chelmsford and Colchester \((\d+)% in both cases\)", text)[1])
    assert _value("feel-safe-after-dark", "E07000070", "2013") == both
    assert _value("feel-safe-after-dark", "E07000071", "2013") == both
    harlow = number(re.search(r"Harlow \(where (\d+)% feel safe\)", text)[1])
    assert _value("feel-safe-after-dark", "E07000073", "2013") == harlow
    county = number(re.search(r"fewer feel safe \((\d+)%\)", seed("000"))[1])
    assert _value("feel-safe-after-dark", "E10000012", "2013") == county


def test_binge_drinking_by_area_2011_12(essex_frameworks):
    text = section(
        "000", "Hospital Admissions\n\nHospital admissions caused", "(2) People live in safe communities - Our Ambition"
    )
    for area in ("West", "Mid Essex", "North East Essex", "South East Essex", "South West Essex"):
        figure = number(re.search(rf"{area} \(([\d.]+) ?%\)", text)[1])
        label = area if area.endswith("Essex") else f"{area} Essex"
        assert _value("binge-drinking", "E10000012", "2011/12", f"health_area={label}") == figure
    region = number(re.search(r"East of England \(([\d.]+)%\)", text)[1])
    assert _value("binge-drinking", "E12000006", "2011/12") == region


def test_ksi_baseline_2005_09(essex_frameworks):
    figure = number(re.search(r"2005-09 baseline of ([\d,]+)", section(*ROADS))[1])
    baseline = Baseline.objects.get(indicator__slug="road-ksi", period_label="2005-09 average")
    assert baseline.value == figure


def test_ambitions_of_the_commissioning_strategy(essex_frameworks):
    fw = essex_frameworks["ecc-safe-communities-2014-18"]
    curve1 = section("000", "The curve we want to turn – (1)", "Issues and Strategic Actions – (1)")
    one_year, two_years = re.search(r"\n\t+(\d+)\t(\d+) after 2 years", curve1).groups()
    cic = {t.horizon: t for t in Target.objects.filter(framework=fw, indicator__slug="children-in-care", kind="value")}
    assert (cic["1y"].value, cic["2y"].value) == (number(one_year), number(two_years))
    assert cic["2y"].wording in normalise(curve1)

    curve3 = section("000", "The curve we want to turn – (3)", "Issues and Strategic Actions - (3)")
    ksi_1y = number(re.search(r"\n\t+(\d+)\tHaving reached the ECRB 2020 target", curve3)[1])
    assert Target.objects.get(framework=fw, indicator__slug="road-ksi", horizon="1y").value == ksi_1y
    slight_1y = number(re.search(r"new Year 1 target could be (\d+)", curve3)[1])
    day, month, year, slight_2020 = re.search(r"By (\d\d)/(\d\d)/(\d{4}) target (\d+)", curve3).groups()
    slights = Target.objects.filter(framework=fw, indicator__slug="road-slight-injuries")
    assert slights.get(horizon="1y").value == slight_1y
    dated = slights.get(target_date=date(int(year), int(month), int(day)))
    assert dated.value == number(slight_2020)
    assert dated.horizon == "date"

    curve2 = section("000", "The curve we want to turn – (2)", "Issues and Strategic Actions – (2)")
    reoffending = Target.objects.get(framework=fw, indicator__slug="reoffending-rate")
    assert reoffending.wording in normalise(curve2)
    assert "greater than 1 standard deviation below" in reoffending.wording
    assert (reoffending.kind, reoffending.direction) == ("relative", "reduce")
    da = {
        (t.ambition, t.horizon): t
        for t in Target.objects.filter(framework=fw, indicator__slug="domestic-abuse-incidents")
    }
    assert (
        da["Increase reporting of domestic abuse (to address issues of underreporting)", "3y"].direction == "increase"
    )
    assert da["Reduce incidence of domestic abuse", "5y"].direction == "reduce"


def test_domestic_abuse_wants_reporting_to_rise_first_and_incidence_to_fall_later(essex_frameworks):
    from saferhub.framework.models import Indicator

    indicator = Indicator.objects.get(slug="domestic-abuse-incidents")
    change = indicator.polarity_changes.get()
    assert (indicator.polarity, change.polarity) == ("higher_is_better", "lower_is_better")
    assert change.effective_from > date(2014, 4, 1)


def test_the_commissioning_strategy_lists_indicators_1a_to_3b(essex_frameworks):
    fw = essex_frameworks["ecc-safe-communities-2014-18"]
    assert fw.outcomes.get().title in seed("000")
    assert fw.themes.count() == 3
    curves = "".join(
        normalise(section("000", f"The curve we want to turn – ({n})", f"Issues and Strategic Actions {d} ({n})"))
        for n, d in (("1", "–"), ("2", "–"), ("3", "-"))
    )
    codes = [f"1{c}" for c in "abcde"] + [f"2{c}" for c in "abcdefg"] + ["3a", "3b"]
    members = {m.code: m for m in IndicatorMembership.objects.filter(framework=fw).exclude(code="")}
    assert sorted(members) == sorted(codes)
    for code in codes:
        assert normalise(members[code].title_in_plan) in curves, code
        assert members[code].indicator.targets.filter(framework=fw).exists(), code


def test_the_community_safety_agreement_lists_every_indicator_of_table_1(essex_frameworks):
    fw = essex_frameworks["safer-essex-csa-2010-11"]
    table = section("001", "Table 1: Community Safety Agreement Priorities", "Each CSP has plans")
    members = {m.title_in_plan: m for m in fw.memberships.all()}
    rows = [line.split("\t") for line in table.splitlines() if line.count("\t") == 2]
    indicators = [r for r in rows if r[0] and r[0][0].isalpha() and r[0] != "Priority/Indicator"]
    assert len(indicators) >= 15
    for title, reference, lead in indicators:
        assert title in members, title
        assert members[title].reference == reference.strip(), title
        assert members[title].target_lead.startswith(lead.strip()), title
    priorities = [
        line.strip()[3:]
        for line in section("001", "The CSA's 5 headline", "Specific performance").splitlines()
        if re.match(r"^\d\. ", line.strip())
    ]
    assert len(priorities) == fw.themes.count()


def test_the_laa2_priority_7_table(essex_frameworks):
    fw = essex_frameworks["safer-essex-csa-2010-11"]
    table = section("001", "Table 2: LAA2 Priority 7", "For the current CSA only")
    original, refresh, interim, result, county = map(
        number,
        re.search(
            r"LI 7\.2\t([\d.]+)% \(2007/08\)\t([\d.]+)% 2008/09\t([\d.]+)% Result ([\d.]+)%\t\t([\d.]+) %", table
        ).groups(),
    )
    baselines = [b.value for b in Baseline.objects.filter(framework=fw, indicator__slug="feel-safe-after-dark")]
    assert baselines == [original, refresh]
    assert _value("feel-safe-after-dark", "E10000012", "2009/10") == result
    targets = {
        t.period_label: t.value for t in Target.objects.filter(framework=fw, indicator__slug="feel-safe-after-dark")
    }
    assert targets == {"2009/10": interim, "2010/11": county}

    asb = re.search(
        r"NI 17\t([\d.]+)% \(2006 LGUSS Survey\)\t([\d.]+)% Place Survey 2008\t"
        r"([\d.]+)% Result (\d+)%\t([\d.]+)%\t([\d.]+)%",
        table,
    )
    orig, ref, interim, result, county_orig, county_ref = map(number, asb.groups())
    assert _value("perceptions-of-asb", "E10000012", "2006") == orig
    assert _value("perceptions-of-asb", "E10000012", "2008") == ref
    assert _value("perceptions-of-asb", "E10000012", "2009/10") == result
    values = sorted(t.value for t in Target.objects.filter(framework=fw, indicator__slug="perceptions-of-asb"))
    assert values == sorted([interim, county_orig, county_ref])

    alcohol = re.search(r"([\d,]+) 2006/07\t(\d+) Result (\d+)\t(\d+)\t(\d+) \(1\.5% reduction in trend\)", table)
    base, interim, result, county_orig, county_ref = map(number, alcohol.groups())
    assert _value("alcohol-harm-admissions", "E10000012", "2006/07") == base
    assert _value("alcohol-harm-admissions", "E10000012", "2009/10") == result
    values = sorted(t.value for t in Target.objects.filter(framework=fw, indicator__slug="alcohol-harm-admissions"))
    assert values == sorted([interim, county_orig, county_ref])

    assault = re.search(r"(\d[\d,]*) 4\.6 Offences per 1000 pop Result ([\d.]+)", table)
    assert _value("assault-with-injury", "E10000012", "2009/10") == number(assault[2])


def test_safer_essex_2008_09_lists_every_indicator_it_agreed_to_monitor(essex_frameworks):
    fw = essex_frameworks["safer-essex-indicators-2008-09"]
    table = section("004", "Priority\tPerformance Indicator\tReference", "Action agreed\n\nThe recommendation")
    rows = [line.split("\t") for line in table.splitlines()[1:] if line.strip()]
    members = {m.title_in_plan: m for m in fw.memberships.select_related("theme")}
    priority = ""
    for cells in rows:
        priority = cells[0] or priority
        title, reference = cells[1], cells[2]
        assert title in members, title
        assert members[title].reference == reference, title
        assert members[title].theme.title == priority, title
    assert len(members) == len(rows)


def test_the_police_and_crime_plan_has_its_eight_areas_of_focus_and_named_measures(essex_frameworks):
    fw = essex_frameworks["essex-police-and-crime-plan-2013"]
    focus = section(
        "002", "Therefore the areas of focus are:", "Ensuring local solutions meet local problems\n\nThe varying"
    )
    areas = re.findall(r"- \*\*(.+?)\*\*", focus)
    assert len(areas) == 8
    outcome = fw.outcomes.get(code="A")
    assert [t.title for t in Theme.objects.filter(outcome=outcome).order_by("order")] == areas
    performance = normalise(section("002", "'All Crime' Measures", "Financial scrutiny")).lower()
    titles = [m.title_in_plan.lower() for m in fw.memberships.all()]
    for measure in (
        "crime reduction figures",
        "detection rates",
        "public confidence",
        "victim satisfaction",
        "response times",
        "the number of complaints",
    ):
        assert measure in performance
        assert any(measure in title for title in titles), measure


def test_the_childrens_plan_has_ten_priorities_and_every_indicator_of_its_draft_framework(essex_frameworks):
    fw = essex_frameworks["essex-cypf-plan-2013-16"]
    priorities = section(
        "003", "Children, Young People and Families Strategic Priorities 2013-2016", "Strategic influences"
    )
    assert fw.themes.count() == len(re.findall(r"^- ", priorities, flags=re.MULTILINE)) == 10
    appendix = section("003", "Draft Performance Framework", "Appendix 2:")
    titles = [normalise(m.title_in_plan) for m in fw.memberships.all()]
    cells = []
    for line in appendix.splitlines():
        if "\t" not in line or line.startswith("Priority") or line[:1] in "¹²³⁴⁵⁶⁷⁸⁹":
            continue
        for raw in line.split("\t")[1 if line.split("\t")[0] in ("Indicators", "") else 0 :]:
            cell = re.sub(r"(?<=[a-z])\d{1,2}$", "", normalise(raw))
            if len(cell) >= 15 and not set(cell) <= set("- "):
                cells.append(cell)
    assert len(cells) >= 90
    for cell in cells:
        assert any(cell in title for title in titles), cell


def test_one_indicator_is_shared_by_the_plans_that_list_it(essex_frameworks):
    shared = IndicatorMembership.objects.filter(indicator__slug="feel-safe-after-dark").values_list(
        "framework__slug", "code"
    )
    assert set(shared) == {
        ("ecc-safe-communities-2014-18", "2d"),
        ("safer-essex-csa-2010-11", "LI 7.2"),
        ("safer-essex-indicators-2008-09", "LI 7.2"),
    }


PEOPLE_IN_THE_SEEDS = [
    "Anna Hook",
    "Sarah Roberts",
    "Craig Elliott",
    "Jane Gardner",
    "Adam Thompson",
    "John Jowers",
    "Paul Bird",
    "Tim Coulson",
    "Ben Hughes",
    "Mike Gogarty",
    "Peter Massey",
    "Peter Massie",
    "James Bullion",
    "Chris Martin",
    "Sheila Norris",
    "Helen Taylor",
    "Barbara Herts",
    "Clare Burrell",
    "Denise Murray",
    "Jenni Crawley",
    "Justine Atterbury",
    "Clare Gebel",
    "Richard Puleston",
    "Alastair Gordon",
    "Sophia Looney",
    "Andrew Cook",
    "Paul Probert",
    "Helen Lincoln",
    "Nicky O'Shaughnessy",
    "Paul Secker",
    "Simon Hart",
    "Nick Presmeg",
    "Alex Bamber",
    "Sue Harrison",
    "Tanya Gillett",
    "Donia Slyzuk",
    "Sharon Spicer",
    "Pam Challis",
    "Nick Alston",
    "Dick Madden",
    "Paul Warren",
    "Tracey Chapman",
    "Clare Butler",
    "Samantha Grant",
]


COMMON_WORDS = {"Bird", "Martin", "Cook", "Hart", "Grant", "Gordon", "Lincoln", "Warren", "Butler", "Taylor"}


def test_no_personal_name_from_the_seeds_is_in_the_data():
    assert all(any(p in seed(s) for s in ("000", "001", "002", "003", "004")) for p in PEOPLE_IN_THE_SEEDS)
    for name, _spec in _files():
        text = ESSEX.joinpath(name).read_text(encoding="utf-8")
        for person in PEOPLE_IN_THE_SEEDS:
            assert person not in text, f"{name} names {person}"
            surname = person.split()[-1]
            if surname not in COMMON_WORDS:
                assert not re.search(rf"\b{re.escape(surname)}\b", text), f"{name} names {person}"


def test_every_framework_cites_its_seed_file(essex_frameworks):
    for fw in Framework.objects.all():
        assert re.match(r"^00[0-4]_[0-9a-f]{16}\.txt, ", fw.source), fw.slug
