"""The strategic assessment document of a community safety partnership for a year: what its HTML
page and its PDF show, from the same template (``assessment/_document.html``).

Sections, in order (``SECTIONS``): summary, trends of the main crime types, hot spots, deprivation
and inequality, repeat locations, cost of harm, the priority matrix, next steps. Each section's
figures come from the part that already computes them, read as the reader may read them (the
public with small numbers suppressed: the hot spot, deprivation and repeat-location rules; the
crime table's suppression), so nothing here decides disclosure afresh. The partnership's narrative
sections (``NarrativeSection``) sit in their places: drafts for its members, published ones for all.

**The priority matrix.** ``priority_matrix_section`` gives the partnership's matrix for the year
(``assessment/matrix_services.py``): to members every theme's score and criteria, proposed or
confirmed; to everyone else only the confirmed priorities and the reason. With no records for the
year (members) or no confirmed priorities (others) the document says "The priority matrix for this
year has not been set".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from saferhub.accounts.access import access_has_role
from saferhub.accounts.models import Partnership, Role
from saferhub.assessment import gradient, spatial
from saferhub.assessment.forms import Query
from saferhub.assessment.harm import cost_of_harm
from saferhub.assessment.matrix_services import decisions, partnership_matrix, theme_labels
from saferhub.assessment.models import NarrativeSection, UnitCostSet
from saferhub.assessment.records import Selection, street_months
from saferhub.assessment.selectors import unit_costs
from saferhub.core import disclosure
from saferhub.core.errors import SaferhubError
from saferhub.geography.models import Area
from saferhub.geography.selectors import csp_areas_in
from saferhub.incidents.configured import record_store
from saferhub.performance.pages.crime_table import crime_by_type_and_month

#: (anchor, heading) in order; the contents list and the PDF's page numbers use these.
SECTIONS = (
    ("summary", "Summary"),
    ("trends", "Trends in the main crime types"),
    ("hotspots", "Hot and cold spots"),
    ("deprivation", "Deprivation and inequality"),
    ("repeat-locations", "Repeat locations"),
    ("cost-of-harm", "Cost of harm"),
    ("priorities", "Priority matrix"),
    ("next-steps", "Next steps"),
)
#: Where each narrative section is printed: the document section it follows.
NARRATIVE_PLACE = {
    NarrativeSection.Key.INTRODUCTION: "summary",
    NarrativeSection.Key.SUMMARY: "summary",
    NarrativeSection.Key.TRENDS: "trends",
    NarrativeSection.Key.PLACES: "repeat-locations",
    NarrativeSection.Key.INEQUALITY: "deprivation",
    NarrativeSection.Key.PRIORITIES: "priorities",
    NarrativeSection.Key.NEXT_STEPS: "next-steps",
}
EDIT_ROLE = Role.ANALYST
NO_MATRIX = "The priority matrix for this year has not been set."
CASUALTY_KEYS = {"fatal": "fatal-casualty", "serious": "serious-casualty", "slight": "slight-casualty"}


def own_partnership(area: Area) -> Partnership | None:
    """The community safety partnership whose area this is (the document's author), if any."""
    return Partnership.objects.filter(area=area).order_by("kind", "name").first()


def can_edit(user: Any, partnership: Partnership | None) -> bool:
    return partnership is not None and access_has_role(user, partnership, EDIT_ROLE)


def narratives(*, partnership: Partnership | None, year: int, user: Any) -> dict[str, NarrativeSection]:
    """The partnership's narrative sections for the year that the user may read, by key: members
    (any role) read drafts, everyone else only published sections."""
    if partnership is None:
        return {}
    rows = NarrativeSection.objects.filter(partnership=partnership, year=year).select_related("updated_by")
    if not access_has_role(user, partnership, Role.VIEWER):
        rows = rows.filter(publication="published")
    return {n.key: n for n in rows}


def priority_matrix_section(
    *, partnership: Partnership | None, area: Area, year: int, user: Any
) -> dict[str, Any] | None:
    """The partnership's priority matrix for the year, for the document; None when none is set.

    Members (any role) read it as the matrix page shows it: every theme's score, the criteria behind
    it, and whether it is proposed or confirmed. Everyone else reads only the priorities the
    partnership confirmed, with its reason: a decision, not a figure, so nothing small is given away
    (the theme scores rest on counts by crime type in one district)."""
    if partnership is None:
        return None
    if not access_has_role(user, partnership, Role.VIEWER):
        history = decisions(partnership=partnership, year=year)
        if not history:
            return None
        latest = history[0]
        return {
            "confirmed": True,
            "public": True,
            "reason": latest.reason,
            "rows": [
                {"theme": label, "score": "", "reason": "", "priority": "Confirmed"}
                for label in theme_labels(latest.priorities)
            ],
        }
    matrix = partnership_matrix(store=record_store(), area=area, year=year, partnership=partnership)
    if not matrix.results:
        return None
    chosen = set(matrix.decision.priorities if matrix.decision else matrix.proposed)
    word = "Confirmed" if matrix.decision else "Proposed"
    return {
        "confirmed": matrix.decision is not None,
        "public": False,
        "reason": matrix.decision.reason if matrix.decision else "",
        "rows": [
            {
                "theme": r.theme.label,
                "score": r.total_text,
                "reason": "; ".join(f"{c.label}: {c.text}" for c in r.scores),
                "priority": word if r.theme.key in chosen else "",
            }
            for r in matrix.results
        ],
    }


@dataclass
class Document:
    area: Area
    year: int
    partnership: Partnership | None
    public: bool
    months: list[str]
    sections: tuple[tuple[str, str], ...] = SECTIONS
    parts: dict[str, Any] = field(default_factory=dict)
    narrative: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    can_edit: bool = False
    matrix: dict[str, Any] | None = None
    no_matrix: str = NO_MATRIX

    @property
    def next_steps_written(self) -> bool:
        return any(i["section"] is not None and i["section"].text for i in self.narrative.get("next-steps", []))

    @property
    def title(self) -> str:
        return f"Strategic assessment {self.year}: {self.area.name}"


def _query(area: Area, months: list[str]) -> Query:
    return Query(
        area=area.code,
        selection=Selection("all"),
        start=months[0] if months else "",
        end=months[-1] if months else "",
        months=tuple(months),
    )


def _costs(*, area: Area, months: list[str], public: bool) -> dict[str, Any]:
    """Road casualties of the year by severity priced at the newest published per-casualty values."""
    sets = [
        s
        for s in UnitCostSet.objects.prefetch_related("costs")
        if {c.key for c in s.costs.all()} >= set(CASUALTY_KEYS.values())
    ]
    if not sets:
        return {"missing": "No published unit costs with fatal, serious and slight casualties are loaded."}
    chosen = max(sets, key=lambda s: (s.price_year, s.slug))
    store = record_store()
    try:
        rows = store.grouped_counts(
            by=["severity"],
            sources=["stats19"],
            datasets=["casualty"],
            kinds=["casualty"],
            months=months,
            where={"district_code": [d.code for d in csp_areas_in(area=area)]},
        )
    except SaferhubError:
        rows = []
    counts = {CASUALTY_KEYS[str(s)]: int(n) for s, n in rows if str(s) in CASUALTY_KEYS}
    if not counts:
        return {
            "missing": f"There are no STATS19 road casualty records for {area.name} in these months "
            "in the record store."
        }
    if public and any(disclosure.is_small(n) for n in counts.values()):
        return {
            "members_only": "The cost of road casualties is shown to members of the partnership only this year: a "
            "count of fewer than 5 casualties of one severity could be worked out from it."
        }
    result = cost_of_harm(counts=counts, costs=unit_costs(slug=chosen.slug))
    return {"result": result, "set": chosen}


def document_build(*, area: Area, year: int, user: Any, public: bool) -> Document:
    """Everything the document shows for one partnership area and year, read as ``user`` may read it
    (``public``: small numbers suppressed, as the hub's pages)."""
    partnership = own_partnership(area)
    store = record_store()
    try:
        months = sorted(m for m in street_months(store) if m.startswith(f"{year}-"))
    except SaferhubError:
        months = []
    doc = Document(area=area, year=year, partnership=partnership, public=public, months=months)
    doc.can_edit = can_edit(user, partnership)
    doc.matrix = priority_matrix_section(partnership=partnership, area=area, year=year, user=user)
    found = narratives(partnership=partnership, year=year, user=user)
    for key, label in NarrativeSection.Key.choices:
        section = found.get(key)
        if section is None and not doc.can_edit:
            continue
        doc.narrative.setdefault(NARRATIVE_PLACE[NarrativeSection.Key(key)], []).append(
            {"key": key, "label": label, "section": section}
        )
    if not months:
        doc.parts["missing"] = f"There are no police.uk records for {year} in the record store."
        return doc
    query = _query(area, months)
    doc.parts["crime"] = crime_by_type_and_month(area=area, public=public)
    doc.parts["hotspots"] = spatial.hotspot_context(query=query, area=area, public=public)
    doc.parts["deprivation"] = gradient.deprivation_context(query=query, area=area, public=public)
    doc.parts["repeat"] = spatial.repeat_context(
        query=Query(**{**query.__dict__, "limit": 10}), area=area, public=public
    )
    doc.parts["costs"] = _costs(area=area, months=months, public=public)
    return doc
