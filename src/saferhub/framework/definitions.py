"""The ``computed:`` key of an indicator in a framework file: how its values are counted from
imported records. The rules live in :mod:`saferhub.measures.definitions`; this module only
reports a problem against the file's own position so every problem in a file is listed together."""

from __future__ import annotations

from typing import Any, Protocol

from saferhub.core.errors import ValidationProblem
from saferhub.framework.fileformat import Node
from saferhub.measures.definitions import IMPORTER_SOURCES, as_json, describe, parse_definition


class _Reports(Protocol):
    def problem(self, where: str, message: str) -> None: ...


def computed_definition(check: _Reports, node: Node) -> dict[str, Any]:
    """The checked definition as stored on the indicator, or ``{}`` when there is none (or it is wrong)."""
    if "computed" not in node or node["computed"] in (None, {}):
        return {}
    where = node.at("computed")
    try:
        return as_json(parse_definition(node["computed"], where=where))
    except ValidationProblem as problem:
        field = f" ({problem.field})" if problem.field else ""
        check.problem(where + field, problem.message)
        return {}


def how_computed(indicator: Any) -> str:
    """The "how this is computed" note of an indicator with a computable definition, or of one an
    importer writes from open records (police.uk, STATS19), else ``""``."""
    if not indicator.computed:
        if indicator.data_source in IMPORTER_SOURCES:
            what = f" {indicator.definition.rstrip('.')}." if indicator.definition else ""
            return f"Counted by the hub from {indicator.data_source} records as they are imported.{what}"
        return ""
    try:
        return describe(parse_definition(indicator.computed, where=f"indicator {indicator.slug}"))
    except ValidationProblem:
        return ""
