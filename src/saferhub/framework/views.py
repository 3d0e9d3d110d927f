"""Pages of the outcomes framework. Views parse input, ask ``selectors`` or ``services``, and render;
who may see or change what is decided by ``saferhub.accounts.access`` (through the selectors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from saferhub.accounts.access import access_has_role, access_require
from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.forms import FormErrors, form_problem_add
from saferhub.framework import export, selectors, services
from saferhub.framework.forms import StoryForm, TargetForm
from saferhub.framework.models import Framework, Indicator, Target


def _refuse(request: HttpRequest) -> HttpResponse:
    """Anonymous users are asked to sign in; signed-in users without a role are refused."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("You do not have access to this page.")


def framework_list(request: HttpRequest) -> HttpResponse:
    return render(request, "framework/list.html", {"frameworks": selectors.frameworks_for_user(request.user)})


def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = selectors.framework_by_slug(slug)
    if framework is None:
        raise Http404("There is no framework with that name.")
    if not selectors.framework_readable(request.user, framework):
        return _refuse(request)
    return render(request, "framework/detail.html", selectors.framework_page_context(request.user, framework))


def framework_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The framework as a file another partnership can import (the plan, without values)."""
    from saferhub.core.exports import XLSX_CONTENT_TYPE
    from saferhub.framework import fileformat

    if fmt not in ("yaml", "xlsx"):
        raise Http404("Frameworks can be downloaded as .yaml or .xlsx.")
    framework = selectors.framework_by_slug(slug)
    if framework is None:
        raise Http404("There is no framework with that name.")
    if not selectors.framework_readable(request.user, framework):
        return _refuse(request)
    spec = export.framework_spec(framework)
    if fmt == "xlsx":
        response = HttpResponse(fileformat.write_xlsx(spec), content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(fileformat.write_yaml(spec), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.slug}.{fmt}"'
    return response


def indicator_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.CatalogueFilters(
        framework=request.GET.get("framework", "")[:100],
        theme=request.GET.get("theme", "")[:12],
        lead=request.GET.get("lead", "")[:100],
        q=request.GET.get("q", "")[:100].strip(),
    )
    return render(
        request, "framework/indicator_list.html", selectors.indicator_catalogue(request.user, filters=filters)
    )


def indicator_or_refuse(request: HttpRequest, slug: str) -> Indicator | HttpResponse:
    """The indicator named, or the answer for a user who may not read it (404 if there is none)."""
    indicator = selectors.indicator_by_slug(slug)
    if indicator is None:
        raise Http404("There is no indicator with that name.")
    if not selectors.indicator_readable(request.user, indicator):
        return _refuse(request)
    return indicator


def _editable(request: HttpRequest, slug: str) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug)
    if indicator.owner is None:
        raise PermissionDenied(
            "This indicator has no owning partnership, so nobody can edit it here yet. An administrator can set one."
        )
    access_require(request.user, indicator.owner, Role.CONTRIBUTOR)
    return indicator


@login_required
def story_edit(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = _editable(request, slug)
    story = indicator.stories.first()
    if request.method == "POST":
        form = StoryForm(request.POST)
        if form.is_valid():
            try:
                services.story_update(
                    indicator=indicator,
                    text=form.cleaned_data["text"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationProblem as exc:
                form_problem_add(form, exc)
            else:
                messages.success(request, "The story behind the baseline has been saved.")
                return redirect("web:indicator", slug=indicator.slug)
    else:
        form = StoryForm(initial={"text": story.text if story else ""})
    return render(
        request,
        "framework/story_edit.html",
        {"indicator": indicator, "form": form, "errors": FormErrors.of_form(form), "story": story},
    )


def _history_allowed(request: HttpRequest, indicator: Indicator) -> None:
    """Who changed what is for members of the owning partnership."""
    if indicator.owner is None:
        raise PermissionDenied("This indicator has no owning partnership.")
    access_require(request.user, indicator.owner, Role.VIEWER)


@login_required
def story_history(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug)
    _history_allowed(request, indicator)
    return render(
        request,
        "framework/story_history.html",
        {"indicator": indicator, "versions": selectors.story_history(indicator)},
    )


def _frameworks_of(indicator: Indicator) -> list[Framework]:
    return list(Framework.objects.filter(memberships__indicator=indicator).order_by("title"))


def _target_rights(request: HttpRequest, slug: str) -> tuple[Indicator, list[Framework], bool]:
    """A target is written into a plan, so it is the plan's partnership that may write it: the plans
    listing this indicator in which the user is a contributor, and whether they may also keep targets
    outside any plan (contributors of the indicator's own partnership). Neither: 403."""
    indicator = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug)
    writable = [f for f in _frameworks_of(indicator) if access_has_role(request.user, f.owner, Role.CONTRIBUTOR)]
    own = indicator.owner is not None and access_has_role(request.user, indicator.owner, Role.CONTRIBUTOR)
    if not writable and not own:
        raise PermissionDenied("Targets for this indicator are set by the partnerships whose plans list it.")
    return indicator, writable, own


def _target_form_page(
    request: HttpRequest, indicator: Indicator, target: Target | None, *, frameworks: list[Framework], own: bool
) -> HttpResponse:
    if request.method == "POST":
        form = TargetForm(request.POST, frameworks=frameworks, without_plan=own)
        if form.is_valid():
            values = form.service_values()
            try:
                if target is None:
                    services.target_create(
                        indicator=indicator,
                        framework=form.cleaned_data["framework_obj"],
                        actor=request.user,
                        **values,
                    )
                else:
                    services.target_update(target=target, actor=request.user, **values)
            except ValidationProblem as exc:
                # the date the target falls due is typed in three inputs; its problems go on the day
                form_problem_add(form, exc, fields={"target_date": "due_day"})
            else:
                messages.success(request, "The target has been saved.")
                return redirect(reverse("web:indicator", args=[indicator.slug]) + "#targets")
    else:
        initial: dict[str, Any] = TargetForm.initial_for(target) if target else {"horizon": "plan", "kind": "value"}
        form = TargetForm(initial=initial, frameworks=frameworks, without_plan=own)
    return render(
        request,
        "framework/target_form.html",
        {"indicator": indicator, "form": form, "errors": FormErrors.of_form(form), "target": target},
    )


@login_required
def target_add(request: HttpRequest, slug: str) -> HttpResponse:
    indicator, frameworks, own = _target_rights(request, slug)
    return _target_form_page(request, indicator, None, frameworks=frameworks, own=own)


@login_required
def target_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    indicator, frameworks, own = _target_rights(request, slug)
    target = get_object_or_404(Target.objects.select_related("framework", "area"), pk=pk, indicator=indicator)
    # The target's own plan decides, whoever else may set targets for the indicator.
    if target.framework is not None:
        access_require(request.user, target.framework.owner, Role.CONTRIBUTOR)
    elif not own:
        raise PermissionDenied("A target outside any plan is kept by the indicator's own partnership.")
    return _target_form_page(request, indicator, target, frameworks=frameworks, own=own)


@login_required
def target_history(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug)
    _history_allowed(request, indicator)
    return render(
        request,
        "framework/target_history.html",
        {"indicator": indicator, "entries": selectors.target_history(indicator)},
    )
