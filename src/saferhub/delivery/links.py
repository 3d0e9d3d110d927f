"""Find framework indicators from the way a plan names them, tolerating their absence.

A reference is a mapping with one of:

- ``slug``: an ``framework.Indicator`` slug;
- ``code`` (with ``framework`` slug or ``seed`` file name): the code a framework uses for it, e.g. "2a"
  in the commissioning strategy. A framework is found by its slug or by the seed file its ``source``
  cites;
- ``ni``: a national indicator reference such as "NI 32" (or a local one, "LI 7.2").

Missing indicators are reported, not fatal: data that links to the framework may load before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from saferhub.framework.models import Framework, Indicator, IndicatorMembership


def _norm_ni(text: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", text.lower())


def indicator_ref_label(ref: Mapping[str, Any]) -> str:
    if ref.get("slug"):
        return str(ref["slug"])
    if ref.get("ni"):
        return str(ref["ni"])
    where = ref.get("framework") or ref.get("seed") or ""
    return f"{ref.get('code', '?')} ({where})" if where else str(ref.get("code", "?"))


class IndicatorResolver:
    """Resolves many references with a few queries (the catalogue is small)."""

    def __init__(self) -> None:
        self._by_slug = {i.slug: i for i in Indicator.objects.all()}
        self._by_ni: dict[str, Indicator] = {}
        for ind in self._by_slug.values():
            if ind.national_indicator_ref:
                for part in re.split(r"[/,;]", ind.national_indicator_ref):
                    key = _norm_ni(part)
                    if key and key not in {"laa", "local"}:
                        self._by_ni.setdefault(key, ind)
        self._frameworks = list(Framework.objects.all())
        self._memberships: dict[tuple[int, str], Indicator] = {}
        for m in IndicatorMembership.objects.select_related("indicator"):
            self._memberships[m.framework_id, m.code.strip().lower()] = m.indicator

    def frameworks_for(self, *, slug: str | None = None, seed: str | None = None) -> list[Framework]:
        if slug:
            return [f for f in self._frameworks if f.slug == slug]
        if seed:
            return [f for f in self._frameworks if seed in (f.source or "")]
        return []

    def framework(self, *, slug: str | None = None, seed: str | None = None) -> Framework | None:
        found = self.frameworks_for(slug=slug, seed=seed)
        return found[0] if found else None

    def resolve(self, ref: Mapping[str, Any], *, default_seed: str | None = None) -> Indicator | None:
        if ref.get("slug"):
            return self._by_slug.get(str(ref["slug"]))
        if ref.get("ni"):
            return self._by_ni.get(_norm_ni(str(ref["ni"])))
        if ref.get("code"):
            code = str(ref["code"]).strip().lower()
            frameworks = self.frameworks_for(slug=ref.get("framework"), seed=ref.get("seed") or default_seed)
            for fw in frameworks:
                if (fw.pk, code) in self._memberships:
                    return self._memberships[fw.pk, code]
        return None

    def resolve_all(
        self, refs: Iterable[Mapping[str, Any]], *, default_seed: str | None = None
    ) -> tuple[list[Indicator], list[str]]:
        """The indicators found, and labels of the references not found."""
        found: list[Indicator] = []
        missing: list[str] = []
        for ref in refs:
            ind = self.resolve(ref, default_seed=default_seed)
            if ind is None:
                missing.append(indicator_ref_label(ref))
            elif ind not in found:
                found.append(ind)
        return found, missing
