"""The field-level checks framework files go through, and the keys each part of a file may use.

``Checker`` collects every problem (with where it is) instead of stopping at the first; each check
returns a clean value or None.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from saferhub.core.codes import parse_period, validate_gss_code
from saferhub.core.errors import ValidationProblem
from saferhub.framework.fileformat import FRAMEWORK_FIELDS, SHEETS, Node
from saferhub.framework.models import ValueType

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NON_NEGATIVE_TYPES = {
    ValueType.COUNT,
    ValueType.RATE_PER_1000,
    ValueType.RATE_PER_10000,
    ValueType.RATE_PER_100000,
    ValueType.PERCENTAGE,
    ValueType.CURRENCY,
}
MAX_TEXT = 20_000


class Checker:
    """Collects problems; each check returns a clean value or None."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append((where, message))

    def mapping(self, value: Any, where: str, what: str) -> Node | None:
        if isinstance(value, Node):
            return value
        self.problem(where, f"{what} should be a mapping of fields (name: value)")
        return None

    def items(self, node: Node, key: str) -> list[Node]:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(node.at(key), f"{key} should be a list")
            return []
        out = []
        for item in value:
            checked = self.mapping(item, getattr(value, "where", node.at(key)), f"each item of {key}")
            if checked is not None:
                out.append(checked)
        return out

    def unknown_keys(self, node: Node, allowed: set[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(
                    node.at(key), f"{key!r} is not a field of {what} (expected one of {', '.join(sorted(allowed))})"
                )

    def text(self, node: Node, key: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(node.at(key), f"{key} is required")
            return ""
        if isinstance(value, (dict, list)):
            self.problem(node.at(key), f"{key} should be text")
            return ""
        text = str(value).strip() if not isinstance(value, str) else value.strip()
        if "\x00" in text:
            self.problem(node.at(key), f"{key} contains a NUL character")
            return ""
        if len(text) > max_length:
            self.problem(node.at(key), f"{key} is {len(text)} characters long; the most allowed is {max_length}")
            return text[:max_length]
        return text

    def slug(self, node: Node, key: str, *, required: bool = True) -> str:
        text = self.text(node, key, required=required, max_length=120)
        if text and not SLUG.match(text):
            self.problem(
                node.at(key), f"{key} {text!r} is not a slug: use lower-case letters, digits and single hyphens"
            )
        return text

    def choice(self, node: Node, key: str, choices: list[str], default: str) -> str:
        text = self.text(node, key)
        if not text:
            return default
        if text not in choices:
            self.problem(node.at(key), f"{key} {text!r} is not one of: {', '.join(c for c in choices if c)}")
            return default
        return text

    def number(self, node: Node, key: str) -> float | None:
        value = node.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.problem(node.at(key), f"{key} {value!r} is not a number")
            return None
        try:
            number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            self.problem(node.at(key), f"{key} {value!r} is not a number")
            return None
        if not math.isfinite(number):
            self.problem(node.at(key), f"{key} {value!r} is not a number")
            return None
        return number

    def date(self, node: Node, key: str) -> date | None:
        value = node.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(node.at(key), f"{key} {value!r} is not a date written as YYYY-MM-DD")
            return None

    def period(self, node: Node, key: str, *, required: bool = False) -> str:
        text = self.text(node, key, required=required, max_length=40)
        if not text:
            return ""
        try:
            return parse_period(text).label
        except ValidationProblem as exc:
            self.problem(node.at(key), f"{key}: {exc.message}")
            return ""

    def area(self, node: Node, key: str, known: set[str], *, required: bool = False) -> str:
        text = self.text(node, key, required=required, max_length=20)
        if not text:
            return ""
        try:
            code = validate_gss_code(text)
        except ValidationProblem as exc:
            self.problem(node.at(key), f"{key}: {exc.message}")
            return ""
        if code not in known:
            self.problem(node.at(key), f"{key} {code} is not an area in the hub (load its geography first)")
            return ""
        return code

    def flag(self, node: Node, key: str) -> bool:
        value = node.get(key)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("yes", "true", "1"):
            return True
        if text in ("no", "false", "0"):
            return False
        self.problem(node.at(key), f"{key} {value!r} should be yes or no")
        return False


# The keys a file may use come from the XLSX layout's columns (one list for both layouts), with
# what only the YAML layout nests (polarity changes, computed definitions) added.
FRAMEWORK_KEYS = set(FRAMEWORK_FIELDS)
TOP_KEYS = {"framework", "outcomes", "themes"}
OUTCOME_KEYS = {"code", "title", "description", "source", "themes"}
THEME_KEYS = {"code", "title", "description", "source", "story", "partners", "indicators"}
MEMBERSHIP_KEYS = {
    "code",
    "indicator",
    "reference",
    "title_in_plan",
    "lead",
    "context",
    "source",
    "story",
    "targets",
    "baselines",
    "values",
    "partners",
}
INDICATOR_KEYS = set(SHEETS["Indicators"]) | {"polarity_changes", "computed"}
TARGET_KEYS = set(SHEETS["Targets"]) - {"indicator"}
BASELINE_KEYS = {"key", "area", "period", "value", "wording", "source"}
VALUE_KEYS = {
    "area",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "status",
    "flags",
    "source",
    "quote",
}
PARTNER_KEYS = {"name", "organisation", "contribution", "how_we_work", "source"}
STORY_KEYS = {"text", "source"}
