"""The hub's password backend (``AUTHENTICATION_BACKENDS``, after django-axes's lockout backend,
which signs no one in and looks no user up): Django's model backend, answering ``get_user`` from the
user kept in the process until the accounts counter moves (``saferhub.accounts.kept``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from saferhub.accounts.kept import kept_user


class PasswordBackend(ModelBackend):
    """Signs in with a username and password (Django's model backend)."""

    def get_user(self, user_id: Any) -> Any:
        return kept_user(user_id, lambda: super(PasswordBackend, self).get_user(user_id))
