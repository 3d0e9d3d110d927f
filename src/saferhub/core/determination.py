"""Which hidden figures a reader can work out (the arithmetic behind ``core.disclosure.protect``).

A hidden figure is worked out exactly when its unit vector lies in the row space of the published
relations restricted to the hidden figures (``determined``), and narrowed when the relations and
the bound "every hidden figure is at least 1" leave it a short interval (``Blocks.programme``, whose
linear programmes are in ``core/bounds.py``).

``determined`` eliminates in exact integer arithmetic (fraction-free: each row is scaled to whole
numbers and divided by the gcd of its coefficients), which gives the same row space, hence the same
answer, as rational elimination. The row space of relations restricted to the hidden figures splits
into independent blocks, one for each group of hidden figures linked through relations, so a figure
is determined by its own block alone. ``Blocks`` uses that inside one ``protect`` call: it decides
only the blocks holding the figures asked about, and remembers each block's answer by its set of
hidden figures (the relations do not change during the call), so hiding one more figure re-decides
only the block it joins. Answers are the same as ``determined`` over every relation.

``Blocks.moves`` spares the interval's two linear programmes where a cheaper argument already shows
the interval is wide: from a point meeting the block's relations and bounds, one null-space
direction of the block's echelon form that keeps every figure at least 1 and moves the figure by
0.51 or more. It only ever answers "wide"; otherwise the programmes decide, as before.

``Blocks.certificate`` and ``Blocks.stays_determined`` answer "is this figure still worked out once
one more figure is hidden?" without eliminating again. With A the block's relations restricted to its
hidden figures, a figure k is worked out exactly when some combination w of the relations gives
wᵀA = e_k. Hiding c adds c's column a_c; k stays worked out exactly when some such w also has
wᵀa_c = 0. Every such w is w₀ + z, with w₀ one combination and z in the left null space of A (the
combinations that cancel to nothing), so k stays worked out when w₀ᵀa_c = 0 or some z of a basis of
that space has zᵀa_c ≠ 0. The block's form (``Form``) keeps each row's combination of relations and
that basis, so each candidate is a few products. When the figure is hidden, ``Blocks.extend`` grows
the form by its column the same way (each row gains its combination's product with a_c; a basis
combination that now gives a multiple of c becomes c's row) instead of eliminating the block again.
Forms are kept by least recent use, at most ``Blocks.KEEP`` at once.

Pure Python (no Django).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm

from saferhub.core.bounds import Programme, Programmes

Key = Hashable
#: A relation between figures: Σ coefficient × figure = 0 (a total is +1, each of its parts −1).
Relation = Sequence[tuple[Key, int]]
Row = dict[Key, int]
#: A block: the unknown figures linked through relations, and those relations (by index).
Block = tuple[frozenset[Key], list[int]]


def _whole(row: Mapping[Key, int | float | Fraction]) -> Row:
    """The row scaled to coprime whole numbers (the same line of the row space)."""
    fractions = {k: Fraction(v) for k, v in row.items() if v}
    scale = lcm(*(f.denominator for f in fractions.values())) if fractions else 1
    ints = {k: int(f * scale) for k, f in fractions.items()}
    return _reduced(ints)


def _reduced(row: Row) -> Row:
    divisor = 0
    for v in row.values():
        divisor = gcd(divisor, v)
        if divisor == 1:
            return row
    return {k: v // divisor for k, v in row.items()} if divisor > 1 else row


def _restricted(relations: Iterable[Relation], unknown: set[Key]) -> list[Row]:
    rows = []
    for relation in relations:
        row: dict[Key, int | float | Fraction] = {}
        for key, coef in relation:
            if key in unknown and coef:
                row[key] = row.get(key, 0) + coef
        if any(row.values()):
            ints = {k: v for k, v in row.items() if isinstance(v, int) and v}
            exact = len(ints) == sum(1 for v in row.values() if v)
            rows.append(_reduced(ints) if exact else _whole(row))
    return rows


def solved(rows: Iterable[Row]) -> set[Key]:
    """The figures whose unit vector lies in the span of these integer rows: a figure is fixed exactly
    when its pivot row in the fully reduced echelon form holds nothing else."""
    return {k for k, row in echelon(rows).items() if len(row) == 1}


def echelon(rows: Iterable[Row]) -> dict[Key, Row]:
    """The rows' fully reduced echelon form, by pivot figure (each pivot figure appears in its own row
    only): ``_tracked_echelon`` with no combinations carried."""
    pivots, _ = _tracked_echelon((row, {}) for row in rows)
    return {k: pair[0] for k, pair in pivots.items()}


def determined(relations: Iterable[Relation], unknown: Iterable[Key]) -> set[Key]:
    """The ``unknown`` figures that the relations fix exactly once every other figure is known: those
    whose unit vector lies in the row space of the relations restricted to the unknown figures."""
    return solved(_restricted(relations, set(unknown)))


class Blocks:
    """``determined`` for one fixed list of relations, decided block by block and remembered (see the
    module's docstring)."""

    #: Forms remembered at once, the least recently used going first: a national family has hundreds of
    #: blocks for each reader, asked again at every step, so fewer would be eliminated again and again.
    #: A form grown from another (``extend``) replaces it: the smaller block is not asked for again.
    KEEP = 4096
    #: How many figures a remembered form may be grown by (or a quarter of its own, if more) before
    #: eliminating the block afresh is the cheaper way to its form.
    GROW = 64
    #: Readers whose last blocks ``split`` keeps, the least recently asked going first.
    SPLITS = 64

    def __init__(self, relations: Sequence[Relation], by_key: Mapping[Key, list[int]]) -> None:
        self.relations = relations
        self.by_key = by_key
        self.answers: dict[frozenset[Key], Form] = {}
        self.holding: dict[Key, set[frozenset[Key]]] = {}  # remembered blocks, by one figure of each
        self.filed: dict[frozenset[Key], Key] = {}  # the figure each is filed under
        self.points: dict[frozenset[Key], tuple[dict[Key, float] | None, bool]] = {}  # and: the true one?
        self.witnessed: list[tuple[dict[Key, float], bool]] = []  # points found, for ``witnesses``
        self.splits: dict[Hashable, tuple[frozenset[Key], dict[Key, Block]]] = {}
        self.programmes: tuple[Mapping[Key, float | None], Programmes] | None = None
        self.last: tuple[frozenset[Key], Programme] | None = None

    def form(self, cells: frozenset[Key], rels: list[int]) -> Form:
        """The fully reduced echelon form of a block (its figures and relations from ``block``),
        remembered; with each row's combination of relations where every coefficient is whole."""
        answer = self.answers.get(cells)
        if answer is None:
            answer = self._grown(cells, rels)
        if answer is None:
            answer = _form([self.relations[i] for i in rels], rels, cells)
        self._remember(cells, answer)
        return answer

    def reduced(self, cells: frozenset[Key], rels: list[int]) -> dict[Key, Row]:
        """The echelon form's rows of a block, by pivot figure."""
        return self.form(cells, rels).rows

    def _remember(self, cells: frozenset[Key], form: Form) -> None:
        if self.answers.pop(cells, None) is None and cells:
            self.filed[cells] = first = next(iter(cells))
            self.holding.setdefault(first, set()).add(cells)
        self.answers[cells] = form
        while len(self.answers) > self.KEEP:
            self._forget(next(iter(self.answers)))

    def _forget(self, cells: frozenset[Key]) -> None:
        del self.answers[cells]
        if cells:
            self.holding[self.filed.pop(cells)].discard(cells)

    def _grown(self, cells: frozenset[Key], rels: list[int]) -> Form | None:
        """The form of a block not seen before, grown from the largest remembered form of a part of it
        (the same block before a few more figures were hidden) one figure at a time; None when no
        remembered part is big enough for growing to be cheaper than eliminating."""
        base: frozenset[Key] | None = None
        for k in cells:
            for part in self.holding.get(k, ()):
                if (base is None or len(part) > len(base)) and part <= cells:
                    base = part
        if base is None or len(cells) - len(base) > max(self.GROW, len(base) // 4):
            return None
        form = self.answers[base]
        current = set(base)
        for choice in sorted(cells - base, key=repr):
            column = self._column(frozenset(current), current, choice)
            if form.combos is None or column is None:
                return None
            form = _grow(form, column[0], choice, self.by_key)
            current.add(choice)
        return form

    def block(self, unknown: set[Key], start: Key) -> Block:
        """The unknown figures linked to ``start`` through relations, and those relations."""
        seen, stack, rels = {start}, [start], set()
        while stack:
            k = stack.pop()
            for i in self.by_key.get(k, ()):
                if i in rels:
                    continue
                rels.add(i)
                for j, _ in self.relations[i]:
                    if j in unknown and j not in seen:
                        seen.add(j)
                        stack.append(j)
        return frozenset(seen), sorted(rels)

    def split(self, unknown: set[Key], among: Iterable[Key], *, reader: Hashable = None) -> dict[Key, Block]:
        """The block (``block``) of each of ``among`` that is unknown, finding each block once. Given a
        ``reader`` (any name for who does not see ``unknown``), that reader's last answer is kept (for
        ``SPLITS`` readers at most): when only more figures are unknown since, only the blocks those
        join are found again, since a block that no new figure touches is unchanged."""
        last = self.splits.pop(reader, None) if reader is not None else None
        if last is not None and last[0] <= unknown:
            out = dict(last[1])
            starts: Iterable[Key] = unknown - last[0]
        else:
            out, starts = {}, ()
        fresh: set[Key] = set()
        for key in (*starts, *(k for k in among if k not in out)):
            if key in fresh or key not in unknown:
                continue
            found = self.block(unknown, key)
            fresh |= found[0]
            out.update(dict.fromkeys(found[0], found))
        if reader is not None:
            self.splits[reader] = (frozenset(unknown), out)
            while len(self.splits) > self.SPLITS:
                del self.splits[next(iter(self.splits))]
        return out

    def determined(
        self, unknown: set[Key], among: Iterable[Key], blocks: Mapping[Key, Block] | None = None
    ) -> set[Key]:
        """Which of ``among`` are fixed exactly when ``unknown`` are the figures a reader does not see
        (``blocks``: their blocks from ``split``, when the caller has them)."""
        among = set(among)
        if blocks is None:
            blocks = self.split(unknown, among)
        out: set[Key] = set()
        done: set[frozenset[Key]] = set()
        for key in among & blocks.keys():
            cells, rels = blocks[key]
            if cells not in done:
                done.add(cells)
                out |= {k for k, row in self.reduced(cells, rels).items() if len(row) == 1}
        return out & among

    def certificate(self, unknown: set[Key], key: Key, block: Block | None = None) -> Certificate | None:
        """What ``stays_determined`` needs about ``key``, worked out exactly with ``unknown`` hidden:
        one combination of its block's relations that gives it, and a basis of the combinations that
        give nothing (from the block's form). None when it is not worked out, or a relation has a
        coefficient that is not whole. ``block``: its block, when the caller has it."""
        cells, rels = block if block is not None else self.block(unknown, key)
        form = self.form(cells, rels)
        if form.combos is None or key not in form.rows or len(form.rows[key]) != 1:
            return None
        return Certificate(cells=cells, gives=form.combos[key], form=form)

    def _column(self, cells: frozenset[Key], unknown: set[Key], choice: Key) -> tuple[dict[int, int], bool] | None:
        """``choice``'s column in the relations (by index, its coefficient in each), and whether one of
        them holds no other hidden figure (it alone gives ``choice``); None when hiding ``choice`` would
        join another block to the block ``cells``, or a coefficient is not whole."""
        column: dict[int, int] = {}
        lone = False
        for i in dict.fromkeys(self.by_key.get(choice, ())):
            net = sum(c for k, c in self.relations[i] if k == choice)
            if not isinstance(net, int):
                return None
            others = {k for k, _ in self.relations[i] if k != choice and k in unknown}
            if not others <= cells:
                return None
            if net:
                column[i] = net
                lone = lone or not others
        return column, lone

    def stays_determined(self, certificate: Certificate, unknown: set[Key], choice: Key) -> bool | None:
        """Whether the certificate's figure is still worked out exactly when ``choice`` is hidden as well
        as ``unknown`` (the set the certificate was made for); None when hiding it joins another block
        to this one (then ``determined`` must decide)."""
        found = self._column(certificate.cells, unknown, choice)
        if found is None:
            return None
        column, lone = found
        if lone:
            return True  # a relation alone gives ``choice``: hiding it changes nothing else
        if not _dot(certificate.gives, column):
            return True
        return any(_dot(z, column) for z in certificate.form.nothing)

    def extend(self, certificate: Certificate, unknown: set[Key], choice: Key) -> None:
        """Remember the form of the certificate's block with ``choice`` hidden too, grown from the
        certificate's form without eliminating again: each row gains its combination's product with
        ``choice``'s column; if a combination that gave nothing (or a relation new to the block) now
        gives a multiple of ``choice``, that row becomes ``choice``'s and ``choice`` is taken out of
        the others. Does nothing when another block would join."""
        found = self._column(certificate.cells, unknown, choice)
        if found is None:
            return
        grown = _grow(certificate.form, found[0], choice, self.by_key)
        if certificate.cells in self.answers:  # the smaller block is not asked for again
            self._forget(certificate.cells)
        self._remember(certificate.cells | {choice}, grown)

    def programme(self, cells: frozenset[Key], rels: list[int], values: Mapping[Key, float | None]) -> Programme:
        """The block's linear programme (``core.bounds``), the last one kept: ``moves`` and then
        ``Programme.interval`` ask for the same block."""
        if self.programmes is None or self.programmes[0] is not values:
            self.programmes = (values, Programmes(self.relations, values))
        if self.last is None or self.last[0] != cells:
            self.last = (cells, self.programmes[1].of(cells, rels))
        return self.last[1]

    def pinned(self, cells: frozenset[Key], rels: list[int], key: Key, values: Mapping[Key, float | None]) -> bool:
        """Whether the block's bounds narrow ``key`` to less than 0.5 (``Programme.pinned``, told its
        value at the block's feasible point)."""
        point, _ = self._point(cells, rels, values)
        programme = self.programme(cells, rels, values)
        pinned = programme.pinned(key, inside=None if point is None else point[key])
        self.witnessed += programme.witnesses()
        return pinned

    def witnesses(self) -> list[tuple[dict[Key, float], bool]]:
        """Points found since last asked (by the bound checks' programmes, and by ``moves`` from the
        true figures), each as the hidden figures it moves from their true values and where to: a
        point of the programme of every reader for whom those figures are hidden (``Programme.witnesses``);
        and whether it meets every relation as if exact (``moves``' always do: its directions are
        those of the exact relations)."""
        found, self.witnessed = self.witnessed, []
        return found

    def _point(
        self, cells: frozenset[Key], rels: list[int], values: Mapping[Key, float | None]
    ) -> tuple[dict[Key, float] | None, bool]:
        if cells not in self.points:
            programme = self.programme(cells, rels, values)
            self.points[cells] = (programme.point(), programme.true_fits())
        return self.points[cells]

    def moves(self, cells: frozenset[Key], rels: list[int], key: Key, values: Mapping[Key, float | None]) -> bool:
        """Whether a point meeting the block's relations and bounds (``Programme.point``) can be moved
        along one direction that keeps them, changing ``key`` by 0.51 or more: then its interval is
        at least that wide (0.5 decides) and no linear programme is needed for it. False when that
        cannot be shown this way."""
        x, true = self._point(cells, rels, values)
        if x is None:
            return False
        pivots = self.reduced(cells, rels)
        free = [key] if key not in pivots else [f for f in pivots[key] if f != key]
        for f in free[:8]:
            # The null-space direction of free figure f: f moves by 1, each pivot figure against it.
            d = {f: 1.0} | {p: -row[f] / row[p] for p, row in pivots.items() if f in row}
            low, high = float("-inf"), float("inf")
            for k, step in d.items():
                floor = 0.0 if values.get(k) is None else 1.0
                if step > 0:
                    low = max(low, (floor - x[k]) / step)
                elif step < 0:
                    high = min(high, (floor - x[k]) / step)
            step = abs(d.get(key, 0.0))
            if (high - low) * step >= 0.51:
                if true:  # the way it moves, as a point any reader who sees none of d's figures has too
                    t = high if high * step >= 0.51 else low if -low * step >= 0.51 else None
                    if t is not None:
                        t = max(min(t, 1 / step), -1 / step)  # moves the figure by 1 when unbounded
                        self.witnessed.append(({k: x[k] + t * dk for k, dk in d.items()}, True))
                return True
        return False


@dataclass(frozen=True)
class Form:
    """A block's fully reduced echelon form: its rows by pivot figure and, when every coefficient is
    whole, each row's combination of relations (by index) and a basis of the combinations that give
    nothing (the left null space)."""

    rows: dict[Key, Row]
    combos: dict[Key, Row] | None
    nothing: list[Row]
    relations: frozenset[int] = frozenset()  # the relations it was made from (by index)


@dataclass(frozen=True)
class Certificate:
    """Why a hidden figure is worked out: ``gives`` is a combination of relations (by index) that
    gives it alone, in its block's ``form``."""

    cells: frozenset[Key]
    gives: Row
    form: Form


def _dot(combination: Row, column: Mapping[int, int]) -> int:
    return sum(combination.get(i, 0) * v for i, v in column.items())


def _grow(old: Form, column: Mapping[int, int], choice: Key, by_key: Mapping[Key, list[int]]) -> Form:
    """``old`` (a form with combinations) grown by one more hidden figure, ``choice``, whose column
    (its coefficient in each relation, by index) is given: each row gains its combination's product
    with the column; if a combination that gave nothing (or a relation new to the block) now gives a
    multiple of ``choice``, that row becomes ``choice``'s and ``choice`` is taken out of the others."""
    assert old.combos is not None
    rows, combos = dict(old.rows), dict(old.combos)
    for pivot, combo in old.combos.items():
        if t := _dot(combo, column):
            rows[pivot] = {**old.rows[pivot], choice: t}
    nothing: list[Row] = []
    gives: list[tuple[Row, Row]] = []
    for z in old.nothing:
        if t := _dot(z, column):
            gives.append(({choice: t}, z))
        else:
            nothing.append(z)
    known_rels = old.relations
    # Relations new to the form hold none of its figures: each gives ``choice`` or nothing.
    for i in dict.fromkeys(by_key.get(choice, ())):
        if i not in known_rels:
            if i in column:
                gives.append(({choice: column[i]}, {i: 1}))
            else:
                nothing.append({i: 1})
    if gives:
        first = _combine_pair(1, gives[0], 0, gives[0])
        nothing += [_combine_pair(first[0][choice], g, g[0][choice], first)[1] for g in gives[1:]]
        for pivot, row in list(rows.items()):
            if choice in row:
                rows[pivot], combos[pivot] = _combine_pair(first[0][choice], (row, combos[pivot]), row[choice], first)
        rows[choice], combos[choice] = first
    return Form(rows=rows, combos=combos, nothing=nothing, relations=known_rels | set(by_key.get(choice, ())))


def _form(relations: Sequence[Relation], indices: list[int], cells: frozenset[Key]) -> Form:
    """``Form`` of these relations (their indices given) restricted to ``cells``."""
    given: list[tuple[Row, Row]] = []
    for i, relation in zip(indices, relations, strict=True):
        row: Row = {}
        for k, coef in relation:
            if not isinstance(coef, int):
                return Form(
                    rows=echelon(_restricted(relations, set(cells))),
                    combos=None,
                    nothing=[],
                    relations=frozenset(indices),
                )
            if k in cells and coef:
                row[k] = row.get(k, 0) + coef
        given.append(({k: v for k, v in row.items() if v}, {i: 1}))
    pivots, nothing = _tracked_echelon(given)
    return Form(
        rows={k: p[0] for k, p in pivots.items()},
        combos={k: p[1] for k, p in pivots.items()},
        nothing=nothing,
        relations=frozenset(indices),
    )


def _tracked_echelon(rows: Iterable[tuple[Row, Row]]) -> tuple[dict[Key, tuple[Row, Row]], list[Row]]:
    """``echelon`` of rows each carried with the combination of relations it is (by index): the fully
    reduced rows by pivot figure, each with its combination, and the combinations of the rows that
    reduced to nothing (a basis of the left null space: each holds its own relation, and none later)."""
    pivots: dict[Key, tuple[Row, Row]] = {}
    holding: dict[Key, set[Key]] = {}
    nothing: list[Row] = []

    def store(pivot: Key, pair: tuple[Row, Row], before: Row) -> None:
        row = pair[0]
        for k in before.keys() - row.keys():
            holding[k].discard(pivot)
        for k in row.keys() - before.keys():
            holding.setdefault(k, set()).add(pivot)
        pivots[pivot] = pair

    for given in rows:
        pair = given
        for k in [k for k in pair[0] if k in pivots]:
            if k in pair[0]:
                p = pivots[k]
                pair = _combine_pair(p[0][k], pair, pair[0][k], p)
        row = pair[0]
        if not row:
            if pair[1]:
                nothing.append(pair[1])
            continue
        pivot = next(iter(row))
        for name in list(holding.get(pivot, ())):
            other = pivots[name]
            store(name, _combine_pair(row[pivot], other, other[0][pivot], pair), other[0])
        store(pivot, pair, {})
    return pivots, nothing


def _combine_pair(a: int, pair: tuple[Row, Row], b: int, other: tuple[Row, Row]) -> tuple[Row, Row]:
    """a × pair − b × other, for a row and its combination together, divided by their common gcd."""
    out = []
    for mine, theirs in zip(pair, other, strict=True):
        combined = {k: a * v for k, v in mine.items()}
        for k, v in theirs.items():
            combined[k] = combined.get(k, 0) - b * v
        out.append({k: v for k, v in combined.items() if v})
    divisor = 0
    for v in (*out[0].values(), *out[1].values()):
        divisor = gcd(divisor, v)
        if divisor == 1:
            break
    if divisor > 1:
        out = [{k: v // divisor for k, v in part.items()} for part in out]
    return out[0], out[1]
