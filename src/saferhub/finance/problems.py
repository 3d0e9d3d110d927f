"""A ``ValidationProblem`` that names the form field it is about.

Budget monitoring and providers' returns check many fields at once (every line of a quarter, every
measure of a return) and a page must put each message beside its own input. ``FieldProblem.field``
is that input's name; views place the message by it, never by the words of the message. It is the
same attribute as ``ValidationProblem(field=…)`` where the base class has it, so a form helper that
reads ``problem.field`` reads both.
"""

from __future__ import annotations

from saferhub.core.errors import ValidationProblem


class FieldProblem(ValidationProblem):
    """Input that breaks a rule; ``field`` names the form input (``actual-12``, ``cost``)."""

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None) -> None:
        super().__init__(message, where=where)
        self.field = field


class Problems(ValidationProblem):
    """Every problem found in one submission, so a form shows them all at once (GOV.UK error
    summary) and nothing is written while any remains."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        first = problems[0]
        super().__init__(first.message, where=first.where)
        self.problems = problems
        self.field = first.field
