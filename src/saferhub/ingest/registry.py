"""Which importer reads which kind of partner file (an ``Import.Source`` value)."""

from __future__ import annotations

from typing import Any

from saferhub.ingest.sources.mapped import MappedImporter
from saferhub.ingest.sources.police_uk import PoliceUkImporter
from saferhub.ingest.sources.returns import ReturnsImporter
from saferhub.ingest.sources.stats19 import Stats19Importer
from saferhub.ingest.types import Importer


def importer_for(source: str, **options: Any) -> Importer:
    """The importer for an ``Import.Source`` value."""
    if source == "police-uk":
        return PoliceUkImporter()
    if source == "stats19":
        return Stats19Importer()
    if source == "mapped":
        return MappedImporter(**options)
    if source == "returns":
        return ReturnsImporter(**options)
    raise ValueError(f"no importer for source {source!r}")
