"""Sign in, sign out and password reset by e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("my_account")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("my_account")).status_code == 302


def test_wrong_password_shows_the_error_summary(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_password_reset_sends_a_link_that_works(client):
    user = UserFactory(email="analyst@example.org")
    client.post(reverse("password_reset"), {"email": "analyst@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/reset/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    new = "a brand new long passphrase"
    response = client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
