"""Sign-in is throttled (django-axes): wrong passwords lock the username from that address."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _try(client, username, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, settings):
    user = UserFactory(username="analyst")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, "analyst", "guess").status_code == 200  # the form again, with its error
    assert _try(client, "analyst", "guess").status_code == 429  # the fifth wrong one locks
    response = _try(client, "analyst", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is paused for this account" in page and "try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username=user.username).failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_a_lockout_is_for_that_username_from_that_address_only(client):
    UserFactory(username="analyst")
    UserFactory(username="officer")
    for _ in range(5):
        _try(client, "analyst", "guess")
    assert _try(client, "officer", PASSWORD).status_code == 302  # another person signs in as usual
    client.logout()
    assert _try(client, "analyst", PASSWORD, ip="198.51.100.2").status_code == 302


def test_fewer_wrong_passwords_than_the_limit_then_the_right_one_signs_in_and_resets(client, settings):
    UserFactory(username="analyst")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, "analyst", "guess")
    assert _try(client, "analyst", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, "analyst", "guess")
    assert _try(client, "analyst", PASSWORD).status_code == 302  # the count started again
