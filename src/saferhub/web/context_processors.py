from django.conf import settings
from django.http import HttpRequest

from saferhub.web.navigation import navigation_items


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation": navigation_items(request.path),
    }
