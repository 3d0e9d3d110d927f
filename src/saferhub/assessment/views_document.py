"""The strategic assessment document of a partnership area and year: the page, its PDF (the same
template, ``document.py``), and the page where members write its narrative sections.

The figures follow the area's rules as the hot spot page does (``views._reader``): the public read
them suppressed, a partnership that does not publish its figures keeps them for its members. The
narrative sections are read by members as drafts and by everyone once published; only the
partnership's analysts and administrators write them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from saferhub.accounts.access import access_require
from saferhub.assessment.document import EDIT_ROLE, Document, document_build, own_partnership
from saferhub.assessment.models import NarrativeSection
from saferhub.assessment.narrative import narrative_errors, narrative_history, narrative_save
from saferhub.assessment.views import _guarded, _reader
from saferhub.core.errors import ValidationProblem
from saferhub.core.pdf import pdf_layout
from saferhub.geography.models import CSP_AREA_TYPES, Area
from saferhub.sharing.audit import sharing_read_note

YEARS = range(2000, 2101)


def _area(code: str, year: int) -> Area:
    area = Area.objects.filter(code=code.upper(), area_type__in=CSP_AREA_TYPES).first()
    if area is None or year not in YEARS:
        raise Http404("There is no strategic assessment for that area and year.")
    return area


def _build(request: HttpRequest, code: str, year: int) -> Document:
    area = _area(code, year)
    public = _reader(request, area)
    doc = document_build(area=area, year=year, user=request.user, public=public)
    if not public:
        sharing_read_note(
            user=request.user, sources=["police-uk"], what="Strategic assessment", areas=[area.code], periods=str(year)
        )
    return doc


def _body(doc: Document, *, print: bool, pages: dict[str, int] | None = None) -> str:
    return render_to_string("assessment/_document.html", {"doc": doc, "print": print, "pages": pages or {}})


@_guarded
def document(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The strategic assessment for a partnership area and year, with its narrative sections."""
    doc = _build(request, code, year)
    saved = "The section was saved." if request.GET.get("saved") else ""
    return render(request, "assessment/document.html", {"doc": doc, "body": _body(doc, print=False), "saved": saved})


def document_pdf_bytes(doc: Document, *, base_url: str) -> tuple[bytes, dict[str, int]]:
    """The document's PDF and the page each section starts on."""
    printed = render_to_string(
        "assessment/document_print.html",
        {"doc": doc, "body": _body(doc, print=True), "service_name": settings.SERVICE_NAME},
    )
    return pdf_layout(printed, base_url=base_url, anchors=[anchor for anchor, _ in doc.sections])


@_guarded
def document_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    doc = _build(request, code, year)
    pdf, _ = document_pdf_bytes(doc, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"strategic-assessment-{doc.area.name.lower().replace(' ', '-')}-{year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def narrative_edit(request: HttpRequest, code: str, year: int, key: str) -> HttpResponse:
    """Write one narrative section (analysts and administrators of the area's partnership)."""
    area = _area(code, year)
    if key not in NarrativeSection.Key.values:
        raise Http404("There is no such section.")
    partnership = own_partnership(area)
    if partnership is None:
        raise Http404("This area has no partnership to write its assessment.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    access_require(request.user, partnership, EDIT_ROLE)
    section = NarrativeSection.objects.filter(partnership=partnership, year=year, key=key).first()
    text = section.text if section else ""
    publication = section.publication if section else "members"
    errors: dict[str, str] = {}
    if request.method == "POST":
        text, publication, errors = narrative_errors(request.POST)
        if not errors:
            try:
                narrative_save(
                    user=request.user, partnership=partnership, year=year, key=key, text=text, publication=publication
                )
            except ValidationProblem as problem:  # the service's refusal lands on the field it names
                field = problem.field if problem.field in ("text", "publication") else "text"
                errors[field] = problem.message[:1].upper() + problem.message[1:]
            else:
                return redirect(
                    reverse("assessment:document", args=[area.code, year]) + f"?saved={key}#narrative-{key}"
                )
    context = {
        "area": area,
        "year": year,
        "partnership": partnership,
        "label": NarrativeSection.Key(key).label,
        "text": text,
        "publication": publication,
        "errors": errors,
        "history": narrative_history(section),
    }
    return render(request, "assessment/narrative_edit.html", context, status=400 if errors else 200)
