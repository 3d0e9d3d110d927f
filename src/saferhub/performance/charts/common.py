"""What every performance chart shares: the SPC and sequential colour scales, the legend builder
for shape-and-colour scales, and the start date of a period label."""

from __future__ import annotations

from collections.abc import Sequence

from saferhub.core import charts as c
from saferhub.core.codes import parse_period

SPC_STYLE = {
    "common_cause": ("Common cause", c.MID_GREY, "circle"),
    "special_cause_improvement": ("Special cause: improvement", c.BLUE, "triangle-up"),
    "special_cause_concern": ("Special cause: concern", c.ORANGE, "triangle-down"),
    "special_cause_neutral": ("Special cause: neutral", c.PURPLE, "diamond"),
}
SEQUENTIAL = ["#d2e2f1", "#a5c6e2", "#5694ca", "#1d70b8", "#003078"]


def scale(styles: dict[str, tuple[str, str, str]], keys: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """Labels, colours and shapes of the styles present in ``keys`` (the first style when none is)."""
    present = [k for k in styles if k in set(keys)] or list(styles)[:1]
    return ([styles[k][0] for k in present], [styles[k][1] for k in present], [styles[k][2] for k in present])


def start_of(label: str) -> str:
    """The ISO start date of a period label (the x position of a point)."""
    return parse_period(label).start.isoformat()
