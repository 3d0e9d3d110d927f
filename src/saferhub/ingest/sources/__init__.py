"""One importer per kind of partner file; each shares :mod:`saferhub.ingest.pipeline`."""

from __future__ import annotations

from typing import Any


def importer_for(source: str, **options: Any) -> Any:
    """The importer for an ``Import.Source`` value."""
    if source == "police-uk":
        from saferhub.ingest.sources.police_uk import PoliceUkImporter

        return PoliceUkImporter()
    if source == "stats19":
        from saferhub.ingest.sources.stats19 import Stats19Importer

        return Stats19Importer()
    if source == "mapped":
        from saferhub.ingest.sources.mapped import MappedImporter

        return MappedImporter(**options)
    if source == "returns":
        from saferhub.ingest.sources.returns import ReturnsImporter

        return ReturnsImporter(**options)
    raise ValueError(f"no importer for source {source!r}")
