"""Static files: WhiteNoise, plus govuk-frontend's fonts and images at /assets/ where its
stylesheet asks for them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class AssetsMiddleware(WhiteNoiseMiddleware):
    def __init__(self, get_response: Any = None, settings_: Any = None) -> None:
        super().__init__(get_response)
        assets = settings.GOVUK_ASSETS_DIR
        if assets.is_dir():
            self.add_files(str(assets), prefix="assets/")
