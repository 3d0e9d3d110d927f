"""Coordinates: national grid to longitude and latitude, and points in boundaries."""

import numpy as np
import pytest

from saferhub.ingest.points import areas_for_points, osgb_to_wgs84


def test_national_grid_converts_to_wgs84_longitude_first():
    # Ordnance Survey's own worked example point, Caister water tower: E 651409.903, N 313177.270
    lon, lat = osgb_to_wgs84(np.array([651409.903]), np.array([313177.270]))
    assert lon[0] == pytest.approx(1.716, abs=0.001)
    assert lat[0] == pytest.approx(52.658, abs=0.001)


def test_points_are_placed_in_the_boundary_that_holds_them_holes_excluded():
    square = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]],
    }
    other = {"type": "MultiPolygon", "coordinates": [[[[20, 0], [30, 0], [30, 10], [20, 0]]]]}
    found = areas_for_points(
        np.array([1.0, 5.0, 25.0, 50.0, np.nan]), np.array([1.0, 5.0, 2.0, 50.0, 1.0]), [("A", square), ("B", other)]
    )
    assert found == ["A", None, "B", None, None]
