"""The API's one NinjaAPI (config/urls.py serves it under /api/): the schema at /api/openapi.json, the
docs page at /api/docs."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI

from saferhub.api.catalogue import catalogue
from saferhub.api.routes import ERRORS, router
from saferhub.api.schemas import IndexOut
from saferhub.api.security import PublicThrottle, TokenOrSession, TokenThrottle


class _Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """A token is optional: without one the public's figures are read (``{}`` in an operation's
        security list says so in OpenAPI 3)."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if isinstance(operation, dict) and operation.get("security") and {} not in operation["security"]:
                    operation["security"].append({})
        return schema


api = _Api(
    title="saferhub open data API",
    version="1",
    description=(
        "Read-only figures of community safety partnerships: areas, indicators and their values with "
        "intervals, plans, actions and meetings. Without a token you read what a signed-out visitor "
        "reads on the pages (counts of 1 to 4 are suppressed); a partner's token "
        "(`Authorization: Bearer …`) reads what its user may read, and every read of restricted "
        "figures is recorded."
    ),
    urls_namespace="api",
    auth=TokenOrSession(),
    throttle=[PublicThrottle(), TokenThrottle()],
)
api.add_router("/", router)


@api.get("/", url_name="index", response={200: IndexOut, **ERRORS}, tags=["catalogue"])
def index(request: HttpRequest) -> dict[str, object]:
    """Where to start: the schema, its documentation, the catalogue and each list."""
    links = {
        name: request.build_absolute_uri(reverse(f"api:{name}"))
        for name in ("openapi-json", "openapi-view", "catalogue", "areas", "indicators", "frameworks", "meetings")
    }
    return {"title": api.title, "links": links}


@api.get(
    "/catalogue",
    url_name="catalogue",
    response=ERRORS,
    tags=["catalogue"],
    openapi_extra={
        "responses": {200: {"description": "OK", "content": {"application/ld+json": {"schema": {"type": "object"}}}}}
    },
)
def catalogue_view(request: HttpRequest) -> HttpResponse:
    """Every published series as DCAT and schema.org datasets (JSON-LD), for catalogues to harvest."""
    body = catalogue(
        url=request.build_absolute_uri,
        series_url=lambda slug: reverse("api:series", kwargs={"slug": slug}),
        title=f"{settings.SERVICE_NAME} open data",
    )
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/ld+json")
