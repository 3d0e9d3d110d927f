"""The API against its own OpenAPI schema, as schemathesis generates requests from it: a live server
on 127.0.0.1 with figures in it (small counts included), a few examples per operation, each sent
signed out and again with a district member's token, every response checked for a server error,
an undocumented status or content type, and a body that breaks the schema.

Schemathesis's pytest loader (``from_fixture``) reads a node attribute that pytest 9 removed, so the
operations are walked here with schemathesis's own strategies and checks, one Hypothesis run each."""

from __future__ import annotations

import json
import os
import time

import schemathesis
from hypothesis import HealthCheck, given, settings

from saferhub.api.tokens import api_token_create
from tests.integration.api.conftest import crime_counts_load, member

# pytest-django's live server listens where this says (the default is "localhost").
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

EXAMPLES = 6


def test_every_operation_conforms_to_the_schema(live_server, transactional_db, essex_partnerships):
    crime_counts_load()
    token = api_token_create(user=member(essex_partnerships["harlow-csp"]))[1]
    assert live_server.url.startswith("http://127.0.0.1:")
    schema = schemathesis.openapi.from_url(live_server.url + "/api/openapi.json")
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    calls: list[tuple[str, int]] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None, database=None)
        def conforms(case):
            for authorization in (None, f"Bearer {token}"):
                case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
                if authorization:
                    case.headers["Authorization"] = authorization
                response = case.call_and_validate()
                calls.append((case.operation.label, response.status_code))

        conforms()
    assert time.monotonic() - started < 60
    # Each operation was called, and answered with figures (200) at least once.
    assert {label for label, status in calls if status == 200} >= {o.label for o in operations} - {
        "GET /api/areas/{code}",
        "GET /api/indicators/{slug}",
        "GET /api/indicators/{slug}/series",
        "GET /api/frameworks/{slug}",
        "GET /api/frameworks/{slug}/actions",
    }


def test_the_schema_is_openapi_3_with_no_duplicated_key(client, db):
    """Swagger UI refuses a schema with a key given twice (a response code as a number and as text)."""

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    response = client.get("/api/openapi.json")
    spec = json.loads(response.content, object_pairs_hook=no_duplicates)
    assert spec["openapi"].startswith("3.")
    series = spec["paths"]["/api/indicators/{slug}/series"]["get"]
    assert set(series["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert {} in series["security"]  # a token is optional
