"""Small-number suppression for what the public sees (METHODS.md, "Publication and completeness").

Counts of 1 to 4 are never shown to someone outside the partnership that owns them, nor any figure
made from one: a rate or percentage whose numerator is 1 to 4, and its interval (primary
suppression). Zero is shown (an absence is not a disclosure about a person).

Figures are related: a county's count is the sum of its districts', a month's total the sum of its
types, a rate rests on a count. ``protect`` decides, for a set of related figures, which to hide so
that no hidden small count can be worked out from everything shown beside it: a hidden figure is
worked out exactly when its unit vector lies in the row space of the published relations restricted
to the hidden figures, so ``protect`` solves that (exact elimination in whole numbers over the block
of hidden figures linked to it through relations, ``core/determination.py``; not a pairwise rule)
and hides more figures (secondary suppression, the smallest first) until no small count is exposed,
for the public and for each group of insiders who see some of the figures whole (the members of a
district's partnership see that district's). Because zeros are shown, a reader knows each hidden
figure is at least 1; two hidden 1s that sum to a shown 2 would give each other away, so a hidden
small count is also checked against those bounds (a linear programme for its feasible interval,
``core/bounds.py``, skipped only where one direction that keeps every relation and bound already
moves it by 0.51; a total that holds more than its parts, as a force's does, has its remainder as one
more unknown there).

Statistics made from a series (means, limits, forecasts, totals) are only published when every
figure they are made from is published (``public_detail``).

Pure Python and SciPy (no Django): the pages, exports and the refresh call it with plain figures.
"""

from __future__ import annotations

import bisect
import copy
import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from saferhub.core.determination import (
    Block,
    Blocks,
    determined,  # noqa: F401 (callers ask disclosure.determined)
)

SMALL_MIN = 1
SMALL_MAX = 4
#: What a page shows in place of a suppressed count.
SMALL_TEXT = "fewer than 5"
#: What a page shows in place of a figure made from a suppressed count.
SUPPRESSED_TEXT = "suppressed"
EXPLANATION = (
    "Counts of 1 to 4, and figures made from them, are not shown outside the partnership "
    "(and, where a total would give one away, the next smallest figure is hidden too)."
)
#: Why a series' statistics are not shown to a reader who may not see every value in it.
STATISTICS_WITHHELD = (
    "The mean, limits and forecast are not shown because they are made from values that are not shown "
    "(small numbers), and would give them away."
)
MASKED_FIELDS = ("value", "lower_95", "upper_95", "lower_998", "upper_998", "numerator")

#: Blocks kept for each figure found free to move in them (``_still_wide``): one for each of the
#: readers who ask about it most recently, since each reader's block of a figure is different.
WIDE_KEPT = 16
#: Points kept for each small count they move (``_witnessed``): this many that move the fewest figures
#: (a bound check's solution can move hundreds; a way found on a block's form, a few), and this many
#: found last.
WITNESSES_KEPT = 4

Key = Hashable
#: A relation between figures: Σ coefficient × figure = 0 (a total is +1, each of its parts −1).
Relation = Sequence[tuple[Key, int]]
#: Unknown figures' blocks (``Blocks.split``): each figure's linked hidden figures and their relations.
Found = Mapping[Key, Block]


def is_small(n: float | None) -> bool:
    """True for a count of 1 to 4 (a fractional count, as pooled data can give, counts from above 0 to below 5)."""
    return n is not None and 0 < n < SMALL_MAX + 1


def point_discloses(point: Mapping[str, Any], *, count: bool) -> bool:
    """Whether a value (a mapping with ``value`` and perhaps ``numerator``) rests on a small count."""
    if is_small(point.get("numerator")):
        return True
    return count and is_small(point.get("value"))


def mask_point(point: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``point`` with its value, limits and numerator removed and ``suppressed`` set."""
    out = dict(point)
    for name in MASKED_FIELDS:
        if name in out:
            out[name] = None
    out["suppressed"] = True
    return out


# --- which figures to hide -----------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """The figures to hide: ``primary`` (small counts) and ``secondary`` (hidden so that no small count
    can be worked out); ``exposed`` lists any small count that nothing could protect (then every
    figure related to it is hidden too, so it is still not shown)."""

    primary: frozenset[Key]
    secondary: frozenset[Key]
    exposed: frozenset[Key] = frozenset()

    @property
    def hidden(self) -> frozenset[Key]:
        return self.primary | self.secondary


@dataclass(frozen=True)
class Insider:
    """Readers who see some figures whole: ``knows`` (a district partnership's own figures) and
    ``shares`` (totals their own figures are part of, such as the county's: what those give away is
    their own contribution and the public figures beside it, so they are not protected from them)."""

    knows: frozenset[Key]
    shares: frozenset[Key] = frozenset()


@dataclass
class _State:
    relations: list[Relation]
    values: Mapping[Key, float | None]
    primary: set[Key]
    hidden: set[Key]
    missing: set[Key]
    by_key: dict[Key, list[int]] = field(default_factory=dict)
    blocks: Blocks | None = None
    pins: dict[tuple[Key, frozenset[Key]], bool] = field(default_factory=dict)
    hides: list[Key] = field(default_factory=list)  # figures hidden for good, in turn (_lone_lines)
    lines_from: dict[frozenset[Key], int] = field(default_factory=dict)  # _lone_lines: how many seen
    wide: dict[Key, list[frozenset[Key]]] = field(default_factory=dict)  # _still_wide
    # _witnessed: points kept for each small count, as the figures they move and whether they are exact
    witnesses: dict[Key, list[tuple[frozenset[Key], bool]]] = field(default_factory=dict)
    latest: dict[Key, list[tuple[frozenset[Key], bool]]] = field(default_factory=dict)
    on_trial: list[tuple[dict[Key, float], bool]] = field(default_factory=list)  # points found with a figure on trial
    names: dict[Key, str] = field(default_factory=dict)

    def name(self, key: Key) -> str:
        """``repr(key)``, which orders ties, made once per figure."""
        text = self.names.get(key)
        if text is None:
            text = self.names[key] = repr(key)
        return text

    @property
    def solver(self) -> Blocks:
        if self.blocks is None:
            self.blocks = Blocks(self.relations, self.by_key)
        return self.blocks


def _pinned(
    state: _State,
    unknown: set[Key],
    small: Iterable[Key],
    known: frozenset[Key],
    blocks: Found | None = None,
    *,
    trial: bool = False,
) -> set[Key]:
    """Small counts that the bounds (each hidden figure at least 1) pin to one value. Only worth a
    linear programme where another unknown figure of 1 shares a relation: otherwise every hidden
    figure can move. ``known``: what this reader sees (``unknown`` is what it does not); ``blocks``: the
    unknown figures' blocks, when the caller has them. ``trial``: a
    figure is hidden for now only, so the points found are set aside until it is kept (``_witnessed``)."""
    ones = {k for k in unknown if state.values.get(k) == 1}
    out = set()
    for k in small:
        near = {j for i in state.by_key.get(k, []) for j, _ in state.relations[i]} & ones
        if not (near - {k}):
            continue
        # Decided on k's block alone (figures outside it are free of it), remembered for that block.
        cells, rels = blocks[k] if blocks is not None and k in blocks else state.solver.block(unknown, k)
        pinned = state.pins.get((k, cells))
        if pinned is None and (_still_wide(state, k, cells) or _witnessed(state, k, known, exact=False)):
            pinned = False
        if pinned is None:
            if state.solver.moves(cells, rels, k, state.values):  # wide enough, shown without a programme
                pinned = False
            else:
                pinned = state.solver.pinned(cells, rels, k, state.values)
            state.pins[(k, cells)] = pinned
            found = state.solver.witnesses()
            if trial:  # kept only if the figure on trial stays hidden (``_protect_exactly``)
                state.on_trial += found
            else:
                _file_witnesses(state, found)
            if not pinned:  # each reader sees its own blocks: keep a few, the oldest going first
                parts = state.wide.setdefault(k, [])
                parts.append(cells)
                del parts[:-WIDE_KEPT]
        if pinned:
            out.add(k)
    return out


def _still_wide(state: _State, key: Key, cells: frozenset[Key]) -> bool:
    """Whether ``key`` was found free to move over 0.5 with a part of this block hidden, and each figure
    hidden since is at least 1 (or published nowhere): then it still is, since hiding more only widens
    an interval (the earlier programme's points, with the newly hidden figures at their true values,
    are points of this one)."""
    for part in state.wide.get(key, ()):
        if part <= cells and all((v := state.values.get(j)) is None or v >= 1 for j in cells - part):
            return True
    return False


def _witnessed(state: _State, key: Key, known: frozenset[Key], *, exact: bool) -> bool:
    """Whether a point found for some reader (``Blocks.witnesses``) moves ``key`` by 0.51 or more and
    moves none of the figures this reader sees. Its figures were hidden when it was found, and still
    are (hiding only grows, and points found while a figure is hidden on trial are not kept), so it is
    a point of this reader's programme too: with the true figures it shows that ``key`` is not
    narrowed to less than 0.5 by the bounds. ``exact``: only points that meet every relation as if
    exact, which also show that ``key`` is not worked out by exact elimination (a point that moves a
    force's unplaced remainder does not: exact elimination takes "force = the sum of its districts"
    as exact). With a partnership for every district, most readers' checks of most figures are
    answered so, without an elimination or a programme of their own."""
    return any(
        moved.isdisjoint(known) and (whole or not exact)
        for kept in (state.witnesses.get(key, ()), state.latest.get(key, ()))
        for moved, whole in kept
    )


def _seek_witnesses(state: _State, keys: Iterable[Key], blocks: Found) -> None:
    """For the public's small counts, when none is at risk: a way each moves by 0.51 from the true
    figures (``Blocks.moves``, on the public's forms, found already), kept as a point for the
    partnerships. A count with no other unknown 1 beside it gets no bound check, so no point would be
    found for it otherwise, and each partnership would eliminate its own block to find it not worked
    out."""
    for key in sorted(keys, key=state.name):
        if key in blocks and not any(whole for _, whole in state.witnesses.get(key, ())):
            cells, rels = blocks[key]
            state.solver.moves(cells, rels, key, state.values)
    _file_witnesses(state, state.solver.witnesses())


def _file_witnesses(state: _State, points: list[tuple[dict[Key, float], bool]]) -> None:
    """File points found under each small count they move by 0.51 or more (by the figures they move,
    and whether they meet every relation as if exact)."""
    for point, whole in points:
        entry = (frozenset(point), whole)
        for key, value in point.items():
            true = state.values.get(key)
            if key in state.primary and true is not None and abs(value - true) >= 0.51:
                fewest = state.witnesses.setdefault(key, [])  # the likeliest to avoid a reader's own
                latest = state.latest.setdefault(key, [])  # found with more hidden, so the freest
                if entry in fewest or entry in latest:
                    continue
                bisect.insort(fewest, entry, key=lambda e: (not e[1], len(e[0])))  # exact ones first
                latest.append(entry)
                del fewest[WITNESSES_KEPT:], latest[:-WITNESSES_KEPT]


def _candidates(state: _State, key: Key, known: frozenset[Key], *, slack: bool) -> list[Key]:
    """Shown positive figures that could be hidden to protect ``key``, smallest first: those in a
    relation with it, else one or two relations further on through hidden figures. When bounds
    pinned it, only figures of at least 2 (they add slack)."""
    frontier = {key}
    visited_rel: set[int] = set()
    for _ in range(3):
        options = []
        rels = {i for k in frontier for i in state.by_key.get(k, [])} - visited_rel
        for i in sorted(rels):
            for k, _ in state.relations[i]:
                v = state.values.get(k)
                if k in state.hidden or k in state.missing or k in known or v is None or v <= 0:
                    continue
                if slack and v < 2:
                    continue
                options.append((v, state.name(k), k))
        if options:
            return [k for _, _, k in sorted(set(options))]
        visited_rel |= rels
        frontier = {k for i in rels for k, _ in state.relations[i] if k in state.hidden or k in state.missing}
    return []


def _lone_lines(state: _State, known: frozenset[Key]) -> bool:
    """The classic rule, cheap and usually enough: a relation in which exactly one figure is unknown
    to this reader gives it away, so its smallest shown positive figure is hidden too. One pass over
    the relations in order; returns whether anything was hidden.

    Only relations holding a figure hidden since this reader's last pass began can act (any other
    was looked at then and had nothing to hide, and hiding more only takes choices away), so only
    those are visited, in the same order, with those a figure hidden during the pass reaches
    further on visited in it too: the same pass as over every relation."""
    last = state.lines_from.get(known)
    state.lines_from[known] = len(state.hides)
    if last is None:
        queue = list(range(len(state.relations)))
    else:
        queue = sorted({i for k in state.hides[last:] for i in state.by_key.get(k, ())})
    heapq.heapify(queue)
    queued = set(queue)
    changed = False
    while queue:
        index = heapq.heappop(queue)
        relation = state.relations[index]
        unknown = [k for k, c in relation if c and (k in state.hidden or k in state.missing) and k not in known]
        if len(unknown) != 1 or unknown[0] in state.missing:
            continue
        options = [
            (v, repr(k), k)
            for k, c in relation
            if c
            and k not in state.hidden
            and k not in known
            and k not in state.missing
            and (v := state.values.get(k)) is not None
            and v > 0
        ]
        if options:
            chosen = min(options)[2]
            _hide(state, chosen)
            changed = True
            for later in state.by_key.get(chosen, ()):
                if later > index and later not in queued:
                    queued.add(later)
                    heapq.heappush(queue, later)
    return changed


def _hide(state: _State, key: Key) -> None:
    """Hide ``key`` for good (not on trial)."""
    state.hidden.add(key)
    state.hides.append(key)


def _protect_exactly(state: _State, key: Key, known: frozenset[Key], *, slack: bool, blocks: Found) -> bool:
    """Hide one more figure for ``key``: the smallest candidate that leaves it undetermined (and, when
    bounds pinned it, unpinned) for this reader, else the smallest candidate. False when none is left.
    ``blocks``: the blocks of what this reader does not see now."""
    options = _candidates(state, key, known, slack=slack)
    if not options:
        return False
    before = (state.hidden | state.missing) - known
    # Worked out now (at risk): one elimination, then each candidate is a few products. Pinned only:
    # not worked out, and hiding more never works a figure out, so no candidate needs the check.
    certificate = None if slack else state.solver.certificate(before, key, blocks.get(key))
    for choice in options[:12]:
        unknown = before | {choice}
        if not slack:
            stays = None if certificate is None else state.solver.stays_determined(certificate, before, choice)
            if stays is None:
                stays = key in state.solver.determined(unknown, [key])
            if stays:
                continue
        state.hidden.add(choice)
        if slack:
            still = key in _pinned(state, unknown, [key], known, trial=True)
            found, state.on_trial = state.on_trial, []
            if still:
                state.hidden.discard(choice)
                continue
            _file_witnesses(state, found)
        state.hides.append(choice)  # kept
        if certificate is not None:  # the block with ``choice`` hidden, grown rather than eliminated
            state.solver.extend(certificate, before, choice)
        return True
    _hide(state, options[0])
    if certificate is not None:
        state.solver.extend(certificate, before, options[0])
    return True


def protect(
    values: Mapping[Any, float | None],
    relations: Sequence[Relation],
    *,
    insiders: Iterable[Insider | frozenset[Key]] = (),
    small: Callable[[float | None], bool] = is_small,
    also_protect: Iterable[Key] = (),
) -> Decision:
    """Which of these related figures to hide from the public. ``values`` maps each figure to its count
    (None: not published anywhere, unknown to every reader); ``relations`` say how they add up;
    ``insiders`` are the sets of figures some readers see whole (a district partnership's own), which
    must not help them work out anyone else's small counts either; ``also_protect`` are figures hidden
    elsewhere (a total another table hides) that must stay hidden here too. Every relation's figures
    must be keys of ``values``."""
    state = _State(
        relations=[list(r) for r in relations],
        values=values,
        primary={k for k, v in values.items() if small(v)} | set(also_protect),
        hidden=set(),
        missing={k for k, v in values.items() if v is None},
    )
    for i, relation in enumerate(state.relations):
        for k, _ in relation:
            state.by_key.setdefault(k, []).append(i)
    state.hidden = set(state.primary)
    # In the order given (repeats dropped): the order readers are served in decides which figure is
    # hidden for whom, so it must not hang on the process's hash seed.
    readers = dict.fromkeys(i if isinstance(i, Insider) else Insider(knows=i) for i in insiders)
    viewers = [Insider(knows=frozenset()), *readers]
    exposed: set[Key] = set()
    # Readers before ``start`` had nothing at risk at the last step, and hiding more never works a
    # figure out nor narrows an interval, so each step asks again from the reader it hid a figure for,
    # not from the first (with a partnership for every district, that was every reader at every step).
    # A last pass asks every reader once more before the decision is final.
    start = 0
    for _ in range(2 * len(values) + 4):  # each step hides a figure, or is a last pass, or ends
        lines_changed = True
        while lines_changed:
            lines_changed = False
            for viewer in viewers:
                lines_changed |= _lone_lines(state, viewer.knows)
        changed = False
        for index in range(start, len(viewers)):
            viewer = viewers[index]
            known = viewer.knows
            unknown = (state.hidden | state.missing) - known
            mine = (state.primary - known - viewer.shares) - exposed
            mine = {k for k in mine if not _witnessed(state, k, known, exact=True)}  # neither worked out nor pinned
            blocks = state.solver.split(unknown, mine, reader=known)
            at_risk = state.solver.determined(unknown, mine, blocks)
            pinned = set() if at_risk else _pinned(state, unknown, mine, known, blocks)
            if not known and len(viewers) > 1 and not (at_risk or pinned):
                _seek_witnesses(state, mine, blocks)
            for key in sorted(at_risk | pinned, key=repr):
                if _protect_exactly(state, key, known, slack=key in pinned, blocks=blocks):
                    changed = True
                    break
                exposed.add(key)
            if changed:
                start = index
                break
        if not changed:
            if start == 0:
                break
            start = 0
    for key in exposed:  # nothing could protect it: hide everything it is related to
        for i in state.by_key.get(key, []):
            state.hidden |= {k for k, _ in state.relations[i] if k not in state.missing}
    secondary = state.hidden - state.primary
    # A secondary figure the public can work out anyway hides nothing: show it.
    needless = state.solver.determined(state.hidden | state.missing, secondary)
    return Decision(
        primary=frozenset(state.primary),
        secondary=frozenset(secondary - needless),
        exposed=frozenset(exposed),
    )


# --- tables --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedTable:
    """Which cells, row totals and column totals of a table may not be shown."""

    cells: list[list[bool]]
    row_totals: list[bool]
    column_totals: list[bool]

    @property
    def any(self) -> bool:
        return any(any(r) for r in self.cells) or any(self.row_totals) or any(self.column_totals)


def table_relations(n_rows: int, n_cols: int, *, row_totals: bool = True, column_totals: bool = True) -> list[Relation]:
    """The relations of a table whose cells are ``("cell", i, j)``: each shown row total
    ``("row", i)`` and column total ``("column", j)`` is the sum of its line."""
    relations: list[Relation] = []
    if row_totals:
        relations += [[(("row", i), 1), *((("cell", i, j), -1) for j in range(n_cols))] for i in range(n_rows)]
    if column_totals:
        relations += [[(("column", j), 1), *((("cell", i, j), -1) for i in range(n_rows))] for j in range(n_cols)]
    return relations


def suppress_table(
    cells: Sequence[Sequence[float | None]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> SuppressedTable:
    """Primary suppression of counts 1 to 4 in a table with its row and column totals, then as much
    secondary suppression (``protect``) as it takes for no hidden cell to be worked out from the
    cells and totals shown. Empty cells (None) count as 0 in their line and are never chosen; a
    total is a figure like any other (hidden when small, or when it is the smallest way to protect
    a cell)."""
    n_rows = len(cells)
    n_cols = max((len(r) for r in cells), default=0)
    grid = [[r[j] if j < len(r) else None for j in range(n_cols)] for r in cells]
    values: dict[Key, float | None] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            values[("cell", i, j)] = 0 if grid[i][j] is None else grid[i][j]
    relations = table_relations(n_rows, n_cols, row_totals=row_totals, column_totals=column_totals)
    # Totals are figures too; a missing cell counts as 0 in its line.
    for i in range(n_rows):
        values[("row", i)] = sum(v or 0 for v in grid[i])
    for j in range(n_cols):
        values[("column", j)] = sum(grid[i][j] or 0 for i in range(n_rows))
    decision = protect(values, relations, small=is_small)
    hidden = decision.hidden
    return SuppressedTable(
        cells=[[("cell", i, j) in hidden for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[("row", i) in hidden for i in range(n_rows)] if row_totals else [False] * n_rows,
        column_totals=[("column", j) in hidden for j in range(n_cols)] if column_totals else [False] * n_cols,
    )


# --- a stored summary as a reader may see it ----------------------------------------------------


def public_detail(
    detail: Mapping[str, Any],
    *,
    count: bool,
    hidden_periods: Iterable[str] = (),
    hidden_areas: Iterable[str] = (),
    hidden_benchmarks: Iterable[str] = (),
) -> dict[str, Any]:
    """A stored summary's detail as the public may see it. Masked: every series point resting on a
    small count or named in ``hidden_periods`` (secondary suppression decided for the series), the
    latest value likewise, the district rows resting on a small count or named in ``hidden_areas``,
    and benchmarks whose key (``area:CODE``) is in ``hidden_benchmarks``. Statistics made from the
    series (SPC mean and limits, the forecast, the trend's figures) are withheld when any value in it
    is masked, and the funnel when any district is: each would give the masked values back. Statuses
    stay. The original is not changed."""
    out = copy.deepcopy(dict(detail))
    hidden = {str(p) for p in hidden_periods}
    masked: set[str] = set()
    series = out.get("series") or []
    for i, p in enumerate(series):
        if point_discloses(p, count=count) or str(p.get("period")) in hidden:
            series[i] = mask_point(p)
            masked.add(str(p.get("period")))
    latest = out.get("latest")
    if latest and (point_discloses(latest, count=count) or str(latest.get("period")) in hidden):
        out["latest"] = mask_point(latest)
        masked.add(str(latest.get("period")))
    if masked:
        _withhold_statistics(out, masked)
    benches = set(hidden_benchmarks)
    for cmp in out.get("comparisons") or []:
        if cmp.get("key") in benches:
            cmp["benchmark"] = None
            cmp["note"] = SUPPRESSED_TEXT
    if out.get("benchmark") and out["benchmark"].get("key") in benches:
        out["benchmark"] = {**out["benchmark"], "benchmark": None, "note": SUPPRESSED_TEXT}
    districts = out.get("districts")
    if districts:
        codes = {str(c) for c in hidden_areas}
        rows = [
            mask_point(r) if point_discloses(r, count=count) or str(r.get("code")) in codes else r
            for r in districts.get("rows") or []
        ]
        districts["rows"] = rows
        bench = districts.get("benchmark") or {}
        if bench.get("code") in codes:
            districts["benchmark"] = {**bench, "value": None, "suppressed": True}
        if any(r.get("suppressed") for r in rows) or bench.get("code") in codes:
            # The funnel's pooled value and limits are made from every district's figures.
            districts["funnel"] = None
            districts["funnel_withheld"] = True
    return out


def _withhold_statistics(out: dict[str, Any], masked: set[str]) -> None:
    """Remove what is computed from the whole series: it would give the masked values back."""
    spc = out.get("spc")
    if spc and spc.get("points"):
        for name in ("mean", "lower_limit", "upper_limit", "lower_2sigma", "upper_2sigma", "average_moving_range"):
            spc[name] = None
        # A masked point leaves the chart: even its shape would say on which side of a limit it fell.
        spc["points"] = [
            {**p, "mean": None, "lower_limit": None, "upper_limit": None}
            for p in spc["points"]
            if str(p.get("period")) not in masked
        ]
        spc["withheld"] = STATISTICS_WITHHELD
    if out.get("forecast"):
        out["forecast"] = None
        out["forecast_withheld"] = STATISTICS_WITHHELD
    trend = out.get("trend")
    if trend:
        out["trend"] = {k: v for k, v in trend.items() if k in ("outcome", "assessment", "method")}
        out["trend"]["reason"] = STATISTICS_WITHHELD
    target = out.get("target")
    if target:
        target = dict(target)
        target["reason"] = STATISTICS_WITHHELD
        target["targets"] = [
            {k: v for k, v in t.items() if k not in ("forecast", "lower", "upper", "forecast_value")}
            for t in target.get("targets") or []
        ]
        out["target"] = target
