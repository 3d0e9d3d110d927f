"""The strategic assessment: published and recomputed priority matrices, hotspots, repeat locations,
and the seriousness and cost-of-harm reference data they are scored with."""
