"""The deprivation gradient: records per 1,000 residents by national decile of the English Index of
Multiple Deprivation 2019, with intervals, and the slope index of inequality across the deciles
(pure, no Django; METHODS.md, "Deprivation gradient and the slope index of inequality").

- **Deciles** are the national ones published with the IoD2019 (1 = the 10% most deprived LSOAs in
  England). They are given for the 2011 LSOAs. A record in a 2021 LSOA takes the decile of the 2011
  LSOA(s) it came from (the geography app's 2011 ↔ 2021 lookup): one 2011 LSOA (unchanged, or split
  into several 2021 ones), or several 2011 LSOAs that share a decile. A 2021 LSOA made from 2011
  LSOAs of different deciles, or one the lookup does not know, is **unmatched**: its records are
  counted and said, never guessed.
- **Populations** are the IoD2019 denominators (mid-2015, excluding prisoners) of the area's 2011
  LSOAs, summed by decile: the population the deciles were made for.
- **Rates** are records per 1,000 residents over the period, with 95% limits for a Poisson count
  (exact below 10 events, Byar's from 10, as Fingertips: ``saferhub.stats.intervals``).
- **SII** (slope index of inequality): the rates regressed on each decile's midpoint of the
  cumulative population share, weighted by its share (PHE's ``phe_sii``, ``saferhub.stats.inequality``;
  Low & Low 2004, J Epidemiol Community Health 58:662), ordered from the most deprived, with a
  multiplier of −1 so that a positive SII is the gap in rate *more* in the most deprived end than in
  the least deprived end of the area's gradient. Limits by simulation on the log scale (value type
  "rate"); a decile with no records has no log, so then the rates are simulated as they are (value
  type "other") and the method says so. It needs at least five deciles with residents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from saferhub.core.errors import ValidationProblem
from saferhub.stats.inequality import SiiResult, slope_index_of_inequality
from saferhub.stats.intervals import poisson_limits

DECILES = tuple(range(1, 11))
PER = 1000
CONFIDENCE = 0.95
REPETITIONS = 20_000
SII_REFERENCE = (
    "Slope index of inequality as Public Health England's PHEindicatormethods phe_sii (Fingertips), after "
    "Low A, Low A (2004) 'Measuring the gap: quantifying and comparing local health inequalities', "
    "J Epidemiol Community Health 58:662–3"
)


@dataclass(frozen=True)
class DecileMatch:
    """Each LSOA code (either vintage) → its decile, and the codes that could not be given one (with why)."""

    decile: dict[str, int]
    unmatched: dict[str, str]


def match_deciles(
    *,
    codes: Iterable[str],
    deciles_2011: Mapping[str, int],
    to_2011: Mapping[str, list[str]],
    outside: frozenset[str] = frozenset(),
) -> DecileMatch:
    """The decile of each LSOA code: a 2011 code's own; a 2021 code's from the 2011 LSOAs the
    lookup gives (``to_2011``: 2021 code → its 2011 codes), when they agree."""
    decile: dict[str, int] = {}
    unmatched: dict[str, str] = {}
    for code in codes:
        if code in deciles_2011:
            decile[code] = deciles_2011[code]
            continue
        if code in outside:
            unmatched[code] = "an LSOA of another district"
            continue
        parents = to_2011.get(code, [])
        found = {deciles_2011[p] for p in parents if p in deciles_2011}
        if not parents:
            unmatched[code] = "not in the 2011 to 2021 lookup"
        elif len(found) == 1 and all(p in deciles_2011 for p in parents):
            decile[code] = found.pop()
        elif len(found) > 1:
            unmatched[code] = f"made from 2011 LSOAs in {len(found)} different deciles"
        else:
            unmatched[code] = "its 2011 LSOAs have no decile (outside England)"
    return DecileMatch(decile=decile, unmatched=unmatched)


@dataclass(frozen=True)
class DecileRow:
    decile: int
    lsoas: int
    population: int
    count: int
    rate: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Gradient:
    rows: tuple[DecileRow, ...]
    unmatched_records: int
    unmatched_lsoas: dict[str, str]
    sii: SiiResult | None
    sii_note: str  # why there is no SII, or how it was simulated

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)


def decile_rates(*, counts: Mapping[int, int], populations: Mapping[int, int]) -> list[DecileRow]:
    """Rate per 1,000 and its 95% limits for each decile with residents (``populations``: decile →
    residents; ``counts``: decile → records). Deciles with no residents in the area are left out."""
    present = [d for d in DECILES if populations.get(d, 0) > 0]
    for d, n in counts.items():
        if n and d not in present:
            raise ValidationProblem(f"decile {d} has {n} records but no residents in the area")
    x = np.array([counts.get(d, 0) for d in present], dtype=np.float64)
    pop = np.array([populations[d] for d in present], dtype=np.float64)
    low, high, _ = poisson_limits(x, CONFIDENCE)
    return [
        DecileRow(
            decile=d,
            lsoas=0,
            population=int(pop[i]),
            count=int(x[i]),
            rate=float(x[i] / pop[i] * PER),
            lower=float(low[i] / pop[i] * PER),
            upper=float(high[i] / pop[i] * PER),
        )
        for i, d in enumerate(present)
    ]


def gradient_sii(rows: list[DecileRow], *, repetitions: int = REPETITIONS) -> tuple[SiiResult | None, str]:
    """The SII of the rates across the deciles (see the module notes), or None and why not."""
    if len(rows) < 5:
        return None, f"The slope index of inequality needs residents in at least 5 deciles; this area has {len(rows)}."
    if not any(r.count for r in rows):
        return None, "There are no records, so there is no gradient to measure."
    positive = all(r.count > 0 for r in rows)
    result = slope_index_of_inequality(
        quantile=[r.decile for r in rows],
        population=[r.population for r in rows],
        value=[r.rate for r in rows],
        lower=[r.lower for r in rows],
        upper=[r.upper for r in rows],
        value_type="rate" if positive else "other",
        multiplier=-1,
        repetitions=repetitions,
    )
    note = (
        "Limits simulated on the log scale of the rates."
        if positive
        else "A decile has no records, so the limits are simulated on the rates themselves, not their logs."
    )
    return result, note


def gradient(
    *,
    lsoa_counts: Mapping[str, int],
    match: DecileMatch,
    populations: Mapping[int, int],
    lsoas_per_decile: Mapping[int, int],
    repetitions: int = REPETITIONS,
) -> Gradient:
    """Records by decile from records by LSOA (either vintage), rates, limits and the SII."""
    counts: dict[int, int] = {}
    unmatched = 0
    for code, n in lsoa_counts.items():
        d = match.decile.get(code)
        if d is None or not populations.get(d):
            unmatched += n
        else:
            counts[d] = counts.get(d, 0) + n
    rows = [
        DecileRow(**{**r.__dict__, "lsoas": lsoas_per_decile.get(r.decile, 0)})
        for r in decile_rates(counts=counts, populations=populations)
    ]
    sii, note = gradient_sii(rows, repetitions=repetitions)
    return Gradient(
        rows=tuple(rows),
        unmatched_records=unmatched,
        unmatched_lsoas={c: why for c, why in match.unmatched.items() if lsoa_counts.get(c)},
        sii=sii,
        sii_note=note,
    )
