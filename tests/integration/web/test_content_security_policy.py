"""Every page is sent with a Content-Security-Policy that allows no script but the hub's own."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_scripts_come_only_from_the_hub_or_carry_this_responses_nonce(client):
    first, second = client.get(reverse("web:start")), client.get(reverse("web:start"))
    policy = _policy(first)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    nonce = next(s for s in policy["script-src"] if s.startswith("'nonce-"))[7:-1]
    html = first.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert nonce not in second.content.decode()  # a fresh nonce for every response


def test_the_sign_in_page_has_the_policy_too(client):
    assert "script-src" in client.get(reverse("login")).headers["Content-Security-Policy"]
