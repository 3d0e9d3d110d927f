"""The areas page's search: by name, ONS code, postcode district or full postcode.

A postcode district can cross district boundaries (CM20 is mostly Harlow, partly East
Hertfordshire), so a postcode answer names every district it covers with its share of the
district's postcodes, from ONS's postcode directory (docs/geography.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from saferhub.geography.models import Area
from saferhub.geography.postcodes import postcode_query
from saferhub.geography.selectors import postcode_district_shares, postcode_lookup_loaded
from saferhub.performance.selectors import profile_areas, profile_areas_matching


@dataclass(frozen=True)
class PostcodePart:
    name: str
    percent: int
    area: Area | None  # the profile area to link to, when the hub holds it

    @property
    def share(self) -> str:
        return "less than 1%" if self.percent < 1 else f"{self.percent}%"


@dataclass
class AreaSearch:
    areas: list[Area]
    postcode: str = ""  # the postcode district read from the query
    parts: list[PostcodePart] = field(default_factory=list)
    message: str = ""  # a plain answer when the postcode finds nothing
    full_postcode: str = ""  # the query as typed, when it was a full postcode

    @property
    def sentence(self) -> str:
        """ "CM20 is mostly in Harlow (97%), also East Hertfordshire (3%)." or "SS1 is in Southend-on-Sea."."""
        if not self.parts:
            return ""
        lead = f"{self.full_postcode} is in postcode district {self.postcode}. " if self.full_postcode else ""
        first, rest = self.parts[0], self.parts[1:]
        if not rest:
            return f"{lead}{self.postcode} is in {first.name}."
        also = ", ".join(f"{p.name} ({p.share})" for p in rest)
        if first.percent <= 50:  # no one district holds most of it
            return f"{lead}{self.postcode} is in {first.name} ({first.share}), {also}."
        return f"{lead}{self.postcode} is mostly in {first.name} ({first.share}), also {also}."


def area_search(*, query: str) -> AreaSearch:
    """Areas whose name or code matches ``query``, and when it reads as a postcode, the districts
    its postcode district covers (each profile area among them listed first)."""
    by_name = list(profile_areas_matching(query=query))
    read = postcode_query(query)
    if read.district is None:
        message = ""
        if read.malformed and not by_name:
            message = (
                f"‘{query}’ is not a postcode. A full postcode looks like CM20 1AB; "
                "its first part, CM20, is the postcode district."
            )
        return AreaSearch(areas=by_name, message=message)
    shares = postcode_district_shares(district=read.district)
    if not shares:
        if not postcode_lookup_loaded():
            message = "Postcode search is not available on this hub yet. Search by the area's name instead."
        else:
            message = (
                f"No postcode district {read.district} is known. Check the postcode, or search by the area's name."
            )
        return AreaSearch(areas=by_name, postcode=read.district, message=message if not by_name else "")
    codes = [code for code, _ in shares]
    profiles = {a.code: a for a in profile_areas().filter(code__in=codes)}
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    total = sum(n for _, n in shares)
    parts = [
        PostcodePart(name=names[code], percent=round(100 * n / total), area=profiles.get(code))
        for code, n in shares
        if code in names
    ]
    outside = [n for code, n in shares if code not in names]
    if outside:
        name = "a district outside this hub" if len(outside) == 1 else "districts outside this hub"
        parts.append(PostcodePart(name=name, percent=round(100 * sum(outside) / total), area=None))
    found = [p.area for p in parts if p.area is not None]
    found += [a for a in by_name if a.code not in profiles]
    full = " ".join(query.upper().split()) if read.full else ""
    return AreaSearch(areas=found, postcode=read.district, parts=parts, full_postcode=full)
