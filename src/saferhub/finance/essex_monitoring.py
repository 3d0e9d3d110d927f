"""Load the money the Essex seeds say was actually spent (``finance/data/essex_monitoring.yaml``).

The seeds give budgets but no quarter's actual spend or forecast out-turn, so none is loaded (the
pages say "no actuals recorded yet"). What they do give, the DAAT's 2007/08 out-turn reported to
Safer Essex (seed 004, item 5), is loaded as stated out-turns. Everything is checked before anything
is written; what exists is never overwritten; twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from saferhub.accounts.models import Partnership
from saferhub.core.errors import ValidationProblem
from saferhub.core.loading import LoadSummary
from saferhub.finance.models import StatedOutturn
from saferhub.finance.money import to_money
from saferhub.finance.services import check_year

FILE = "finance/data/essex_monitoring.yaml"


def finance_monitoring_essex_load() -> LoadSummary:
    """Load the stated out-turns: how many were created and how many were there already."""
    spec = yaml.safe_load(
        resources.files("saferhub.finance").joinpath("data", "essex_monitoring.yaml").read_text(encoding="utf-8")
    )
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    kinds = {k for k, _ in StatedOutturn.Kind.choices}
    rows: list[dict[str, Any]] = []
    for item in spec.get("stated_outturns", []):
        where = f"{FILE}, stated out-turn {item.get('key')}"
        if item.get("partnership") not in partnerships:
            raise ValidationProblem(
                f"partnership {item.get('partnership')!r} is not loaded: run `saferhub accounts load-essex` first",
                where=where,
            )
        if item.get("kind") not in kinds:
            raise ValidationProblem(f"kind {item.get('kind')!r} must be underspend or overspend", where=where)
        if not isinstance(item.get("reported_on"), date):
            raise ValidationProblem("reported_on must be a date such as 2008-07-01", where=where)
        rows.append(
            {
                "partnership": partnerships[item["partnership"]],
                "key": item["key"],
                "defaults": {
                    "title": item["title"],
                    "budget_holder": item.get("budget_holder", ""),
                    "year": check_year(item["year"], where=where),
                    "kind": item["kind"],
                    "amount": to_money(str(item["amount"]), where=where),
                    "reason": " ".join(str(item.get("reason", "")).split()),
                    "reported_on": item["reported_on"],
                    "source": item["source"][:300],
                },
            }
        )
    summary = LoadSummary()
    counts = summary.count("stated out-turns")
    with transaction.atomic():
        for row in rows:
            _, made = StatedOutturn.objects.get_or_create(
                partnership=row["partnership"], key=row["key"], defaults=row["defaults"]
            )
            if made:
                counts.created += 1
            else:
                counts.unchanged += 1
    summary.notes.append("the seeds give no quarter's actual spend: none loaded")
    return summary
