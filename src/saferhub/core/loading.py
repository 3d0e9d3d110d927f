"""What a loader of built-in or imported data did, said the same way by every loader.

Every ``*_essex_load`` (accounts, framework, delivery, risks, finance, governance) returns a
``LoadSummary``: how many records of each kind were created, updated, left unchanged or kept as a
person edited them; what was loaded (frameworks, plans…); the references it could not link yet
(an indicator the framework does not have: reported, never an error); and notes. The command line
prints it with ``lines()``. Pure Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Counts:
    """Records of one kind: created, updated, unchanged, and kept as edited in the hub."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.kept + other.kept,
        )

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.kept} kept as edited in the hub" if self.kept else "")


def _counts() -> defaultdict[str, Counts]:
    return defaultdict(Counts)


@dataclass
class LoadSummary:
    """``counts`` by kind of record ("actions", "risk registers"); ``loaded`` names what was loaded
    (framework slugs…); ``not_linked`` maps a reference the loader could not link yet to the places
    that asked for it; ``notes`` are sentences for the person who ran it."""

    counts: defaultdict[str, Counts] = field(default_factory=_counts)
    loaded: list[str] = field(default_factory=list)
    not_linked: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str) -> Counts:
        """The counts for one kind of record (made on first use)."""
        return self.counts[kind]

    def not_linked_add(self, reference: str, wanted_by: str) -> None:
        places = self.not_linked.setdefault(reference, [])
        if wanted_by not in places:
            places.append(wanted_by)

    @property
    def total(self) -> Counts:
        out = Counts()
        for counts in self.counts.values():
            out = out + counts
        return out

    @property
    def changed(self) -> bool:
        """Whether the load created or changed anything."""
        total = self.total
        return bool(total.created or total.updated)

    def lines(self) -> list[str]:
        """The summary for the command line: one line per kind of record, then what is not linked
        yet and the notes."""
        out = [f"{kind}: {self.counts[kind]}" for kind in sorted(self.counts)]
        if self.not_linked:
            out.append(
                f"not linked yet ({len(self.not_linked)}; load what they refer to and run again): "
                + "; ".join(f"{ref} ({', '.join(places)})" for ref, places in self.not_linked.items())
            )
        out.extend(self.notes)
        return out

    def __str__(self) -> str:
        return str(self.total)
