"""Start Django for command-line use."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Configure Django on first use, so that ``--help`` works without a database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
