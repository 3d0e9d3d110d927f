"""The built-in Essex governance data, checked against the seed documents themselves.

Seed 001 appendix 1 gives Safer Essex's terms of reference and membership; seed 003 appendix 4 the
children's partnership landscape; seed 004 the minutes of 1 July 2008.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from importlib import resources

import pytest
import yaml

from saferhub.accounts.models import Partnership
from saferhub.core.errors import ValidationProblem
from saferhub.delivery.models import Action
from saferhub.governance.essex import governance_essex_load
from saferhub.governance.models import (
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    ForwardPlanItem,
    Meeting,
    MonitoredIndicator,
    Seat,
    TermsOfReference,
)
from saferhub.governance.selectors import meeting_matters_arising, partnership_governance

pytestmark = pytest.mark.django_db

YAML_TEXT = resources.files("saferhub.governance").joinpath("data", "essex.yaml").read_text(encoding="utf-8")
SPEC = yaml.safe_load(YAML_TEXT)
TITLES = {"Cllr", "Superintendent", "Inspector"}


def _norm(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def _section(text: str, start: str, end: str | None) -> str:
    begin = text.index(start) + len(start)
    return text[begin : text.index(end, begin) if end else len(text)]


def _table_rows(block: str, *, first_cell: bool = True) -> list[list[str]]:
    """Tab-separated rows; with ``first_cell`` only rows whose first cell has something in it."""
    rows = [line.split("\t") for line in block.splitlines() if "\t" in line]
    return [r for r in rows if r[0].strip()] if first_cell else rows


def _item_blocks(minutes: str, items: list[AgendaItem]) -> list[tuple[AgendaItem, str]]:
    """Each item with the minutes' text under its heading, found by number and title in order."""
    starts = []
    for item in items:
        pattern = rf"^{re.escape(item.number)}\.+ {re.escape(item.title)}\s*$"
        match = re.compile(pattern, re.MULTILINE).search(minutes, starts[-1] + 1 if starts else 0)
        assert match, f"item {item.number}. {item.title} is not a heading in the minutes"
        starts.append(match.start())
    ends = [*starts[1:], len(minutes)]
    return [(item, minutes[a:b]) for item, a, b in zip(items, starts, ends, strict=True)]


def _meeting() -> Meeting:
    return Meeting.objects.get(partnership__slug="safer-essex", date=date(2008, 7, 1))


def _names(minutes: str) -> list[str]:
    """Personal names as the minutes' attendance lists give them: the first two words after any title."""
    names = []
    for block in (
        _section(minutes, "Organisation / Partnership\n", "Apologies Given"),
        _section(minutes, "Apologies Given:", "1. Declarations"),
    ):
        for first, *_ in _table_rows(block):
            words = [w.strip(",") for w in first.split() if w not in TITLES]
            if len(words) >= 2:
                names.append(f"{words[0]} {words[1]}")
    return names


def test_loading_twice_changes_nothing(essex_governance):
    counts = (Meeting.objects.count(), AgendaItem.objects.count(), Decision.objects.count(), Action.objects.count())
    summary = governance_essex_load()
    assert summary.total.created == 0 and summary.total.unchanged > 100
    assert not summary.changed
    assert counts == (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Decision.objects.count(),
        Action.objects.count(),
    )


def test_loading_again_keeps_the_secretariats_edits(essex_governance):
    from saferhub.governance.services import meetings, membership

    october = Meeting.objects.get(partnership__slug="safer-essex", date=date(2008, 10, 2))
    meetings.meeting_update(meeting=october, status=Meeting.Status.CANCELLED, note="Moved to November")
    seat = Seat.objects.filter(partnership__slug="safer-essex").first()
    membership.seat_update(seat=seat, nominated_person="", position="Vice-Chair")
    governance_essex_load()
    october.refresh_from_db()
    seat.refresh_from_db()
    assert (october.status, october.note, seat.position) == ("cancelled", "Moved to November", "Vice-Chair")


def test_the_organisations_and_partnerships_must_be_loaded_first(essex_geography):
    with pytest.raises(ValidationProblem, match="run `saferhub accounts load-essex` first"):
        governance_essex_load()
    assert Meeting.objects.count() == 0 and TermsOfReference.objects.count() == 0


def test_the_meeting_reads_as_the_minutes_do_item_by_item(essex_governance, seed_text):
    minutes = seed_text("004")
    flat = _norm(minutes)
    items = list(_meeting().items.order_by("order"))
    # The items, in the minutes' order and numbering (two items are numbered 12 in the minutes).
    assert len(_item_blocks(minutes, items)) == len(items) == 14
    # Every line of every item's minutes is the minutes' own words, except where a person was named.
    changed = []
    for item in items:
        for line in item.minutes.splitlines():
            words = _norm(re.sub(r"^\s*(?:-|\d+\.)\s+", "", line))
            if words and words not in flat:
                changed.append(item.number)
    # Item 4 named the presenter, item 5 a councillor, item 7 two officers, item 13 the Chair and an officer.
    assert changed == ["4", "5", "7", "13"]
    assert [i.number for i in items if i.kind == AgendaItem.Kind.DECLARATIONS] == ["1"]
    assert "There were no declarations." in minutes and items[0].minutes == "There were no declarations."
    assert Declaration.objects.count() == 0


def test_those_present_and_apologies_match_the_minutes_without_personal_names(essex_governance, seed_text):
    minutes = seed_text("004")
    present_rows = _table_rows(_section(minutes, "Organisation / Partnership\n", "Apologies Given"))
    apology_rows = _table_rows(_section(minutes, "Apologies Given:", "1. Declarations"))
    meeting = _meeting()
    assert meeting.attendance.filter(status=Attendance.Status.PRESENT).count() == len(present_rows) == 24
    assert meeting.attendance.filter(status=Attendance.Status.APOLOGIES).count() == len(apology_rows) == 11
    [spec] = [m for m in SPEC["meetings"] if m["date"] == date(2008, 7, 1)]
    assert [r["column"] for r in spec["present"]] == [cells[1].strip() for cells in present_rows]
    assert [r["column"] for r in spec["apologies"]] == [cells[1].strip() for cells in apology_rows]
    chair = meeting.attendance.get(is_chair=True)
    assert (chair.position, chair.organisation.slug) == ("Chief Executive", "rochford-council")
    assert "Chief Executive, Rochford District Council" in present_rows[0][0]
    # No name from the minutes is stored anywhere in the built-in data or the database.
    names = _names(minutes)
    assert len(names) == 35
    stored = YAML_TEXT + " ".join(
        list(Attendance.objects.values_list("position", flat=True))
        + list(AgendaItem.objects.values_list("minutes", flat=True))
        + list(Decision.objects.values_list("text", flat=True))
        + list(Action.objects.values_list("lead_role", flat=True))
    )
    assert [n for n in names if n in stored] == []
    assert not Attendance.objects.exclude(nominated_person="").exists()
    assert not Seat.objects.exclude(nominated_person="").exists()


def test_the_actions_agreed_are_tracked_with_owners_and_due_dates(essex_governance, seed_text):
    minutes = seed_text("004")
    meeting = _meeting()
    items = list(meeting.items.order_by("order"))
    # Items whose minutes have an "Action(s) agreed" block, and only those, have tracked actions.
    with_actions = [item.title for item in items if item.decisions.exists()]
    agreed = [item.title for item, block in _item_blocks(minutes, items) if re.search(r"Actions? [Aa]greed", block)]
    assert with_actions == agreed and len(agreed) == 8
    decisions = Decision.objects.filter(item__meeting=meeting).select_related("action", "action__plan")
    assert decisions.count() == 15 and all(d.action is not None for d in decisions)
    assert {d.action.plan.slug for d in decisions} == {"safer-essex-decisions"}
    for d in decisions:
        assert d.action.lead_role or d.action.lead_organisation, d.text
        assert d.action.due_date is not None and d.action.due_date >= meeting.date
        for part in d.text.split(" : "):
            assert _norm(part.removesuffix(" and")) in _norm(minutes), part
    # The owners the minutes name.
    cdne = decisions.get(text__startswith="CDNE to lead")
    assert cdne.action.lead_role == "Chair, Crime and Disorder Network Executive"
    leads = decisions.get(text__startswith="As part of the general progress by Target Leads")
    assert leads.action.lead_role == "Target Leads"
    # "...a progress report be presented to the next meeting": the first of the dates of future meetings.
    next_meeting = re.search(r"Dates of future meetings: (\d+)\w\w (\w+) (\d{4})", minutes)
    assert leads.action.due_date == datetime.strptime(" ".join(next_meeting.groups()), "%d %B %Y").date()
    # The funding agreed, and "All payments will be made on 1st October 2008".
    paid_on = datetime.strptime(
        " ".join(re.search(r"All payments will be made on (\d+)\w\w (\w+) (\d{4})", minutes).groups()), "%d %B %Y"
    ).date()
    for heading in ("Unpaid work", "Night-time Economy"):
        figure = re.search(rf"{heading} of £([\d,]+)", minutes).group(1)
        action = decisions.get(text__contains=heading).action
        assert action.resources_amount == Decimal(figure.replace(",", ""))
        assert action.due_date == paid_on
    # A decision that completes itself is tracked as complete; the rest are open.
    complete = decisions.filter(action__status=Action.Status.COMPLETE)
    assert [d.text for d in complete] == ["The Community Safety Agreement be agreed for 2008/09"]


def test_the_next_meetings_are_the_minutes_dates_and_the_first_lists_the_open_actions(essex_governance, seed_text):
    line = re.search(r"Dates of future meetings: (.+)$", seed_text("004"), re.MULTILINE).group(1)
    expected = []
    for part in line.split(", "):
        day, month, year, clock = re.match(r"(\d+)\w\w (\w+) (\d{4}) at ([\d.]+ ?[ap]m)", part).groups()
        hour, _, minute = clock.replace(" ", "")[:-2].partition(".")
        hour_24 = int(hour) % 12 + (12 if clock.endswith("pm") else 0)
        expected.append(
            (datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date(), time(hour_24, int(minute or 0)))
        )
    scheduled = Meeting.objects.filter(partnership__slug="safer-essex", status=Meeting.Status.SCHEDULED).order_by(
        "date"
    )
    assert [(m.date, m.start_time) for m in scheduled] == expected
    october = scheduled.first()
    assert [i.kind for i in october.items.order_by("order")] == [
        AgendaItem.Kind.DECLARATIONS,
        AgendaItem.Kind.PREVIOUS_MINUTES,
        AgendaItem.Kind.MATTERS_ARISING,
    ]
    assert meeting_matters_arising(october).count() == 14  # 15 actions agreed, one completed at the meeting
    # The forward plan note: "the Alcohol Strategy will be presented to the next meeting ... in October"
    alcohol = ForwardPlanItem.objects.get(title="Alcohol Strategy")
    assert alcohol.target_meeting == october and october.date.strftime("%B") == "October"


def test_the_terms_of_reference_and_membership_match_appendix_1(essex_governance, seed_text):
    csa = seed_text("001")
    appendix = csa[csa.index("APPENDIX 1:") :]
    terms = TermsOfReference.objects.get(partnership__slug="safer-essex")
    minimum = re.search(r"There will be a minimum of (\d+) meetings per year", appendix).group(1)
    assert terms.minimum_meetings_per_year == int(minimum)
    purposes = re.findall(
        r"^\d+\. To ", _section(appendix, "Purpose and Key Activities", "Arrangements Chairing"), re.M
    )
    assert len([line for line in terms.purpose.splitlines() if line.startswith("- ")]) == len(purposes) == 7
    assert terms.declarations_standing_item and terms.quorum is None
    assert terms.secretariat.slug == "essex-county-council" and "CDRU" in appendix
    assert terms.review_by == date(2010, 10, 31)
    assert "CSA3/18\tReview Terms of Reference for Safer Essex\tMulti-agency\tOctober 2010" in csa
    # Appendix A, row by row.
    rows = [
        re.sub(r"</?i>", "", line).rstrip("\t")
        for line in _section(appendix, "Organisation\tPosition\n", None).splitlines()
        if line.strip() and not line.startswith("<i>Other")
    ]
    seats = SPEC["terms_of_reference"][0]["seats"]
    written = [s["as_written"] for s in seats]
    assert len(rows) == len(written) == Seat.objects.filter(partnership__slug="safer-essex").count() == 44
    for row, seat in zip(rows, seats, strict=True):
        if seat.get("name_removed"):  # the row gives a person's name as the position
            assert row.split("\t")[0] == seat["as_written"]
        else:
            assert row == seat["as_written"]
    statutory = Seat.objects.filter(partnership__slug="safer-essex", required_by_legislation=True)
    assert statutory.count() == 22
    district_chairs = statutory.filter(represents__kind=Partnership.Kind.CSP, represents__area__code__startswith="E07")
    assert district_chairs.count() == 12


def test_the_indicators_it_agreed_to_monitor_match_the_minutes_table(essex_governance, seed_text):
    table = _section(seed_text("004"), "Priority\tPerformance Indicator\tReference\n", "Action agreed")
    rows = [cells for cells in _table_rows(table, first_cell=False) if len(cells) == 3]
    monitored = list(MonitoredIndicator.objects.filter(partnership__slug="safer-essex").order_by("order"))
    assert [(m.title, m.reference) for m in monitored] == [(c[1].strip(), c[2].strip()) for c in rows]
    priority = ""
    for m, cells in zip(monitored, rows, strict=True):
        priority = cells[0].strip() or priority
        assert m.priority == priority
    assert [m.national_indicator_ref for m in monitored if m.national_indicator_ref][:3] == ["NI 18", "NI 19", "NI 15"]
    assert all(m.agreed_at.number == "12" and m.agreed_at.title == "Performance Indicators" for m in monitored)


def test_the_indicators_link_to_the_framework_when_it_has_them(essex_partnerships):
    from saferhub.framework.models import Indicator

    Indicator.objects.create(
        slug="perceptions-of-asb", title="Perceptions of anti-social behaviour", national_indicator_ref="NI 17"
    )
    summary = governance_essex_load()
    assert "monitored indicators linked to the framework: 1" in summary.notes
    assert MonitoredIndicator.objects.get(title="Perception of ASB").indicator.slug == "perceptions-of-asb"
    assert "Serious violent crime (NI 15)" in summary.not_linked and len(summary.not_linked) == 20


def test_with_the_essex_framework_loaded_every_monitored_indicator_is_linked(essex_partnerships):
    from saferhub.framework.services import framework_essex_load

    framework_essex_load()
    summary = governance_essex_load()
    monitored = MonitoredIndicator.objects.filter(partnership__slug="safer-essex").select_related("indicator")
    assert f"monitored indicators linked to the framework: {monitored.count()}" in summary.notes
    assert all(m.indicator is not None for m in monitored)
    # National references link to the indicator with that reference; the rest by the minutes' wording.
    for m in monitored:
        if m.national_indicator_ref:
            assert m.indicator.national_indicator_ref.replace(" ", "") == m.national_indicator_ref.replace(" ", "")
    care_leavers = monitored.get(title="Care leavers misusing drugs/alcohol").indicator
    assert care_leavers.memberships.filter(
        framework__owner__slug="safer-essex", title_in_plan="Care leavers misusing drugs/alcohol"
    ).exists()


def test_the_partnership_landscape_follows_the_seeds(essex_governance, seed_text):
    plan = seed_text("003")
    children = Partnership.objects.get(slug="essex-childrens-partnership-board")
    assert children.accountable_to.slug == "essex-health-wellbeing-board"
    assert "reports into the Essex Health and Wellbeing Board" in plan
    assert "section 10 of the Children Act 2004" in plan and "section 10" in children.statutory_basis
    assert Partnership.objects.get(slug="essex-health-wellbeing-board").statutory_basis in plan
    escb = Partnership.objects.get(slug="essex-safeguarding-children-board")
    assert escb.governance_profile.membership_note.lower() in plan.lower()
    assert Partnership.objects.get(slug="essex-drug-alcohol-partnership").accountable_to.slug == "safer-essex"
    assert Partnership.objects.get(slug="epf-performance-sub-group").accountable_to.accountable_to.slug == (
        "essex-partnership-forum"
    )


def test_safer_essex_met_its_minimum_in_2008_09_and_its_flags_are_true(essex_governance):
    governance = partnership_governance(Partnership.objects.get(slug="safer-essex"), today=date(2008, 7, 2))
    assert [(y.label, y.count) for y in governance.years] == [("2008/09", 4)]
    # Read from the minutes by hand: Braintree and Uttlesford CDRPs, the Police Authority and North
    # Essex PCT are not in them; Rochford CDRP and South East Essex PCT sent apologies.
    assert [f.text for f in governance.flags] == [
        "6 of the members required by legislation have not been represented at any held meeting: "
        "Braintree Community Safety Partnership, Essex Police Authority, North Essex Primary Care Trust, "
        "Rochford Community Safety Partnership, South East Essex Primary Care Trust, "
        "Uttlesford Community Safety Partnership."
    ]
