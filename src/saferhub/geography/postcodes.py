"""Reading a postcode or a postcode district as someone types it: any case, any spacing.

A full postcode is an outward code (the postcode district: one or two letters, a digit, then
an optional letter or digit, e.g. CM20, SS1, EC1A) and an inward code (a digit and two letters,
e.g. 1AB). Search needs only the district.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")
_DISTRICT = re.compile(rf"^{_OUTWARD}$")
_ONS_CODE = re.compile(r"^[EWSNK][0-9]{2}")


@dataclass(frozen=True)
class PostcodeQuery:
    """What a search box's text is as a postcode: ``district`` when it reads as a postcode or a
    postcode district; ``malformed`` when it looks like a try at one (letters then digits) but is
    not; neither for a name or an ONS code."""

    district: str | None = None
    full: bool = False
    malformed: bool = False


def postcode_query(text: str) -> PostcodeQuery:
    """Read ``text`` as a postcode: "cm20 1ab", "CM201AB" and " Cm20 " all give district CM20."""
    compact = re.sub(r"\s+", "", text).upper()
    if not compact or (_ONS_CODE.match(compact) and len(compact) > 4):
        return PostcodeQuery()
    if match := _FULL.match(compact):
        return PostcodeQuery(district=match.group(1), full=True)
    if _DISTRICT.match(compact):
        return PostcodeQuery(district=compact)
    looks_like_one = re.match(r"^[A-Z]{1,2}[0-9]", compact) is not None and len(compact) <= 8
    return PostcodeQuery(malformed=looks_like_one)
