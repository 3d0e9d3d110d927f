"""Partner data in: police.uk, STATS19, mapped partner layouts and returns, with provenance and safe failure."""
