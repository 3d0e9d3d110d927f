"""Load the Essex datasets and the Safer Essex Information Sharing Protocol from
``sharing/data/essex.yaml``. Everything is checked before anything is written; a second load
changes nothing (existing agreements are never overwritten: they may have been edited in the hub)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.errors import ValidationProblem
from saferhub.core.loading import LoadSummary
from saferhub.sharing.models import Agreement, Dataset
from saferhub.sharing.services import agreement_create, agreement_terms, dataset_upsert

WHERE = "sharing/data/essex.yaml"


def _spec() -> dict[str, Any]:
    text = resources.files("saferhub.sharing").joinpath("data", "essex.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def _lookup(table: dict[str, Any], slug: str, kind: str, where: str) -> Any:
    if slug not in table:
        raise ValidationProblem(f"{kind} {slug!r} is not loaded: run `saferhub accounts load-essex` first", where=where)
    return table[slug]


def sharing_essex_load() -> LoadSummary:
    spec = _spec()
    orgs = {o.slug: o for o in Organisation.objects.all()}
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    for d in spec["datasets"]:
        _lookup(orgs, d["owner"], "organisation", f"{WHERE}, dataset {d['slug']}")
    checked = []
    for a in spec["agreements"]:
        where = f"{WHERE}, agreement {a['slug']}"
        terms = agreement_terms(
            title=a["title"],
            purpose=a["purpose"],
            legal_bases=a.get("legal_bases", []),
            permitted_uses=a.get("permitted_uses", ""),
            retention_months=a.get("retention_months"),
            review_date=a.get("review_date"),
            signatories=a.get("signatories", ""),
            status=a["status"],
            where=where,
        )
        parties = [_lookup(orgs, s, "organisation", where) for s in a.get("organisations", [])]
        party_ps = [_lookup(partnerships, s, "partnership", where) for s in a.get("partnerships", [])]
        keeper = _lookup(partnerships, a["partnership"], "partnership", where)
        checked.append((a, terms, parties, party_ps, keeper))
    summary = LoadSummary()
    with transaction.atomic():
        datasets = {}
        before = set(Dataset.objects.values_list("slug", flat=True))
        for d in spec["datasets"]:
            if d["slug"] in before:
                summary.count("datasets").kept += 1
                datasets[d["slug"]] = Dataset.objects.get(slug=d["slug"])
                continue
            ds = dataset_upsert(
                slug=d["slug"],
                name=d["name"],
                owner=orgs[d["owner"]],
                classification=d["classification"],
                disclosure=d["disclosure"],
                source=d.get("source", ""),
                where=f"{WHERE}, dataset {d['slug']}",
            )
            datasets[ds.slug] = ds
            summary.count("datasets").created += 1
        for a, terms, parties, party_ps, keeper in checked:
            if Agreement.objects.filter(slug=a["slug"]).exists():
                summary.count("agreements").kept += 1
                continue
            covered = [_lookup(datasets, s, "dataset", f"{WHERE}, agreement {a['slug']}") for s in a["datasets"]]
            agreement_create(
                actor=None,
                partnership=keeper,
                slug=a["slug"],
                terms=terms,
                organisations=parties,
                partnerships=party_ps,
                datasets=covered,
                source=a.get("source", ""),
            )
            summary.count("agreements").created += 1
            summary.loaded.append(a["slug"])
    return summary
