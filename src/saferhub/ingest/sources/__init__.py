"""One importer per kind of partner file; :mod:`saferhub.ingest.registry` picks one by source."""
