"""Pages for contributors: upload a file, watch it being checked, see what will change, confirm.

Views parse input, ask ``saferhub.accounts.access`` and call one service or selector.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from saferhub.accounts.access import access_partnerships, access_require
from saferhub.accounts.models import Partnership, Role
from saferhub.core.errors import NotFound, ValidationProblem
from saferhub.core.forms import FormErrors, form_problem_add
from saferhub.ingest import recovery
from saferhub.ingest.changes import changed_pages, preview_changes
from saferhub.ingest.models import Import
from saferhub.ingest.selectors import imports_for_partnerships, return_indicators, returns_template
from saferhub.ingest.services import import_discard, import_rejections_csv
from saferhub.ingest.uploads import import_confirm_start, import_upload

SOURCE_CHOICES = [
    ("police-uk", "police.uk street-level crime and anti-social behaviour (CSV, a gzip'd CSV, or a zip of a download)"),
    ("stats19", "STATS19 road casualties: collision, casualty or vehicle file (CSV, a gzip'd CSV, or a zip of them)"),
    ("returns", "A return or survey results: indicator values (CSV or Excel .xlsx)"),
    ("mapped", "A partner's own layout, with a mapping file that says how to read it"),
]


def _import_for(request: HttpRequest, import_id: int) -> Import:
    run = Import.objects.select_related("user", "partnership").filter(pk=import_id).first()
    if run is None:
        raise Http404("There is no such import.")
    if run.partnership is not None:
        access_require(request.user, run.partnership, Role.CONTRIBUTOR)
    elif not (request.user.is_superuser or run.user_id == request.user.pk):
        raise PermissionDenied("Only administrators can see imports made outside a partnership.")
    return run


@login_required
def import_list(request: HttpRequest) -> HttpResponse:

    partnerships = access_partnerships(request.user, Role.CONTRIBUTOR)
    runs = imports_for_partnerships(partnerships=partnerships, user=request.user)
    return render(request, "ingest/import_list.html", {"runs": runs, "can_upload": partnerships.exists()})


@login_required
def import_upload_view(request: HttpRequest) -> HttpResponse:

    partnerships = list(access_partnerships(request.user, Role.CONTRIBUTOR))
    if not partnerships:
        raise PermissionDenied("You need the contributor role in a partnership to upload data.")
    errors = FormErrors()
    chosen = request.GET.get("indicator", "")  # from an indicator page's "upload it" link
    templates = return_indicators()
    values: dict[str, Any] = {
        "source": request.POST.get("source", "returns" if chosen else ""),
        # A contributor of one partnership has nothing to choose: it is chosen for them.
        "partnership": request.POST.get("partnership", partnerships[0].slug if len(partnerships) == 1 else ""),
    }
    if request.method == "POST":
        partnership = next((p for p in partnerships if p.slug == values["partnership"]), None)
        if partnership is None:
            errors.add("partnership", "Select the partnership the data is for")
        if values["source"] not in dict(SOURCE_CHOICES):
            errors.add("source", "Select what kind of file it is")
        upload = request.FILES.get("file")
        if upload is None:
            errors.add("file", "Select a file")
        elif upload.size == 0:
            errors.add("file", "The selected file is empty")
        if values["source"] == "mapped" and request.FILES.get("mapping") is None:
            errors.add("mapping", "Select the mapping file")
        if not errors:
            assert partnership is not None and upload is not None
            access_require(request.user, partnership, Role.CONTRIBUTOR)
            try:
                run = import_upload(
                    user=request.user,
                    partnership=partnership,
                    source=values["source"],
                    upload=upload,
                    mapping_upload=request.FILES.get("mapping"),
                )
            except ValidationProblem as exc:
                # the service's arguments are named for what they hold; the inputs are "file" and "mapping"
                form_problem_add(errors, exc, fields={"upload": "file", "mapping_upload": "mapping"})
            else:
                return redirect("ingest:detail", import_id=run.pk)
    return render(
        request,
        "ingest/import_upload.html",
        {
            "partnerships": partnerships,
            "sources": SOURCE_CHOICES,
            "errors": errors,
            "values": values,
            "templates": templates,
            "chosen": next((t for t in templates if t["slug"] == chosen), None),
        },
        status=400 if errors else 200,
    )


@login_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    run = _import_for(request, import_id)
    summary = run.summary or {}
    if recovery.imports_stalled_fail(import_run=run):  # its process ended: say so, not "Checking"
        run.refresh_from_db()
    running = run.status == Import.Status.STAGED and not summary.get("awaiting_confirmation")
    rejections = list(run.rejections.order_by("id")[:50])
    awaiting = run.status == Import.Status.STAGED and summary.get("awaiting_confirmation")
    return render(
        request,
        "ingest/import_detail.html",
        {
            "run": run,
            "summary": summary,
            "running": running,
            "awaiting": awaiting,
            "preview": preview_changes(summary=summary, user=request.user) if awaiting else None,
            "pages": changed_pages(summary=summary, user=request.user) if run.status == Import.Status.COMMITTED else {},
            "rejections": rejections,
            "more_rejections": max(0, run.rejections.count() - len(rejections)),
            "totals": summary.get("totals", {}),
            "compare": summary.get("compare", {}),
            "shrinks": _shrinks(summary.get("compare", {})),
            "values": summary.get("values", {}),
            "notes": summary.get("notes", []),
            "progress_percent": int(100 * run.progress_done / run.progress_total) if run.progress_total else 0,
        },
    )


SHRINK_WARNING = 0.5  # a replacement with under half the records it replaces is probably a partial file


def _shrinks(compare: dict[str, int]) -> bool:
    """Whether confirming would replace stored months with far fewer records (a cut-down or partial
    file): the page warns before the contributor confirms."""
    before, after = compare.get("rows_before", 0), compare.get("rows_after", 0)
    return bool(compare.get("replaced")) and before > 0 and after < SHRINK_WARNING * before


@login_required
@require_POST
def import_confirm_view(request: HttpRequest, import_id: int) -> HttpResponse:

    run = _import_for(request, import_id)
    if run.status == Import.Status.STAGED and (run.summary or {}).get("awaiting_confirmation"):
        import_confirm_start(import_run=run, user=request.user)
    return redirect("ingest:detail", import_id=run.pk)


@login_required
@require_POST
def import_discard_view(request: HttpRequest, import_id: int) -> HttpResponse:

    run = _import_for(request, import_id)
    if run.status == Import.Status.STAGED:
        import_discard(import_run=run, user=request.user)
    return redirect("ingest:detail", import_id=run.pk)


@login_required
def import_rejections_download(request: HttpRequest, import_id: int) -> HttpResponse:

    run = _import_for(request, import_id)
    response = HttpResponse(import_rejections_csv(import_run=run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-rejected-rows.csv"'
    return response


@login_required
def returns_template_download(request: HttpRequest, indicator_slug: str, fmt: str) -> HttpResponse:

    if fmt not in ("csv", "xlsx"):
        raise Http404("Templates are CSV or XLSX.")
    partnership = None
    if request.GET.get("partnership"):
        partnership = Partnership.objects.filter(slug=request.GET["partnership"]).first()
        if partnership is None:
            raise Http404("There is no such partnership.")
        access_require(request.user, partnership, Role.CONTRIBUTOR)
    try:
        content, name = returns_template(indicator_slug=indicator_slug, partnership=partnership, fmt=fmt)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
