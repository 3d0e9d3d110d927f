"""Reads for the assessment pages: the published priority matrices and priority lists, and the
reference data on seriousness and the cost of harm. The hot spot and repeat-location reads are in
``spatial``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from saferhub.accounts.models import Partnership
from saferhub.assessment.harm import UnitCostRef
from saferhub.assessment.models import (
    HarmIndex,
    ListedPriority,
    MatrixCell,
    MatrixRow,
    PriorityList,
    PriorityMatrix,
    UnitCostSet,
)
from saferhub.core.errors import NotFound
from saferhub.geography.models import CSP_AREA_TYPES

NO_REFERENCE_HELP = "Nothing loaded yet: run `saferhub assessment load-essex` (part of `make load-essex`)."


def matrix_partnerships() -> list[Partnership]:
    """Community safety partnerships with an area: each has a priority matrix page."""
    return list(
        Partnership.objects.filter(kind=Partnership.Kind.CSP, area__isnull=False)
        .select_related("area")
        .order_by("name")
    )


def published_matrices() -> list[PriorityMatrix]:
    return list(PriorityMatrix.objects.filter(kind=PriorityMatrix.Kind.PUBLISHED).order_by("title"))


def matrix_table(*, matrix: PriorityMatrix) -> dict[str, Any]:
    """The matrix as its source lays it out: themes across, rows down, every cell in its place (three
    queries, whatever its size). Each cell says in words whether the partnership holds the theme."""
    themes = list(matrix.themes.order_by("position"))
    rows = list(
        MatrixRow.objects.filter(matrix=matrix)
        .order_by("position")
        .select_related("partnership", "area")
        .prefetch_related(Prefetch("cells", queryset=MatrixCell.objects.select_related("theme")))
    )
    body: list[dict[str, Any]] = []
    for row in rows:
        by_theme = {c.theme_id: c for c in row.cells.all()}
        cells: list[dict[str, Any]] = []
        for theme in themes:
            cell = by_theme.get(theme.pk)
            marked = bool(cell and cell.marked)
            words = f"{theme.label}: a priority" if marked else f"{theme.label}: not a priority"
            if cell and cell.note:
                words += f" ({cell.note})"
            cells.append(
                {"marked": marked, "mark": cell.mark if cell else "", "words": words, "note": cell.note if cell else ""}
            )
        body.append({"row": row, "cells": cells, "count": sum(c["marked"] for c in cells)})
    theme_counts = [sum(r["cells"][i]["marked"] for r in body) for i in range(len(themes))]
    return {
        "matrix": matrix,
        "themes": themes,
        "rows": body,
        "theme_counts": theme_counts,
        "statements": [r for r in body if r["row"].priorities_text or r["row"].comments_text],
    }


def recomputed_for(*, matrix: PriorityMatrix) -> PriorityMatrix | None:
    """The matrix recomputed from the partnerships' confirmed priorities, laid beside a published one
    (none until partnerships confirm priorities from their own priority matrices)."""
    return PriorityMatrix.objects.filter(kind=PriorityMatrix.Kind.RECOMPUTED, compares_with=matrix).first()


def county_comparison(*, published: PriorityMatrix, recomputed: PriorityMatrix) -> dict[str, Any]:
    """Where partnerships share a confirmed priority (a theme two or more hold), and where a
    partnership's confirmed priority is not among the county plan's own (the published matrix's row
    of the county strategic partnership, e.g. Safer Essex, or a theme with no column in it)."""
    new = matrix_table(matrix=recomputed)
    old = matrix_table(matrix=published)
    labels = [t.label for t in new["themes"]]
    shared = []
    for i, label in enumerate(labels):
        holders = [r["row"].label for r in new["rows"] if r["cells"][i]["marked"]]
        if len(holders) >= 2:
            shared.append((label, holders))
    county_rows = [r for r in old["rows"] if r["row"].partnership and r["row"].partnership.kind == "county_strategic"]
    old_labels = [t.label for t in old["themes"]]
    county_marked = {old_labels[i] for r in county_rows for i, c in enumerate(r["cells"]) if c["marked"]}
    not_covered = [
        (r["row"].label, labels[i])
        for r in new["rows"]
        if r not in county_rows
        for i, c in enumerate(r["cells"])
        if c["marked"] and labels[i] not in county_marked
    ]
    return {
        "table": new,
        "shared": shared,
        "not_covered": not_covered,
        "county_row": county_rows[0]["row"].label if county_rows else "",
    }


def priority_lists() -> list[PriorityList]:
    return list(
        PriorityList.objects.order_by("title").prefetch_related(
            Prefetch("priorities", queryset=ListedPriority.objects.order_by("number").prefetch_related("indicators"))
        )
    )


def unit_cost_sets() -> list[UnitCostSet]:
    return list(UnitCostSet.objects.order_by("title").prefetch_related("costs"))


def unit_costs(*, slug: str) -> list[UnitCostRef]:
    """One set's unit costs with their source, for ``harm.cost_of_harm``."""
    cost_set = UnitCostSet.objects.filter(slug=slug).prefetch_related("costs").first()
    if cost_set is None:
        raise NotFound(f"there is no set of unit costs called {slug!r}. {NO_REFERENCE_HELP}")
    return [
        UnitCostRef(
            key=c.key,
            label=c.label,
            per=c.per,
            value=Decimal(c.value),
            set_title=cost_set.title,
            publisher=cost_set.publisher,
            price_year=cost_set.price_year,
            table=cost_set.table,
            url=cost_set.url,
            quoted_in=cost_set.quoted_in,
        )
        for c in cost_set.costs.all()
    ]


def harm_indices() -> list[HarmIndex]:
    return list(HarmIndex.objects.order_by("title"))


def document_partnerships() -> list[Partnership]:
    """Community safety partnerships with an area of their own: each has a strategic assessment."""
    return list(
        Partnership.objects.filter(area__area_type__in=CSP_AREA_TYPES, kind=Partnership.Kind.CSP)
        .select_related("area")
        .order_by("name")
    )
