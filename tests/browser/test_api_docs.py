"""The API's documentation page (Swagger UI from the hub's own static files) works under the hub's
Content-Security-Policy: it draws every operation from /api/openapi.json, and the browser reports no
refused script, style or connection."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_page_draws_the_schema_with_no_csp_violation(page, live_server):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(live_server.url + "/api/docs")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".swagger-ui .info .title").wait_for()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("saferhub open data API", use_inner_text=True)
    page.locator(".opblock-summary-path").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/indicators/{slug}/series" in p.replace("\u200b", "") for p in paths), paths
    screenshot(page, "api-docs")
    assert refused == []
