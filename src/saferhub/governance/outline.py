"""Minutes, terms of reference and agenda text as plain outlines, rendered to safe HTML.

The secretariat types what minutes look like on paper, and nothing else:

- blank lines separate paragraphs;
- a line starting ``- `` is a bullet, ``1. `` a numbered point, ``a. `` a lettered point;
- two more spaces of indent put a point under the one above;
- ``*words*`` are emphasised (the minutes' italic responses and the partnership's name).

Everything is escaped first, so a hostile string is shown, never run. Pure Python: no Django.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_MARKER = re.compile(
    r"^(?P<indent> *)(?:(?P<bullet>[-•])|(?P<number>\d{1,3})[.)]|(?P<letter>[a-z])[.)])\s+(?P<text>.*)$"
)
_EMPHASIS = re.compile(r"\*(?=\S)([^*\n]+?)(?<=\S)\*")


@dataclass
class _Item:
    text: list[str]
    children: list[_List] = field(default_factory=list)
    value: int | None = None


@dataclass
class _List:
    kind: str  # "ul", "ol-1", "ol-a"
    level: int
    items: list[_Item] = field(default_factory=list)


@dataclass
class _Paragraph:
    lines: list[str]


def _inline(text: str) -> str:
    return _EMPHASIS.sub(r"<em>\1</em>", html.escape(text.strip(), quote=True))


def outline_points(text: str) -> list[tuple[str, list[str]]]:
    """Top-level points and the points under each: for short lists such as purposes."""
    points: list[tuple[str, list[str]]] = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        match = _MARKER.match(raw.rstrip())
        indent = len(match.group("indent")) if match else len(raw) - len(raw.lstrip(" "))
        body = match.group("text") if match else raw.strip()
        if indent >= 2 and points:
            points[-1][1].append(body)
        else:
            points.append((body, []))
    return points


def _parse(text: str) -> list[_Paragraph | _List]:
    blocks: list[_Paragraph | _List] = []
    stack: list[_List] = []  # the open lists, outermost first
    paragraph: _Paragraph | None = None
    for raw in (text or "").replace("\r\n", "\n").replace("\t", "  ").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            paragraph = None
            continue
        match = _MARKER.match(line)
        if match:
            paragraph = None
            level = len(match.group("indent")) // 2
            kind = "ul" if match.group("bullet") else ("ol-1" if match.group("number") else "ol-a")
            while stack and (stack[-1].level > level or (stack[-1].level == level and stack[-1].kind != kind)):
                stack.pop()
            if stack and stack[-1].level == level:
                current = stack[-1]
            else:
                current = _List(kind=kind, level=level)
                if stack and stack[-1].items:
                    stack[-1].items[-1].children.append(current)
                else:
                    stack.clear()
                    blocks.append(current)
                stack.append(current)
            value = int(match.group("number")) if match.group("number") else None
            current.items.append(_Item(text=[match.group("text")], value=value))
            continue
        indent = len(line) - len(line.lstrip(" "))
        if stack and indent >= 2:  # a continuation line under the last point
            stack[-1].items[-1].text.append(line.strip())
            continue
        stack.clear()
        if paragraph is None:
            paragraph = _Paragraph(lines=[])
            blocks.append(paragraph)
        paragraph.lines.append(line.strip())
    return blocks


def _render_list(block: _List) -> str:
    if block.kind == "ul":
        opening = '<ul class="govuk-list govuk-list--bullet">'
        closing = "</ul>"
    else:
        start = block.items[0].value if block.kind == "ol-1" and block.items[0].value not in (None, 1) else None
        # The Design System's numbered list sets decimal numbers; letters need saying inline.
        type_attr = ' type="a" style="list-style-type: lower-alpha"' if block.kind == "ol-a" else ""
        start_attr = f' start="{start}"' if start is not None else ""
        opening = f'<ol class="govuk-list govuk-list--number"{type_attr}{start_attr}>'
        closing = "</ol>"
    parts = [opening]
    for item in block.items:
        parts.append("<li>" + "<br>".join(_inline(t) for t in item.text))
        parts.extend(_render_list(child) for child in item.children)
        parts.append("</li>")
    parts.append(closing)
    return "".join(parts)


def outline_html(text: str) -> str:
    """Render an outline to HTML using GOV.UK body and list classes. The result is safe to mark safe."""
    out = []
    for block in _parse(text):
        if isinstance(block, _Paragraph):
            out.append('<p class="govuk-body">' + " ".join(_inline(line) for line in block.lines) + "</p>")
        else:
            out.append(_render_list(block))
    return "\n".join(out)


def inline_html(text: str) -> str:
    """One line of text, escaped, with *emphasis*: for decisions and titles inside tables."""
    return _inline(text or "")
