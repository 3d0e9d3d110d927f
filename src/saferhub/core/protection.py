"""Which of a set of related figures to hide so that no small count can be worked out
(``protect``; the rules it serves are in ``core/disclosure.py``).

A hidden figure is worked out exactly when its unit vector lies in the row space of the published
relations restricted to the hidden figures (exact elimination over the block of hidden figures linked
to it, ``core/determination.py``), and narrowed when the bound "every hidden figure is at least 1"
leaves it an interval shorter than 0.5 (a linear programme, ``core/bounds.py``). ``protect`` hides
the small counts and then, smallest first, whatever else it takes until neither happens, for the
public and for each group of insiders who see some figures whole (a district partnership's own).

Readers are served in the order given. Hiding more never works a figure out nor narrows an
interval, so after a figure is hidden for a reader the next step starts from that reader, and a last
pass asks every reader before the decision is final. Points found for one reader (a bound check's
solution, a direction of a block's form) answer another reader's checks when they move none of the
figures it sees (``_witnessed``): only points that leave every relation exact answer the exact
question.

Pure Python (no Django).
"""

from __future__ import annotations

import bisect
import heapq
import logging
import multiprocessing
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from saferhub.core.determination import Block, Blocks

logger = logging.getLogger(__name__)

SMALL_MIN = 1
SMALL_MAX = 4

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
    """Small counts that the bounds (each hidden figure at least 1) pin to one value. Only worth a check
    where another unknown figure of the count's block is 1, or published nowhere (at least 0): a
    figure at its bound, anywhere in the block, can pin the count through a chain of relations (1, 1
    and 5, 5 under totals 10, 6, 6 pin both 1s though neither shares a relation with the other).
    Otherwise every hidden figure can move. ``known``: what this reader sees (``unknown`` is what it
    does not); ``blocks``: the unknown figures' blocks, when the caller has them. ``trial``: a
    figure is hidden for now only, so the points found are set aside until it is kept
    (``_witnessed``)."""
    tight = {k for k in unknown if (v := state.values.get(k)) is None or v <= 1}
    out = set()
    for k in small:
        # Decided on k's block alone (figures outside it are free of it), remembered for that block.
        cells, rels = blocks[k] if blocks is not None and k in blocks else state.solver.block(unknown, k)
        if not (tight & cells) - {k}:
            continue
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


#: When a family is worth a process of its own. A national family (5,824 figures) takes 2–5 s for the
#: public alone, and about 40 s with a partnership for every district (347 readers); a process takes
#: 1–3 s to start (it imports SciPy). A county's families (a few hundred figures, a dozen or two
#: readers) take well under a second, and are decided here.
FAMILY_FIGURES = 2_000
FAMILY_WORK = 500_000  # figures × (readers + 1)

Family = tuple[Mapping[Any, float | None], Sequence[Relation], Sequence[Insider]]


def work(family: Family) -> int:
    values, _, insiders = family
    return len(values) * (1 + len(insiders))


def heavy(family: Family) -> bool:
    return len(family[0]) >= FAMILY_FIGURES or work(family) >= FAMILY_WORK


class Protecting:
    """``protect`` for each family (its figures, relations and insiders), begun at once and collected by
    ``decisions()``, in order. Families are independent: when ``processes`` > 1, the large ones
    (``heavy``) go to up to ``processes`` processes, which work while the caller does something else
    (the refresh works out its summaries meanwhile); the rest are decided here when ``decisions()`` is
    called. Processes are started afresh: this module needs no Django; each imports the program's main
    module, so a script that refreshes must guard its work with ``if __name__ == "__main__"``. If they
    fail, their families are decided here. Use it as a context manager, so that the processes are shut
    down when the caller fails before collecting (a family already begun is finished first)."""

    def __init__(self, families: Sequence[Family], *, processes: int) -> None:
        self.families = list(families)
        self._futures: dict[int, Future[Decision]] = {}
        self._pool: ProcessPoolExecutor | None = None
        large = sorted(
            (i for i, family in enumerate(self.families) if heavy(family)),
            key=lambda i: -work(self.families[i]),  # the longest first, so no process waits on one at the end
        )
        if processes < 2 or not large:
            return
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=min(processes, len(large)), mp_context=multiprocessing.get_context("spawn")
            )
            self._futures = {i: self._pool.submit(_protect_family, self.families[i]) for i in large}
        except BrokenProcessPool:
            self._broken(len(large))

    def decisions(self) -> list[Decision]:
        out: list[Decision | None] = [None] * len(self.families)
        for i, future in self._futures.items():
            try:
                out[i] = future.result()
            except BrokenProcessPool:  # a process could not start or died (memory): decide here instead
                self._broken(len(self._futures))
                break
        self.close()
        for i, family in enumerate(self.families):
            if out[i] is None:
                out[i] = _protect_family(family)
        return [d for d in out if d is not None]

    def _broken(self, families: int) -> None:
        logger.warning("disclosure processes failed; deciding %d families one at a time", families)
        self._futures = {}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Protecting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def protect_all(families: Sequence[Family], *, processes: int) -> list[Decision]:
    """``protect`` for each family, in order (``Protecting``, collected at once)."""
    with Protecting(families, processes=processes) as protecting:
        return protecting.decisions()


def _protect_family(family: Family) -> Decision:
    values, relations, insiders = family
    return protect(values, relations, insiders=insiders)
