"""Laying out a printed document with WeasyPrint once, and reading where its sections landed.

Shared by the board's performance pack (``reports``) and the strategic assessment (``assessment``):
the PDF is the web page's body inside a print wrapper (``web/components/print_styles.html`` holds
the GOV.UK print styles both use); the page each section's anchor landed on is read from the laid-out
pages, so the web page's contents list can print the same page numbers as the PDF.
"""

from __future__ import annotations

from typing import Any


def section_pages(document: Any, anchors: list[str]) -> dict[str, int]:
    """The page (from 1) on which each anchor landed in a laid-out WeasyPrint document."""
    wanted = set(anchors)
    found: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            if anchor in wanted and anchor not in found:
                found[anchor] = number
    return found


def pdf_layout(html: str, *, base_url: str, anchors: list[str]) -> tuple[bytes, dict[str, int]]:
    """The PDF (PDF/UA-1) of a standalone HTML document and the page each anchor landed on."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url).render()
    pages = section_pages(document, anchors)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf), pages
