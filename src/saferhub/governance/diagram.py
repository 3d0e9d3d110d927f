"""The governance structure drawn from the data: a tree of accountable-to relationships, left to
right, rendered to SVG on the server (Vega's tree layout) so that it needs no JavaScript. The
nested list on the same page says the same in words."""

from __future__ import annotations

from typing import Any

from saferhub.core import charts as c
from saferhub.governance.structure import StructureNode

ROW = 22  # pixels per partnership with nothing accountable to it
COLUMN = 250  # pixels per level of accountability
LABEL_ROOM = 330  # the deepest level's names
ROOT = "__all__"  # a hidden root that holds the separate structures together


def _flatten(nodes: list[StructureNode], parent: str, out: list[dict[str, Any]], depth: int) -> int:
    """Append every node as {id, parent, name}; return the depth of the deepest (top level is 1)."""
    deepest = 0
    for node in nodes:
        p = node.partnership
        out.append({"id": str(p.pk), "parent": parent, "name": p.name})
        deepest = max(deepest, depth, _flatten(node.children, str(p.pk), out, depth + 1))
    return deepest


def _leaves(nodes: list[StructureNode]) -> int:
    return sum(_leaves(n.children) if n.children else 1 for n in nodes)


def _names(paint: dict[str, Any]) -> dict[str, Any]:
    """A text mark of the partnerships' names beside their nodes, painted as given."""
    return {
        "type": "text",
        "from": {"data": "shown"},
        "encode": {
            "update": {
                "x": {"field": "x"},
                "y": {"field": "y"},
                "dx": {"value": 8},
                "dy": {"value": -7},
                "text": {"field": "name"},
                "font": {"value": c.FONT},
                "fontSize": {"value": 13},
                "baseline": {"value": "middle"},
                "limit": {"signal": f"datum.children ? {COLUMN - 12} : {LABEL_ROOM - 12}"},
                **paint,
            }
        },
    }


def structure_svg(structure: list[StructureNode]) -> str:
    """The structure as an SVG tree; "" when no partnership is accountable to another (a list says it all)."""
    if not any(node.children for node in structure):
        return ""
    rows: list[dict[str, Any]] = [{"id": ROOT, "parent": None, "name": ""}]
    deepest = _flatten(structure, ROOT, rows, 1)
    height = max(ROW * _leaves(structure), 60)
    width = (deepest - 1) * COLUMN + LABEL_ROOM
    spec = {
        "width": width,
        "height": height,
        "padding": 8,
        "data": [
            {
                "name": "tree",
                "values": rows,
                "transform": [
                    {"type": "stratify", "key": "id", "parentKey": "parent"},
                    {
                        "type": "tree",
                        "method": "tidy",
                        "separation": False,
                        "size": [height, deepest * COLUMN],
                        "as": ["y", "x", "depth", "children"],
                    },
                    # the hidden root sits one column left of the drawing
                    {"type": "formula", "expr": f"datum.x - {COLUMN}", "as": "x"},
                ],
            },
            {
                "name": "links",
                "source": "tree",
                "transform": [
                    {"type": "treelinks"},
                    {"type": "filter", "expr": f"datum.source.id !== '{ROOT}'"},
                    {"type": "linkpath", "orient": "horizontal", "shape": "diagonal"},
                ],
            },
            {"name": "shown", "source": "tree", "transform": [{"type": "filter", "expr": f"datum.id !== '{ROOT}'"}]},
        ],
        "marks": [
            {
                "type": "path",
                "from": {"data": "links"},
                "encode": {"update": {"path": {"field": "path"}, "stroke": {"value": c.DARK_GREY}}},
            },
            {
                "type": "symbol",
                "from": {"data": "shown"},
                "encode": {
                    "update": {
                        "x": {"field": "x"},
                        "y": {"field": "y"},
                        "size": {"value": 64},
                        "fill": {"value": c.BLUE},
                        "stroke": {"value": c.BLACK},
                    }
                },
            },
            # a white halo under each name keeps it legible where links leave the node
            _names({"fill": {"value": c.WHITE}, "stroke": {"value": c.WHITE}, "strokeWidth": {"value": 5}}),
            _names({"fill": {"value": c.BLACK}}),
        ],
    }
    label = (
        f"Governance structure: {len(rows) - 1} partnerships, each joined to the partnership it is "
        "accountable to, from left to right. The list below gives the same structure in words."
    )
    return c.render_vega_svg(spec, label=label)
