"""Information sharing pages: the agreements a person may read, each agreement with its reviews,
create and change (administrators of the keeping partnership), record a review, the datasets,
and for a dataset's owner who has read it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify

from saferhub.accounts.access import access_partnerships, access_require
from saferhub.accounts.models import Organisation, Partnership, Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.forms import FormErrors, date_parts, form_problem_add, read_date
from saferhub.sharing.access import sharing_agreement_visible, sharing_data_owner
from saferhub.sharing.models import Agreement, Dataset, LegalBasis, ReadAudit
from saferhub.sharing.services import (
    agreement_create,
    agreement_review_record,
    agreement_terms,
    agreement_update,
)

_TEXT = ("title", "purpose", "legal_basis_other", "permitted_uses", "retention_months", "signatories", "status")


def _agreement(user: Any, slug: str) -> Agreement:
    agreement = get_object_or_404(Agreement.objects.select_related("partnership"), slug=slug)
    if not sharing_agreement_visible(user, agreement):
        # the agreement's existence is not disclosed to people who may not read it
        raise Http404("No such agreement")
    return agreement


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    agreements = [
        a
        for a in Agreement.objects.select_related("partnership").prefetch_related("party_organisations")
        if sharing_agreement_visible(request.user, a)
    ]
    can_create = access_partnerships(request.user, Role.ADMINISTRATOR)
    return render(
        request,
        "sharing/agreement_list.html",
        {"agreements": agreements, "today": today, "create_for": list(can_create)},
    )


@login_required
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = _agreement(request.user, slug)
    return render(request, "sharing/agreement_detail.html", _detail_context(request, agreement))


def _detail_context(request: HttpRequest, agreement: Agreement) -> dict[str, Any]:
    return {
        "agreement": agreement,
        "today": timezone.localdate(),
        "overdue": agreement.review_overdue(timezone.localdate()),
        "reviews": list(agreement.reviews.all()),
        "can_change": access_partnerships(request.user, Role.ADMINISTRATOR)
        .filter(pk=agreement.partnership_id)
        .exists(),
        "errors": FormErrors(date_inputs={"reviewed_on", "next_review_date"}),
        "form": {"on": date_parts(None), "next": date_parts(None)},
    }


def _agreement_form(request: HttpRequest, partnership: Partnership, agreement: Agreement | None) -> HttpResponse:
    errors = FormErrors(date_inputs={"review_date"})
    organisations = list(Organisation.objects.all())
    partnerships = list(Partnership.objects.all())
    datasets = list(Dataset.objects.select_related("owner"))
    if request.method == "POST":
        data = request.POST
        review = read_date(data, "review_date", "review date", errors)
        chosen = {k: set(data.getlist(k)) for k in ("legal_bases", "organisations", "partnerships", "datasets")}
        if not errors:
            try:
                terms = agreement_terms(
                    legal_bases=data.getlist("legal_bases"),
                    review_date=review,
                    **{k: data.get(k, "") for k in _TEXT},
                )
                orgs = [o for o in organisations if str(o.pk) in chosen["organisations"]]
                ptns = [p for p in partnerships if str(p.pk) in chosen["partnerships"]]
                dss = [d for d in datasets if str(d.pk) in chosen["datasets"]]
                if agreement is None:
                    agreement = agreement_create(
                        actor=request.user,
                        partnership=partnership,
                        slug=_new_slug(terms.title),
                        terms=terms,
                        organisations=orgs,
                        partnerships=ptns,
                        datasets=dss,
                    )
                else:
                    agreement = agreement_update(
                        actor=request.user,
                        agreement=agreement,
                        terms=terms,
                        organisations=orgs,
                        partnerships=ptns,
                        datasets=dss,
                    )
            except ValidationProblem as exc:
                form_problem_add(errors, exc)
            else:
                messages.success(request, f"{agreement.title} saved")
                return redirect("sharing:agreement_detail", slug=agreement.slug)
        form: dict[str, Any] = {k: data.get(k, "") for k in _TEXT}
        form["review"] = {p: data.get(f"review_date-{p}", "") for p in ("day", "month", "year")}
        form.update(chosen)
    elif agreement is not None:
        form = {k: "" if getattr(agreement, k) is None else str(getattr(agreement, k)) for k in _TEXT}
        form["review"] = date_parts(agreement.review_date)
        form["legal_bases"] = set(agreement.legal_bases)
        form["organisations"] = {str(pk) for pk in agreement.party_organisations.values_list("pk", flat=True)}
        form["partnerships"] = {str(pk) for pk in agreement.party_partnerships.values_list("pk", flat=True)}
        form["datasets"] = {str(pk) for pk in agreement.datasets.values_list("pk", flat=True)}
    else:
        form = {"review": date_parts(None), "status": Agreement.Status.DRAFT, "legal_bases": set()}
        form.update({"organisations": set(), "partnerships": {str(partnership.pk)}, "datasets": set()})
    context = {
        "partnership": partnership,
        "agreement": agreement,
        "form": form,
        "errors": errors,
        "legal_bases": LegalBasis.choices,
        "statuses": Agreement.Status.choices,
        "organisations": organisations,
        "partnerships": partnerships,
        "datasets": datasets,
    }
    return render(request, "sharing/agreement_form.html", context, status=400 if errors else 200)


def _new_slug(title: str) -> str:
    base = slugify(title)[:90] or "agreement"
    slug, n = base, 2
    while Agreement.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@login_required
def agreement_create_view(request: HttpRequest, partnership: str) -> HttpResponse:
    keeper = get_object_or_404(Partnership, slug=partnership)
    access_require(request.user, keeper, Role.ADMINISTRATOR)
    return _agreement_form(request, keeper, None)


@login_required
def agreement_edit(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = _agreement(request.user, slug)
    access_require(request.user, agreement.partnership, Role.ADMINISTRATOR)
    return _agreement_form(request, agreement.partnership, agreement)


@login_required
def agreement_review(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = _agreement(request.user, slug)
    access_require(request.user, agreement.partnership, Role.ADMINISTRATOR)
    if request.method != "POST":
        return redirect("sharing:agreement_detail", slug=slug)
    errors = FormErrors(date_inputs={"reviewed_on", "next_review_date"})
    data = request.POST
    on = read_date(data, "reviewed_on", "date of the review", errors, required=True)
    nxt = read_date(data, "next_review_date", "next review date", errors, required=True)
    if not errors:
        try:
            agreement_review_record(
                actor=request.user,
                agreement=agreement,
                reviewed_on=on,
                reviewer_role=data.get("reviewer_role", ""),
                next_review_date=nxt,
                notes=data.get("notes", ""),
            )
        except ValidationProblem as exc:
            form_problem_add(errors, exc)
        else:
            messages.success(request, "Review recorded")
            return redirect("sharing:agreement_detail", slug=slug)
    context = _detail_context(request, agreement)
    form: dict[str, Any] = {k: data.get(k, "") for k in ("reviewer_role", "notes")}
    form["on"] = {p: data.get(f"reviewed_on-{p}", "") for p in ("day", "month", "year")}
    form["next"] = {p: data.get(f"next_review_date-{p}", "") for p in ("day", "month", "year")}
    context.update({"errors": errors, "form": form})
    return render(request, "sharing/agreement_detail.html", context, status=400)


@login_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = [(d, sharing_data_owner(request.user, d)) for d in Dataset.objects.select_related("owner")]
    return render(request, "sharing/dataset_list.html", {"datasets": datasets})


@login_required
def dataset_reads(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.select_related("owner"), slug=slug)
    if not sharing_data_owner(request.user, dataset):
        raise PermissionDenied(f"Only {dataset.owner.name}'s data owners see who read {dataset.name}.")
    reads = ReadAudit.objects.filter(dataset=dataset).select_related("user", "agreement")
    if request.GET.get("exports"):
        reads = reads.filter(channel=ReadAudit.Channel.EXPORT)
    return render(
        request,
        "sharing/dataset_reads.html",
        {"dataset": dataset, "reads": list(reads[:500]), "exports_only": bool(request.GET.get("exports"))},
    )
