from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from saferhub.web.glossary import TERMS
from saferhub.web.health import check_database, check_record_store


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "web/start.html")


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "record_store": check_record_store()}
    ok = all(passed for passed, _ in checks.values())
    body = {
        "status": "ok" if ok else "failing",
        "checks": {
            name: {"status": "ok" if passed else "failing", "detail": detail}
            for name, (passed, detail) in checks.items()
        },
    }
    return JsonResponse(body, status=200 if ok else 503)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "web/glossary.html", {"terms": TERMS})


def ping(request: HttpRequest) -> HttpResponse:
    """A trivial view: the baseline that page benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")
