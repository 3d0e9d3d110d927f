"""Errors that carry a message a person can act on.

Pure Python: importable from anywhere, including the stats and record-store layers.

A ``ValidationProblem`` says *where* in words (file, row, column; the meeting and item) for logs
and the command line, and, when the input came from a form, *which field* by its name
(``field="due_date"``) so a form can put the message beside that field without reading the
words. ``code`` is a short, stable name for the kind of problem (``required``, ``duplicate``…)
for code and tests; people read ``message``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class SaferhubError(Exception):
    """Base class: the message is shown to the user as it is, on one line."""


class ValidationProblem(SaferhubError):
    """Input that breaks a rule. ``where`` names the file, row and column when known; ``field``
    names the argument (and so the form field) the problem is about; ``code`` names the rule."""

    def __init__(
        self, message: str, *, where: str | None = None, field: str | None = None, code: str = "invalid"
    ) -> None:
        self.where = where
        self.message = message
        self.field = field
        self.code = code
        super().__init__(f"{where}: {message}" if where else message)


class ValidationProblems(ValidationProblem):
    """Every problem found in one submission, so a form shows them all at once (GOV.UK error
    summary) and nothing is written while any remains. Reads as its first problem."""

    def __init__(self, problems: list[ValidationProblem]) -> None:
        first = problems[0]
        super().__init__(first.message, where=first.where, field=first.field, code=first.code)
        self.problems = problems


class NotFound(SaferhubError):
    """A named thing (area, indicator, framework) does not exist."""


@contextmanager
def about_field(field: str) -> Iterator[None]:
    """Name the field of any ``ValidationProblem`` raised inside that does not name one yet.

    For checks shared with loaders and files (money, periods, codes) that know where but not which
    form field: ``with about_field("amount"): money = to_money(...)``."""
    try:
        yield
    except ValidationProblem as problem:
        if problem.field is None:
            problem.field = field
        raise
