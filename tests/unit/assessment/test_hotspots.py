"""Gi* hot spots agree with esda's own published example, with Getis–Ord's formula computed here
independently (numpy) on the same weights, on a small grid and on real Essex LSOAs; the false
discovery rate adjustment agrees with Benjamini and Hochberg's worked example."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from saferhub.assessment.hotspots import (
    COLD,
    HOT,
    NOT_SIGNIFICANT,
    NOT_TESTED,
    GiStar,
    HotspotError,
    Weights,
    distance_band_weights,
    fdr_adjust,
    gi_star,
    persistence,
    queen_weights,
)

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"

# esda's published example: esda/getisord.py, the G_Local docstring, and esda/tests/test_getisord.py
# (TestGLocal): six points, a distance band of 15, y = 2, 3, 3.2, 5, 8, 7.
ESDA_POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
ESDA_Y = [2, 3, 3.2, 5, 8, 7]
ESDA_STAR_BINARY_Z = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]
ESDA_STAR_ROW_Z = [-0.62488094, -0.09144599, 0.41150696, -0.09144599, 0.24690418, 1.28024388]
ESDA_P_SIM_0_SEED_10 = 0.102  # test_star_binary and test_star_row_standardized_values


def esda_example_weights() -> Weights:
    """The distance band of the esda example, found here from the points (not with libpysal)."""
    ids = tuple(str(i) for i in range(len(ESDA_POINTS)))
    near = {
        ids[i]: tuple(
            ids[j]
            for j in range(len(ESDA_POINTS))
            if j != i and np.hypot(*np.subtract(ESDA_POINTS[i], ESDA_POINTS[j])) <= 15
        )
        for i in range(len(ESDA_POINTS))
    }
    return Weights(ids=ids, neighbours=near, scheme="distance", threshold_m=15)


def ord_getis_z(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Ord & Getis (1995), eq. 3, written out here: z_i = (Σ_j w_ij x_j − x̄ W_i) /
    (s √((n S_1i − W_i²)/(n − 1))), with x̄ and s (divisor n) over all areas, w_ii included."""
    n = len(y)
    xbar = y.mean()
    s = np.sqrt((y**2).mean() - xbar**2)
    wi = w.sum(axis=1)
    s1 = (w**2).sum(axis=1)
    return (w @ y - xbar * wi) / (s * np.sqrt((n * s1 - wi**2) / (n - 1)))


# --- esda's published example ----------------------------------------------------------------------


def test_binary_gi_star_equals_esdas_published_z_scores_and_permutation_p():
    values = dict(zip(esda_example_weights().ids, ESDA_Y, strict=True))
    result = gi_star(values=values, weights=esda_example_weights(), transform="B", seed=10)
    np.testing.assert_allclose(result.z, ESDA_STAR_BINARY_Z, rtol=1e-7)
    # esda folds its pseudo p-value to the tail observed; the hub reports it two-sided (doubled).
    assert result.p_permutation[0] == pytest.approx(2 * ESDA_P_SIM_0_SEED_10)


def test_row_standardised_weights_give_the_ord_getis_z_not_esdas_row_z():
    """Row-standardising equal weights scales each row, so the Ord–Getis z is unchanged; esda's
    published row-standardised z keeps the binary variance term (the documented deviation)."""
    values = dict(zip(esda_example_weights().ids, ESDA_Y, strict=True))
    row = gi_star(values=values, weights=esda_example_weights(), transform="R", seed=10)
    np.testing.assert_allclose(row.z, ESDA_STAR_BINARY_Z, rtol=1e-7)
    assert not np.allclose(row.z, ESDA_STAR_ROW_Z)
    assert row.p_permutation[0] == pytest.approx(2 * ESDA_P_SIM_0_SEED_10)
    w = np.eye(6) + np.array(
        [
            [1.0 if j in [int(x) for x in esda_example_weights().neighbours[str(i)]] else 0 for j in range(6)]
            for i in range(6)
        ]
    )
    rows = w / w.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(row.z, ord_getis_z(np.array(ESDA_Y), rows), rtol=1e-9)


def test_the_same_seed_gives_the_same_p_values_every_time():
    values = dict(zip(esda_example_weights().ids, ESDA_Y, strict=True))
    a = gi_star(values=values, weights=esda_example_weights())
    b = gi_star(values=values, weights=esda_example_weights())
    assert a.p_permutation == b.p_permutation


# --- a small grid, computed independently ------------------------------------------------------------


def grid(n: int) -> dict[str, dict]:
    """n × n unit squares as GeoJSON polygons in degrees, named r<row>c<col>."""
    out = {}
    for r in range(n):
        for c in range(n):
            x, y = c * 0.01, r * 0.01
            ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
            out[f"r{r}c{c}"] = {"type": "Polygon", "coordinates": [ring]}
    return out


def test_queen_contiguity_of_a_grid_is_the_eight_surrounding_squares():
    weights = queen_weights(geometries=grid(5))
    counts = {code: len(near) for code, near in weights.neighbours.items()}
    assert counts["r0c0"] == 3 and counts["r0c2"] == 5 and counts["r2c2"] == 8
    assert set(weights.neighbours["r2c2"]) == {f"r{r}c{c}" for r in (1, 2, 3) for c in (1, 2, 3)} - {"r2c2"}
    assert weights.islands == ()


def test_gi_star_on_a_grid_equals_the_formula_and_finds_the_planted_cluster():
    rng = np.random.default_rng(7)
    n = 7
    values = {f"r{r}c{c}": float(rng.poisson(3)) for r in range(n) for c in range(n)}
    for r in (1, 2):
        for c in (1, 2):
            values[f"r{r}c{c}"] = 25.0  # a cluster of high counts in one corner
    weights = queen_weights(geometries=grid(n))
    result = gi_star(values=values, weights=weights, basis="normal")
    index = {code: k for k, code in enumerate(weights.ids)}
    w = np.eye(n * n)
    for a, ka in index.items():
        ra, ca = int(a[1 : a.index("c")]), int(a[a.index("c") + 1 :])
        for b, kb in index.items():
            rb, cb = int(b[1 : b.index("c")]), int(b[b.index("c") + 1 :])
            if abs(ra - rb) <= 1 and abs(ca - cb) <= 1:
                w[ka, kb] = 1.0
    y = np.array([values[code] for code in weights.ids])
    np.testing.assert_allclose(result.z, ord_getis_z(y, w), rtol=1e-9)
    assert result.classes[index["r1c1"]] == HOT
    hot = {code for code, cls in zip(result.ids, result.classes, strict=True) if cls == HOT}
    assert hot <= {f"r{r}c{c}" for r in range(4) for c in range(4)}
    for z, q, cls in zip(result.z, result.p_adjusted, result.classes, strict=True):
        expected = HOT if q <= 0.05 and z > 0 else COLD if q <= 0.05 and z < 0 else NOT_SIGNIFICANT
        assert cls == expected


def test_the_normal_p_value_is_two_sided():
    values = {code: float(k % 4) for k, code in enumerate(sorted(grid(4)))}
    result = gi_star(values=values, weights=queen_weights(geometries=grid(4)), basis="normal", permutations=0)
    from scipy.stats import norm

    for z, p in zip(result.z, result.p_normal, strict=True):
        assert p == pytest.approx(2 * norm.sf(abs(z)))
    assert all(p is None for p in result.p_permutation)


def test_an_area_with_no_neighbours_is_not_tested():
    shapes = grid(3)
    shapes["far"] = {"type": "Polygon", "coordinates": [[[1, 1], [1.01, 1], [1.01, 1.01], [1, 1.01], [1, 1]]]}
    weights = queen_weights(geometries=shapes)
    assert weights.islands == ("far",)
    values = {code: float(k) for k, code in enumerate(weights.ids)}
    result = gi_star(values=values, weights=weights)
    k = weights.ids.index("far")
    assert result.classes[k] == NOT_TESTED
    assert result.p_permutation[k] is None and result.p_adjusted[k] is None


def test_distance_band_weights_measure_metres_on_the_national_grid():
    # Three squares 0.01 degrees apart in longitude at latitude 51.7 (about 690 m) and one far away.
    shapes = {
        f"s{i}": {
            "type": "Polygon",
            "coordinates": [[[x, 51.7], [x + 0.001, 51.7], [x + 0.001, 51.701], [x, 51.701], [x, 51.7]]],
        }
        for i, x in enumerate([0.10, 0.11, 0.12, 0.30])
    }
    weights = distance_band_weights(geometries=shapes, threshold_m=1000)
    assert weights.neighbours["s0"] == ("s1",) and weights.neighbours["s1"] == ("s0", "s2")
    assert weights.islands == ("s3",)
    assert "1,000 metres" in weights.description
    with pytest.raises(HotspotError, match="more than 0 metres"):
        distance_band_weights(geometries=shapes, threshold_m=0)


# --- real Essex LSOAs ------------------------------------------------------------------------------


@pytest.mark.slow
def test_gi_star_on_harlow_lsoas_equals_the_formula_on_independently_found_neighbours():
    """Harlow's 2021 LSOAs (ONS boundaries) and its police.uk records of January 2024."""
    features = json.loads((SHARED / "boundaries" / "essex-lsoa-2021" / "E07000073.json").read_text())["features"]
    geometries = {f["properties"]["LSOA21CD"]: f["geometry"] for f in features}
    counts = dict.fromkeys(geometries, 0)
    with (SHARED / "police-uk" / "2024-01" / "2024-01-essex-street.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["LSOA code"] in counts:
                counts[row["LSOA code"]] += 1
    assert sum(counts.values()) > 500  # Harlow records about a thousand incidents a month

    weights = queen_weights(geometries=geometries)
    # Neighbours found independently: snapped polygons that touch or overlap (shapely, no libpysal).
    codes = sorted(geometries)
    snapped = [shapely.set_precision(shape(geometries[c]), 1e-9) for c in codes]
    w = np.eye(len(codes))
    for i in range(len(codes)):
        for j in range(len(codes)):
            if i != j and snapped[i].intersects(snapped[j]):
                w[i, j] = 1.0
    assert list(weights.ids) == codes
    np.testing.assert_array_equal(weights.matrix(), w)

    values = {c: float(n) for c, n in counts.items()}
    result = gi_star(values=values, weights=weights)
    y = np.array([counts[c] for c in codes], dtype=float)
    np.testing.assert_allclose(result.z, ord_getis_z(y, w), rtol=1e-9)
    # 999 permutations cannot give a two-sided p below 2/1000: the page says so beside the result.
    assert min(p for p in result.p_permutation if p is not None) >= 2 / 1000
    normal = gi_star(values=values, weights=weights, basis="normal")
    hot = [z for z, cls in zip(normal.z, normal.classes, strict=True) if cls == HOT]
    assert hot and min(hot) > max(z for z, cls in zip(normal.z, normal.classes, strict=True) if cls != HOT)


# --- the false discovery rate ----------------------------------------------------------------------


def test_benjamini_hochberg_agrees_with_the_papers_worked_example():
    """Benjamini & Hochberg (1995), J. R. Statist. Soc. B 57(1), section 4.1: of these 15 p-values
    the procedure at q = 0.05 rejects the four smallest (Bonferroni only three)."""
    p = [
        0.0001,
        0.0004,
        0.0019,
        0.0095,
        0.0201,
        0.0278,
        0.0298,
        0.0344,
        0.0459,
        0.3240,
        0.4262,
        0.5719,
        0.6528,
        0.7590,
        1.0,
    ]
    adjusted = fdr_adjust(p)
    assert sum(q <= 0.05 for q in adjusted) == 4
    assert max(adjusted[:4]) <= 0.05 < min(adjusted[4:])
    # Each adjusted value is min over k ≥ i of n·p(k)/k, capped at 1 (the step-up rule).
    n = len(p)
    expected = [min(1.0, *(n * p[k] / (k + 1) for k in range(i, n))) for i in range(n)]
    np.testing.assert_allclose(adjusted, expected)


def test_p_values_outside_zero_to_one_are_refused():
    with pytest.raises(HotspotError, match="between 0 and 1"):
        fdr_adjust([0.2, 1.5])


# --- refusals and persistence ----------------------------------------------------------------------


def test_the_same_value_everywhere_is_refused_with_a_reason():
    weights = queen_weights(geometries=grid(3))
    with pytest.raises(HotspotError, match="every area has the same value"):
        gi_star(values=dict.fromkeys(weights.ids, 4.0), weights=weights)


def test_a_missing_or_negative_value_is_refused():
    weights = queen_weights(geometries=grid(3))
    values = dict.fromkeys(weights.ids[:-1], 1.0)
    with pytest.raises(HotspotError, match="have no value"):
        gi_star(values=values, weights=weights)
    values[weights.ids[-1]] = -1.0
    with pytest.raises(HotspotError, match="zero or more"):
        gi_star(values=values, weights=weights)


def test_a_broken_boundary_is_named():
    shapes = grid(3)
    shapes["r0c0"] = {"type": "Point", "coordinates": [0, 0]}
    with pytest.raises(HotspotError, match="r0c0"):
        queen_weights(geometries=shapes)


def _result(classes: list[str]) -> GiStar:
    ids = tuple(f"a{i}" for i in range(len(classes)))
    none = tuple(None for _ in classes)
    return GiStar(
        ids=ids,
        values=tuple(0.0 for _ in classes),
        z=none,
        p_normal=none,
        p_permutation=none,
        p_adjusted=none,
        classes=tuple(classes),
        basis="permutation",
        transform="B",
        permutations=999,
        seed=1,
        alpha=0.05,
        weights="test",
    )


def test_persistence_is_the_share_of_months_an_area_is_a_hot_spot():
    months = [
        _result([HOT, NOT_SIGNIFICANT, COLD]),
        _result([HOT, HOT, NOT_SIGNIFICANT]),
        _result([NOT_SIGNIFICANT, NOT_SIGNIFICANT, HOT]),
        _result([HOT, NOT_TESTED, NOT_SIGNIFICANT]),
    ]
    assert persistence(months) == {"a0": 0.75, "a1": 0.25, "a2": 0.25}
    assert persistence([]) == {}
