"""The glossary of statistical terms: every term the brief names has an entry, and pages link to it."""

import re

import pytest

from saferhub.web.glossary import TERMS

pytestmark = pytest.mark.django_db

NAMED = ["SPC", "Common cause", "Special cause", "Trial limits", "Confidence interval", "Byar", "Funnel plot", "Wilson"]


def test_glossary_has_an_entry_with_an_anchor_for_every_term(client):
    response = client.get("/glossary")
    assert response.status_code == 200
    html = response.content.decode()
    entries = dict(re.findall(r'<dt id="([a-z-]+)"[^>]*>([^<]+)</dt>', html))
    assert set(entries) == {t.anchor for t in TERMS}
    for word in NAMED:
        assert any(word.lower() in name.lower() for name in entries.values()), word
    # The contents list links to each entry on the page.
    for anchor in entries:
        assert f'href="#{anchor}"' in html


def test_every_page_footer_links_to_the_glossary(client):
    for url in ("/", "/accessibility", "/glossary"):
        assert 'href="/glossary"' in client.get(url).content.decode(), url
