"""The partnerships as a tree of who is accountable to whom (drawn by ``diagram``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from saferhub.accounts.models import Partnership


@dataclass
class StructureNode:
    partnership: Partnership
    children: list[StructureNode] = field(default_factory=list)


def governance_structure() -> list[StructureNode]:
    """Every partnership as a tree of accountable-to relationships (one query). A partnership whose
    accountable-to chain loops is shown at the top level rather than lost."""
    partnerships = list(Partnership.objects.order_by("name"))
    nodes = {p.pk: StructureNode(partnership=p) for p in partnerships}
    roots: list[StructureNode] = []
    for p in partnerships:
        parent = nodes.get(p.accountable_to_id) if p.accountable_to_id else None
        if parent is not None and not _loops(p, nodes):
            parent.children.append(nodes[p.pk])
        else:
            roots.append(nodes[p.pk])
    # The widest structures first, lone partnerships last: the structure reads top-down.
    roots.sort(key=lambda n: (-_size(n), n.partnership.name.lower()))
    return roots


def _size(node: StructureNode) -> int:
    return sum(1 + _size(child) for child in node.children)


def _loops(p: Partnership, nodes: dict[int, StructureNode]) -> bool:
    seen = {p.pk}
    current = p.accountable_to_id
    while current is not None and current in nodes:
        if current in seen:
            return True
        seen.add(current)
        current = nodes[current].partnership.accountable_to_id
    return False
