"""The pack as HTML and PDF from one template, with the same page numbers in both.

``reports/_pack.html`` is the pack's body. The PDF is WeasyPrint's rendering of that body inside a
print wrapper (as governance renders agendas and minutes); the web page includes the same body.
Page numbers come from the PDF's own layout, laid out once (``saferhub.core.pdf``, shared with the
strategic assessment): the PDF's contents list prints each section's page with CSS
``target-counter()``, and the page each section's anchor landed on is read from WeasyPrint's
laid-out pages; the web page's body is then rendered with those numbers in its
contents list and headings, so the page shows the page numbers the PDF prints.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from saferhub.core.pdf import pdf_layout
from saferhub.reports.pack import Pack, money_totals


@dataclass(frozen=True)
class RenderedPack:
    html: str  # the body, for the web page
    pdf: bytes
    pages: dict[str, int]  # section anchor -> PDF page number

    @property
    def html_sha256(self) -> str:
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()

    @property
    def pdf_sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def pack_body_html(pack: Pack, *, pages: dict[str, int], print: bool = False) -> str:
    """The pack's body (the same template for the page and the PDF). The page shows the section page
    numbers given; the PDF prints its own (``print``)."""
    context = {
        "pack": pack,
        "pages": pages,
        "print": print,
        "money_totals": money_totals(pack.money),
        "service_name": settings.SERVICE_NAME,
    }
    return render_to_string("reports/_pack.html", context)


def pack_print_html(pack: Pack, body: str) -> str:
    """The standalone HTML the PDF is made from: the body inside the print wrapper."""
    return render_to_string(
        "reports/pack_print.html", {"pack": pack, "body": body, "service_name": settings.SERVICE_NAME}
    )


def pack_render(pack: Pack, *, base_url: str) -> RenderedPack:
    """Lay the pack out once as a PDF, read where its sections landed, and render the page's body
    with those page numbers."""
    printed = pack_print_html(pack, pack_body_html(pack, pages={}, print=True))
    pdf, pages = pdf_layout(printed, base_url=base_url, anchors=[anchor for anchor, _ in pack.sections])
    return RenderedPack(html=pack_body_html(pack, pages=pages), pdf=pdf, pages=pages)
