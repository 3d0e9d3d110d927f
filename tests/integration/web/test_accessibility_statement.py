"""The accessibility statement has the sections the Public Sector Bodies Accessibility Regulations
2018 require, in GOV.UK's model wording, and gives the contact address the hub is configured with."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

#: The sections the regulations (and GOV.UK's sample statement) require.
REQUIRED = {
    "compliance": "Compliance status",
    "non-accessible": "Non-accessible content",
    "feedback": "Feedback and contact information",
    "enforcement": "Enforcement procedure",
    "prepared": "Preparation of this accessibility statement",
}


def test_the_statement_has_every_required_section(client):
    html = client.get("/accessibility").content.decode()
    for anchor, heading in REQUIRED.items():
        assert re.search(rf'<h[23] class="govuk-heading-[ms]" id="{anchor}">{heading}</h[23]>', html), heading
    assert "partially compliant with the" in html
    assert "Equality and Human Rights Commission" in html and "Equality Advisory and Support Service" in html
    assert re.search(r"This statement was prepared on \d{1,2} [A-Z][a-z]+ \d{4}\. It was last reviewed on", html)
    # Each failure names the success criterion it fails.
    section = html[html.index('id="non-accessible"') : html.index('id="testing"')]
    assert len(re.findall(r"success criterion \d\.\d\.\d", section)) >= 2


def test_the_statement_gives_the_configured_contact_address(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@example.org"
    html = client.get("/accessibility").content.decode()
    assert html.count('href="mailto:access@example.org"') == 2


def test_without_an_address_the_statement_names_who_to_contact(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = ""
    html = client.get("/accessibility").content.decode()
    assert "mailto:" not in html
    assert "contact the community safety partnership that runs this hub" in html
