"""Hot and cold spots: Getis–Ord Gi* on LSOA counts or rates (METHODS.md, "Hotspots: Getis-Ord Gi*").
Pure computation (no Django): the selectors hand it areas, shapes and values.

- **Weights**: queen contiguity of the LSOA polygons (two LSOAs are neighbours when their boundaries
  share at least one point), or a distance band (LSOAs whose centres lie within a stated distance,
  measured on the British National Grid). Each LSOA is its own neighbour (the "star" in Gi*).
  Coordinates are snapped to a 1e-9 degree grid (about 0.1 mm) first, because boundary files
  generalised polygon by polygon can store a shared corner with different last digits.
- **Statistic** (Ord & Getis 1995, eq. 3 with the area itself included): for area i with weights
  w_ij (w_ii = 1), z_i = (Σ_j w_ij x_j − x̄ W_i) / (s √((n S_1i − W_i²)/(n − 1))), where
  W_i = Σ_j w_ij, S_1i = Σ_j w_ij², x̄ and s the mean and standard deviation (divisor n) of all
  areas. Computed with esda's ``G_Local(star=True)`` on binary weights. Row-standardising binary
  weights multiplies each row by a constant, which changes neither this z nor the permutation
  p-value; esda's own z for row-standardised Gi* keeps the binary variance term and so differs
  (docs/assessment.md, "Deviations") — the z reported here is always the Ord–Getis one.
- **Significance**: the analytical two-sided p = 2Φ(−|z|), and esda's conditional permutation
  pseudo p-value (999 permutations, fixed seed), which esda folds to the tail observed; it is
  doubled (capped at 1) to be two-sided. The two ask different questions: the permutation holds the
  area's own value fixed and shuffles the others around it, so it asks whether the *neighbours* are
  unusual given the area; the z-score asks whether the area and its neighbours together are. A
  single very high area among ordinary neighbours is a hot spot by z but not by permutation (on
  Essex's LSOAs in January 2024: 66 hot spots by z, none by permutation). The z-score is the
  default; both p-values are reported. Either is corrected for testing every area at once with
  the Benjamini–Hochberg false discovery rate (``scipy.stats.false_discovery_control``); an area
  is a hot spot when its adjusted p is at most α (5%) and z > 0, a cold spot when z < 0.
  An area with no neighbours (an island) is not tested.
- **Persistence**: the share of months in which an area is a significant hot spot.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from scipy import stats
from shapely.geometry import shape

from saferhub.core.errors import SaferhubError

PERMUTATIONS = 999
SEED = 20130331  # fixed so that a page shows the same p-values every time (the date of seed 002's Annex A)
ALPHA = 0.05
SNAP_DEGREES = 1e-9
BNG = "EPSG:27700"  # British National Grid, metres
WGS84 = "EPSG:4326"

HOT = "hot"
COLD = "cold"
NOT_SIGNIFICANT = "not_significant"
NOT_TESTED = "not_tested"


class HotspotError(SaferhubError):
    """The hot spot analysis cannot be done on these data (the message says why)."""


@dataclass(frozen=True)
class Weights:
    """Who neighbours whom, in a fixed order of area codes, and how the neighbours were found."""

    ids: tuple[str, ...]
    neighbours: Mapping[str, tuple[str, ...]]
    scheme: str  # "queen" or "distance"
    threshold_m: float | None = None

    @property
    def islands(self) -> tuple[str, ...]:
        return tuple(i for i in self.ids if not self.neighbours[i])

    @property
    def description(self) -> str:
        if self.scheme == "queen":
            return "queen contiguity of the LSOA boundaries (neighbours share at least one boundary point)"
        return f"a distance band of {self.threshold_m:,.0f} metres between LSOA centres (British National Grid)"

    def matrix(self) -> np.ndarray:
        """The dense binary matrix with ones on the diagonal (each area is in its own neighbourhood)."""
        index = {code: k for k, code in enumerate(self.ids)}
        out = np.eye(len(self.ids))
        for code, near in self.neighbours.items():
            for other in near:
                out[index[code], index[other]] = 1.0
        return out


def _shapes(geometries: Mapping[str, dict[str, Any]]) -> tuple[list[str], list[Any]]:
    ids, shapes = [], []
    for code in sorted(geometries):
        try:
            geom = shape(geometries[code])
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise HotspotError(f"the boundary of {code} is not a GeoJSON polygon ({exc})") from None
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise HotspotError(f"the boundary of {code} is not a polygon")
        ids.append(code)
        shapes.append(geom)
    return ids, shapes


def queen_weights(*, geometries: Mapping[str, dict[str, Any]]) -> Weights:
    """Queen contiguity (libpysal) of GeoJSON polygons keyed by area code."""
    import libpysal

    ids, shapes = _shapes(geometries)
    if len(ids) < 3:
        raise HotspotError(f"hot spots need at least 3 LSOAs with boundaries; there are {len(ids)}")
    snapped = [shapely.set_precision(g, SNAP_DEGREES) for g in shapes]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about islands; Weights.islands reports them
        w = libpysal.weights.Queen.from_iterable(snapped, ids=ids)
    return Weights(
        ids=tuple(ids),
        neighbours={code: tuple(sorted(w.neighbors[code])) for code in ids},
        scheme="queen",
    )


def distance_band_weights(*, geometries: Mapping[str, dict[str, Any]], threshold_m: float) -> Weights:
    """Binary distance band (libpysal ``DistanceBand``) between polygon centroids on the British
    National Grid: neighbours are areas whose centres are at most ``threshold_m`` metres apart."""
    import libpysal
    from pyproj import Transformer

    if not (threshold_m > 0):
        raise HotspotError(f"the distance band must be more than 0 metres, not {threshold_m}")
    ids, shapes = _shapes(geometries)
    if len(ids) < 3:
        raise HotspotError(f"hot spots need at least 3 LSOAs with boundaries; there are {len(ids)}")
    to_bng = Transformer.from_crs(WGS84, BNG, always_xy=True)
    projected = shapely.transform(shapes, lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1])))
    points = np.array([[c.x, c.y] for c in (g.centroid for g in projected)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.DistanceBand(points, threshold=threshold_m, binary=True, ids=ids, silence_warnings=True)
    return Weights(
        ids=tuple(ids),
        neighbours={code: tuple(sorted(w.neighbors[code])) for code in ids},
        scheme="distance",
        threshold_m=float(threshold_m),
    )


@dataclass(frozen=True)
class GiStar:
    """Gi* for every area, in ``ids`` order, with the settings that made it."""

    ids: tuple[str, ...]
    values: tuple[float, ...]
    z: tuple[float | None, ...]
    p_normal: tuple[float | None, ...]
    p_permutation: tuple[float | None, ...]
    p_adjusted: tuple[float | None, ...]
    classes: tuple[str, ...]
    basis: str  # which p the classes rest on: "permutation" or "normal"
    transform: str  # "B" binary or "R" row-standardised
    permutations: int
    seed: int
    alpha: float
    weights: str

    @property
    def method(self) -> str:
        basis = (
            f"conditional permutation ({self.permutations} permutations, seed {self.seed})"
            if self.basis == "permutation"
            else "the normal approximation"
        )
        transform = "row-standardised" if self.transform == "R" else "binary"
        return (
            f"Getis–Ord Gi* (each area in its own neighbourhood), {transform} weights from {self.weights}; "
            f"two-sided p-values by {basis}, adjusted for the false discovery rate (Benjamini–Hochberg) "
            f"at {self.alpha:.0%}"
        )

    def counts(self) -> dict[str, int]:
        return {c: self.classes.count(c) for c in (HOT, COLD, NOT_SIGNIFICANT, NOT_TESTED)}


def fdr_adjust(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (scipy's ``false_discovery_control``): an area whose
    adjusted p is at most α is significant with the false discovery rate controlled at α."""
    if not len(p_values):
        return []
    p = np.asarray(p_values, dtype=float)
    if not np.all(np.isfinite(p)) or (p < 0).any() or (p > 1).any():
        raise HotspotError("p-values must lie between 0 and 1")
    return [float(v) for v in stats.false_discovery_control(p, method="bh")]


def _esda_w(weights: Weights) -> Any:
    import libpysal

    w = libpysal.weights.W(
        {code: list(weights.neighbours[code]) for code in weights.ids},
        id_order=list(weights.ids),
        silence_warnings=True,
    )
    return libpysal.weights.fill_diagonal(w, 1.0)


def gi_star(
    *,
    values: Mapping[str, float],
    weights: Weights,
    transform: str = "B",
    basis: str = "normal",
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    alpha: float = ALPHA,
) -> GiStar:
    """Gi* z-scores, p-values (normal and permutation), FDR-adjusted p and class for every area of
    ``weights`` (an area with no value is an error: give 0 for an area with no records)."""
    from esda.getisord import G_Local

    if transform not in ("B", "R"):
        raise HotspotError(f"weights must be binary (B) or row-standardised (R), not {transform!r}")
    if basis not in ("permutation", "normal"):
        raise HotspotError(f"significance must come from 'permutation' or 'normal', not {basis!r}")
    if not (0 < alpha < 1):
        raise HotspotError(f"the false discovery rate must be between 0 and 1, not {alpha}")
    if permutations < 0 or (basis == "permutation" and permutations < 99):
        raise HotspotError(f"permutation p-values need at least 99 permutations, not {permutations}")
    missing = [code for code in weights.ids if code not in values]
    if missing:
        raise HotspotError(f"{len(missing)} areas have no value (first: {missing[0]}); give 0 where nothing happened")
    y = np.array([float(values[code]) for code in weights.ids])
    if not np.all(np.isfinite(y)) or (y < 0).any():
        raise HotspotError("values must be finite numbers of zero or more")
    if len(y) < 3:
        raise HotspotError(f"hot spots need at least 3 areas; there are {len(y)}")
    if np.all(y == y[0]):
        raise HotspotError(f"every area has the same value ({y[0]:g}), so no area stands out: there is nothing to test")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z = G_Local(y, _esda_w(weights), transform="B", star=True, permutations=0).Zs
        p_sim = None
        if permutations:
            perm = G_Local(
                y,
                _esda_w(weights),
                transform=transform,
                star=True,
                permutations=permutations,
                seed=seed,
                n_jobs=1,
                keep_simulations=False,
            )
            p_sim = np.minimum(1.0, 2.0 * np.asarray(perm.p_sim, dtype=float))
    p_norm = 2.0 * stats.norm.sf(np.abs(z))
    tested = np.array([bool(weights.neighbours[code]) for code in weights.ids])
    chosen = p_sim if basis == "permutation" else p_norm
    assert chosen is not None
    adjusted = np.full(len(y), np.nan)
    if tested.any():
        adjusted[tested] = fdr_adjust(chosen[tested])
    classes = []
    for k in range(len(y)):
        if not tested[k]:
            classes.append(NOT_TESTED)
        elif adjusted[k] <= alpha and z[k] > 0:
            classes.append(HOT)
        elif adjusted[k] <= alpha and z[k] < 0:
            classes.append(COLD)
        else:
            classes.append(NOT_SIGNIFICANT)

    def column(a: np.ndarray | None) -> tuple[float | None, ...]:
        if a is None:
            return tuple(None for _ in y)
        return tuple(float(v) if t and np.isfinite(v) else None for v, t in zip(a, tested, strict=True))

    return GiStar(
        ids=weights.ids,
        values=tuple(float(v) for v in y),
        z=column(np.asarray(z, dtype=float)),
        p_normal=column(p_norm),
        p_permutation=column(p_sim),
        p_adjusted=column(adjusted),
        classes=tuple(classes),
        basis=basis,
        transform=transform,
        permutations=permutations if p_sim is not None else 0,
        seed=seed,
        alpha=alpha,
        weights=weights.description,
    )


def persistence(results: Sequence[GiStar]) -> dict[str, float]:
    """The share of the analyses (one per month) in which each area is a significant hot spot."""
    if not results:
        return {}
    hot: dict[str, int] = {}
    for r in results:
        for code, cls in zip(r.ids, r.classes, strict=True):
            hot[code] = hot.get(code, 0) + (cls == HOT)
    return {code: n / len(results) for code, n in hot.items()}
