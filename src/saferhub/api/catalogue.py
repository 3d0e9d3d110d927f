"""The catalogue: every series the public may read, described in DCAT (W3C Data Catalog
Vocabulary, v3) as JSON-LD, with schema.org's types beside DCAT's so that both kinds of harvester
(data.gov.uk's CKAN DCAT harvester, Google Dataset Search) read it. Figures are described, never
included: each dataset points at its JSON and CSV series."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser

from saferhub.api import reads
from saferhub.framework.models import Frequency
from saferhub.performance.models import IndicatorSummary

OGL = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# EU vocabulary of frequencies, as DCAT-AP and data.gov.uk use it.
FREQUENCIES: dict[str, str] = {
    Frequency.MONTHLY.value: "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
    Frequency.QUARTERLY.value: "http://publications.europa.eu/resource/authority/frequency/QUARTERLY",
    Frequency.ANNUAL.value: "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
}
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
ONS_AREA = "http://statistics.data.gov.uk/id/statistical-geography/"


def catalogue(*, url: Callable[[str], str], series_url: Callable[[str], str], title: str) -> dict[str, Any]:
    """The catalogue as the public sees it: ``url`` makes an absolute address from a path, and
    ``series_url`` gives an indicator's series path."""
    public = AnonymousUser()
    readable = {ind.pk: (ind, owners) for ind, owners in reads.indicator_list(user=public)}
    areas: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = IndicatorSummary.objects.filter(indicator_id__in=list(readable)).values_list(
        "indicator_id", "area__code", "area__name"
    )
    for indicator_id, code, name in rows.order_by("area__code"):
        areas[indicator_id].append((code, name))
    datasets = []
    for pk, (ind, owners) in sorted(readable.items(), key=lambda kv: kv[1][0].slug):
        publisher = ", ".join(p.name for p in owners) or "saferhub"
        for code, name in areas.get(pk, []):
            path = f"{series_url(ind.slug)}?area={code}"
            dataset: dict[str, Any] = {
                "@id": url(path),
                "@type": ["dcat:Dataset", "schema:Dataset"],
                "dct:identifier": f"{ind.slug}/{code}",
                "dct:title": f"{ind.title}: {name}",
                "schema:name": f"{ind.title}: {name}",
                "dct:description": ind.definition or ind.title,
                "schema:description": ind.definition or ind.title,
                "dct:publisher": {"@type": ["foaf:Organization", "schema:Organization"], "foaf:name": publisher},
                "dct:license": {"@id": OGL},
                "schema:license": OGL,
                "dct:spatial": {"@id": ONS_AREA + code},
                "dcat:keyword": [k for k in (ind.unit, ind.national_indicator_ref, "community safety") if k],
                "dcat:landingPage": {"@id": url(f"/performance/indicators/{ind.slug}/?area={code}")},
                "dcat:distribution": [
                    _distribution(url(path + "&format=json"), "application/json", "JSON"),
                    _distribution(url(path + "&format=csv"), "text/csv", "CSV"),
                ],
            }
            if ind.frequency in FREQUENCIES:
                dataset["dct:accrualPeriodicity"] = {"@id": FREQUENCIES[ind.frequency]}
            datasets.append(dataset)
    return {
        "@context": CONTEXT,
        "@id": url("/api/catalogue"),
        "@type": ["dcat:Catalog", "schema:DataCatalog"],
        "dct:title": title,
        "schema:name": title,
        "dct:description": "Community safety indicators by area, with small numbers suppressed.",
        "dct:license": {"@id": OGL},
        "dcat:dataset": datasets,
    }


def _distribution(address: str, media_type: str, name: str) -> dict[str, Any]:
    return {
        "@type": ["dcat:Distribution", "schema:DataDownload"],
        "dct:title": name,
        "dcat:downloadURL": {"@id": address},
        "dcat:mediaType": media_type,
        "schema:contentUrl": address,
        "schema:encodingFormat": media_type,
        "dct:license": {"@id": OGL},
    }
