from __future__ import annotations

import datetime as dt

from django.conf import settings
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


#: When the accessibility statement was prepared and last reviewed (update both on each review).
STATEMENT_PREPARED = dt.date(2026, 12, 6)
STATEMENT_REVIEWED = dt.date(2026, 12, 6)


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, with the sections the Public Sector Bodies Accessibility
    Regulations 2018 require (compliance status, content that is not accessible, feedback and
    contact, the enforcement procedure, when it was prepared)."""
    context = {
        "prepared": STATEMENT_PREPARED,
        "reviewed": STATEMENT_REVIEWED,
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
    }
    return render(request, "web/accessibility.html", context)


def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "web/glossary.html", {"terms": TERMS})


def ping(request: HttpRequest) -> HttpResponse:
    """A trivial view: the baseline that page benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")
