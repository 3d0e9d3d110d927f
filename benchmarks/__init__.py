"""Reproducible performance runs, each with a baseline in the same run."""
