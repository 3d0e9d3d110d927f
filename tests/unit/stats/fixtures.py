"""Read the reference fixtures in tests/fixtures/stats (values from the methods' authors; see each file's source)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "stats"


def reference_csv(name: str) -> list[dict[str, str]]:
    """Rows of a fixture CSV, skipping the '#' lines that cite its source."""
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def optional_float(cell: str | None) -> float | None:
    """A reference cell as a number, or None where the reference leaves it empty (R's NA)."""
    return None if cell in (None, "", "NA") else float(cell)


def reference_json(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# PHEindicatormethods' significance labels, and ours.
PHE_SIGNIFICANCE = {
    "High (0.001)": "above_99.8",
    "High (0.025)": "above_95",
    "Not significant": "within",
    "Low (0.025)": "below_95",
    "Low (0.001)": "below_99.8",
}
