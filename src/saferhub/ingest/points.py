"""Coordinates: OSGB36 national grid to WGS84, and which area's boundary holds a point. Pure Python.

Conversion uses pyproj (EPSG:27700 → EPSG:4326, longitude first). Point in polygon is the
even–odd ray casting test, vectorised with NumPy over all points at once, one polygon at a time
after a bounding-box filter.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
from pyproj import Transformer


@lru_cache(maxsize=1)
def _osgb_to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def osgb_to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (degrees) for OSGB36 national grid eastings and northings (metres)."""
    lon, lat = _osgb_to_wgs84().transform(np.asarray(easting, dtype=float), np.asarray(northing, dtype=float))
    return np.asarray(lon), np.asarray(lat)


def _rings(geometry: dict[str, Any]) -> list[list[np.ndarray]]:
    """Polygons as lists of rings (outer first), each an (n, 2) array."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[np.asarray(ring, dtype=float)[:, :2] for ring in polygon if len(ring) >= 3] for polygon in polygons]


def _inside_ring(x: np.ndarray, y: np.ndarray, ring: np.ndarray, chunk: int = 4_000_000) -> np.ndarray:
    """Even–odd test of points against one ring, all edges at once (in chunks of points)."""
    ax, ay = ring[:, 0], ring[:, 1]
    bx, by = np.roll(ax, -1), np.roll(ay, -1)
    dy = np.where(by == ay, 1e-300, by - ay)
    inside = np.zeros(x.shape, dtype=bool)
    step = max(1, chunk // max(len(ax), 1))
    for start in range(0, len(x), step):
        px = x[start : start + step, None]
        py = y[start : start + step, None]
        crosses = (ay > py) != (by > py)
        at = (bx - ax) * (py - ay) / dy + ax
        inside[start : start + step] = np.count_nonzero(crosses & (px < at), axis=1) % 2 == 1
    return inside


def areas_for_points(
    lon: np.ndarray, lat: np.ndarray, boundaries: Iterable[tuple[str, dict[str, Any]]]
) -> list[str | None]:
    """The code of the first boundary holding each point (None where none does or the point is missing)."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    found: list[str | None] = [None] * len(x)
    todo = ~(np.isnan(x) | np.isnan(y))
    for code, geometry in boundaries:
        for polygon in _rings(geometry):
            outer = polygon[0]
            box = (
                todo
                & (x >= outer[:, 0].min())
                & (x <= outer[:, 0].max())
                & (y >= outer[:, 1].min())
                & (y <= outer[:, 1].max())
            )
            idx = np.nonzero(box)[0]
            if idx.size == 0:
                continue
            px, py = x[idx], y[idx]
            hit = _inside_ring(px, py, outer)
            for hole in polygon[1:]:
                hit &= ~_inside_ring(px, py, hole)
            for i in idx[hit]:
                found[int(i)] = code
            todo[idx[hit]] = False
    return found
