"""How a page says no: a signed-out reader is asked to sign in; a signed-in one is refused (403)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def refuse(request: HttpRequest, message: str = "You do not have access to this page.") -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(message)
