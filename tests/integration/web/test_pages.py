"""The start page, its assets, and the health check."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_start_page_says_what_the_hub_is_for(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Community safety performance and intelligence" in html
    assert "govuk-phase-banner" in html and "Open Government Licence v3.0" in html
    assert 'class="govuk-generic-header__homepage-link"' in html


def test_stylesheet_and_fonts_are_served(client):
    css = client.get("/static/govuk/govuk-frontend.min.css")
    assert css.status_code == 200
    body = b"".join(css.streaming_content) if hasattr(css, "streaming_content") else css.content
    assert b"/assets/fonts/" in body
    font = client.get("/assets/fonts/bold-b542beb274-v2.woff2")
    assert font.status_code == 200
    assert font["Content-Type"] == "font/woff2"


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["status"] == "ok"
    assert response.json()["checks"]["record_store"]["status"] == "ok"


def test_healthz_reports_a_failing_record_store(client, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with override_settings(SAFERHUB_RECORD_STORE=str(blocked / "records")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["record_store"]["status"] == "failing"


def test_healthz_reports_a_failing_database(client, monkeypatch):
    from saferhub.web import health

    def broken_cursor():
        raise RuntimeError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "failing", "detail": "RuntimeError: connection refused"}


def test_unknown_page_is_a_plain_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_page_titles_name_the_page_then_the_service(client):
    html = client.get("/").content.decode()
    assert "<title>Community safety performance and intelligence – saferhub</title>" in html
