"""The framework pages on an empty hub (a new partnership): they explain what is missing and how
to add it, and never fail."""

import pytest
from django.urls import reverse

from saferhub.framework.models import Framework, Indicator
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_frameworks_list_explains_how_to_add_one(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("framework:list"))
    html = response.content.decode()
    assert "There are no frameworks you can see yet" in html
    assert "saferhub framework import PATH" in html and "saferhub framework load essex" in html


def test_the_catalogue_explains_how_to_add_indicators(client):
    html = client.get(reverse("framework:indicators")).content.decode()
    assert "The catalogue is empty" in html


def test_a_new_framework_and_indicator_with_nothing_in_them_render(client):
    owner = PartnershipFactory(slug="new-csp")
    Framework.objects.create(slug="new-plan", title="New plan", owner=owner)
    Indicator.objects.create(slug="new-measure", title="New measure", owner=owner)
    framework_page = client.get(reverse("framework:detail", args=["new-plan"]))
    assert framework_page.status_code == 200
    assert "This framework has no outcomes or themes yet" in framework_page.content.decode()
    assert "No area set" in framework_page.content.decode()
    indicator_page = client.get(reverse("web:indicator", args=["new-measure"]))
    assert indicator_page.status_code == 200
    html = indicator_page.content.decode()
    assert "No values yet" in html or "No values" in html
    assert client.get(reverse("web:indicator", args=["new-measure"]), {"area": "E10000012"}).status_code == 200
