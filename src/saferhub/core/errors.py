"""Errors that carry a message a person can act on.

Pure Python: importable from anywhere, including the stats and record-store layers.
"""

from __future__ import annotations


class SaferhubError(Exception):
    """Base class: the message is shown to the user as it is, on one line."""


class ValidationProblem(SaferhubError):
    """Input that breaks a rule. ``where`` names the file, row and column when known."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class NotFound(SaferhubError):
    """A named thing (area, indicator, framework) does not exist."""
