"""The built-in Essex money (``finance/data/essex.yaml``), loaded by ``saferhub finance
load-essex``: a loader of built-in data, kept apart from the services people use."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from django.db import models, transaction

from saferhub.accounts.models import Partnership
from saferhub.core.errors import ValidationProblem
from saferhub.core.loading import LoadSummary
from saferhub.core.models import Publication
from saferhub.delivery.links import IndicatorResolver
from saferhub.finance.models import (
    BudgetLine,
    BudgetTable,
    CommissionedService,
    Fund,
    FundingAllocation,
    FundingStream,
    FundSection,
    PipelineBid,
    ReductionScenario,
    StatedTotal,
)
from saferhub.finance.money import check_percent, from_unit, to_money
from saferhub.finance.services import check_year
from saferhub.geography.models import Area


def _tally(summary: LoadSummary, model: type[models.Model], made: bool) -> None:
    counts = summary.count(str(model._meta.verbose_name_plural))
    if made:
        counts.created += 1
    else:
        counts.unchanged += 1


def finance_essex_load() -> LoadSummary:
    """Load Essex money from ``finance/data/essex.yaml``: the commissioning strategy's capital and
    revenue tables with their stated totals and the 10%/20% scenarios (seed 000), the CSA's funding
    streams (seed 001), the external funding pipeline (seed 000) and the police and crime
    commissioner's community safety fund tables 1 and 2 (seed 002).

    Everything is validated before anything is written. Creates what is missing and never
    overwrites; links indicators the framework has and reports the rest. Twice changes nothing."""
    spec = yaml.safe_load(
        resources.files("saferhub.finance").joinpath("data", "essex.yaml").read_text(encoding="utf-8")
    )
    file = "finance/data/essex.yaml"
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}

    def partnership(slug: str, where: str) -> Partnership:
        if slug not in partnerships:
            raise ValidationProblem(
                f"partnership {slug!r} is not loaded: run `saferhub accounts load-essex` first", where=where
            )
        return partnerships[slug]

    # 1. Validate and convert everything.
    tables = []
    for t in spec["budget_tables"]:
        where = f"{file}, table {t['slug']}"
        partnership(t["partnership"], where)
        lines = {}
        for ln in t["lines"]:
            w = f"{where}, line {ln['key']}"
            if ln["kind"] not in {"capital", "revenue"}:
                raise ValidationProblem(f"kind {ln['kind']!r} must be capital or revenue", where=w)
            lines[ln["key"]] = {
                **ln,
                "year": check_year(ln["year"], where=w),
                "money": from_unit(ln["amount"], t["unit"], where=w),
            }
        totals = []
        for tot in t.get("totals", []):
            w = f"{where}, total {tot['key']}"
            unknown = [k for k in tot["lines"] if k not in lines]
            if unknown:
                raise ValidationProblem(f"total covers unknown lines {unknown}", where=w)
            totals.append({**tot, "money": from_unit(tot["amount"], t["unit"], where=w)})
        scenarios = [check_percent(p, where=where) for p in t.get("scenarios", [])]
        tables.append((t, lines, totals, scenarios))
    fs = spec["funding_streams"]
    partnership(fs["partnership"], f"{file}, funding_streams")
    streams = []
    for s in fs["streams"]:
        allocs = []
        for a in s["allocations"]:
            w = f"{file}, funding stream {s['key']}, {a['year']}"
            allocs.append(
                {
                    **a,
                    "year": check_year(a["year"], where=w),
                    "money": from_unit(a["amount"], fs["unit"], where=w) if a.get("amount") is not None else None,
                    "cut": check_percent(a["cut_percent"], name="cut", where=w) if a.get("cut_percent") else None,
                }
            )
        streams.append((s, allocs))
    bids = []
    for b in spec["pipeline"]:
        w = f"{file}, pipeline {b['key']}"
        partnership(b["partnership"], w)
        bids.append(
            {
                **b,
                "money": from_unit(b["amount"], b["unit"], where=w),
                "expected": from_unit(b["stated_expected"], b["unit"], where=w) if b.get("stated_expected") else None,
                "success": check_percent(b["success_percent"], name="success factor", where=w),
            }
        )
    funds = []
    for f in spec["funds"]:
        w = f"{file}, fund {f['slug']}"
        partnership(f["partnership"], w)
        sections = []
        for sec in f["sections"]:
            services = []
            for sv in sec["services"]:
                ws = f"{w}, service {sv['key']}"
                if sv.get("area") and sv["area"] not in areas:
                    raise ValidationProblem(
                        f"area {sv['area']} is not loaded: run `saferhub geography load builtin essex`", where=ws
                    )
                components = [
                    {"label": c["label"], "amount": str(to_money(c["amount"], where=ws))}
                    for c in sv.get("components", [])
                ]
                services.append({**sv, "money": from_unit(sv["amount"], f["unit"], where=ws), "components": components})
            total = from_unit(sec["stated_total"], f["unit"], where=w) if sec.get("stated_total") else None
            sections.append((sec, services, total))
        funds.append((f, sections, from_unit(f["stated_total"], f["unit"], where=w)))

    # 2. Write, creating only what is missing.
    resolver = IndicatorResolver()
    summary = LoadSummary()
    links = summary.count("indicator links")

    def link(obj: Any, refs: list[dict[str, Any]], seed: str | None, label: str) -> None:
        found, not_found = resolver.resolve_all(refs, default_seed=seed)
        for m in not_found:
            summary.not_linked_add(m, label)
        have = set(obj.indicators.values_list("pk", flat=True))
        new = [i for i in found if i.pk not in have]
        if new:
            obj.indicators.add(*new)
            links.created += len(new)

    def code_refs(codes: list[str]) -> list[dict[str, Any]]:
        return [{"code": c} for c in codes]

    with transaction.atomic():
        for t, lines, totals, scenarios in tables:
            framework = resolver.framework(seed=t.get("framework_seed"))
            table, made = BudgetTable.objects.get_or_create(
                slug=t["slug"],
                defaults={
                    "title": t["title"],
                    "partnership": partnerships[t["partnership"]],
                    "framework": framework,
                    "unit_label": t["unit"],
                    "display_places": t["places"],
                    "description": t.get("description", "").strip(),
                    "order": t.get("order", 0),
                    "source": t["source"][:300],
                    "publication": t.get("publication", Publication.PUBLISHED),
                },
            )
            _tally(summary, BudgetTable, made)
            if not made and table.framework_id is None and framework is not None:
                table.framework = framework
                table.save(update_fields=["framework", "updated_at"])
            by_key = {}
            for order, (key, ln) in enumerate(lines.items(), start=1):
                line, made = BudgetLine.objects.get_or_create(
                    table=table,
                    key=key,
                    defaults={
                        "area_of_spend": ln["area"],
                        "year": ln["year"],
                        "kind": ln["kind"],
                        "amount": ln["money"],
                        "in_reported_total": ln.get("in_reported_total", True),
                        "note": ln.get("note", ""),
                        "order": order,
                        "source": t["source"][:300],
                    },
                )
                _tally(summary, BudgetLine, made)
                link(line, code_refs(ln.get("indicator_codes", [])), t.get("framework_seed"), f"budget {key}")
                by_key[key] = line
            for order, tot in enumerate(totals, start=1):
                stated, made = StatedTotal.objects.get_or_create(
                    table=table,
                    key=tot["key"],
                    defaults={
                        "label": tot["label"],
                        "year": check_year(tot["year"]) if tot.get("year") else "",
                        "amount": tot["money"],
                        "order": order,
                        "source": t["source"][:300],
                    },
                )
                if made:
                    stated.lines.set([by_key[k] for k in tot["lines"]])
                _tally(summary, StatedTotal, made)
            for pct in scenarios:
                _, made = ReductionScenario.objects.get_or_create(
                    table=table,
                    percent=pct,
                    defaults={"label": f"{pct.normalize():f}% reduction", "source": t["source"][:300]},
                )
                _tally(summary, ReductionScenario, made)
        owner = partnerships[fs["partnership"]]
        for order, (s, allocs) in enumerate(streams, start=1):
            stream, made = FundingStream.objects.get_or_create(
                partnership=owner,
                key=s["key"],
                defaults={"name": s["name"], "note": s.get("note", "").strip(), "order": order, "source": fs["source"]},
            )
            _tally(summary, FundingStream, made)
            link(stream, s.get("indicator_refs", []), None, f"funding {s['key']}")
            for a in allocs:
                _, made = FundingAllocation.objects.get_or_create(
                    stream=stream,
                    year=a["year"],
                    defaults={
                        "amount": a["money"],
                        "stated": a.get("stated", ""),
                        "cut_percent": a["cut"],
                        "note": a.get("note", ""),
                    },
                )
                _tally(summary, FundingAllocation, made)
        for b in bids:
            _, made = PipelineBid.objects.get_or_create(
                partnership=partnerships[b["partnership"]],
                key=b["key"],
                defaults={
                    "title": b["title"],
                    "funders": b.get("funders", ""),
                    "amount": b["money"],
                    "success_percent": b["success"],
                    "stated_expected": b["expected"],
                    "year": b.get("year", ""),
                    "note": b.get("note", ""),
                    "source": b["source"],
                },
            )
            _tally(summary, PipelineBid, made)
        for f, sections, fund_total in funds:
            fund, made = Fund.objects.get_or_create(
                slug=f["slug"],
                defaults={
                    "title": f["title"],
                    "partnership": partnerships[f["partnership"]],
                    "year": check_year(f["year"]),
                    "stated_total": fund_total,
                    "description": f.get("description", "").strip(),
                    "source": f["source"][:300],
                },
            )
            _tally(summary, Fund, made)
            for order, (sec, services, total) in enumerate(sections, start=1):
                section, made = FundSection.objects.get_or_create(
                    fund=fund,
                    kind=sec["kind"],
                    defaults={
                        "title": sec["title"],
                        "stated_total": total,
                        "stated_total_note": sec.get("stated_total_note", ""),
                        "order": order,
                        "source": sec["source"][:300],
                    },
                )
                _tally(summary, FundSection, made)
                for sorder, sv in enumerate(services, start=1):
                    service, made = CommissionedService.objects.get_or_create(
                        section=section,
                        key=sv["key"],
                        defaults={
                            "priority_area": sv.get("priority_area", ""),
                            "name": sv["name"],
                            "description": sv.get("description", ""),
                            "location": sv["location"],
                            "area": areas.get(sv.get("area") or ""),
                            "amount": sv["money"],
                            "provisional": sec["kind"] == "new",
                            "stated_components": sv["components"],
                            "order": sorder,
                            "source": sec["source"][:300],
                        },
                    )
                    _tally(summary, CommissionedService, made)
                    link(service, sv.get("indicator_refs", []), "000_7340f0633c80a1b1.txt", f"service {sv['key']}")
    return summary
