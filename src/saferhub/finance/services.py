"""Writes for money: budget lines, reduction scenarios, outcome returns, and the Essex load.

Every amount goes through ``finance.money`` (Decimal, pence-exact, never negative); every year is a
financial year (or a span of them); every percentage is 0–100. Nothing is saved if anything is wrong.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from saferhub.core.audit import audit_record
from saferhub.core.codes import parse_period
from saferhub.core.errors import ValidationProblem
from saferhub.finance.models import (
    BudgetKind,
    BudgetLine,
    BudgetTable,
    PerformanceMeasure,
    ReductionScenario,
)
from saferhub.finance.money import check_percent, to_money


def check_year(text: object, *, where: str | None = None) -> str:
    """A financial year ``2015/16`` or a span ``2014/15-2016/17``."""
    raw = str(text or "").strip().replace("–", "-")
    parts = [p.strip() for p in raw.split("-")] if "-" in raw else [raw]
    if len(parts) > 2 or not all(parts):
        raise ValidationProblem(f"year {text!r} must be a financial year such as 2015/16", where=where)
    periods = []
    for part in parts:
        period = parse_period(part, where=where)
        if period.kind != "financial_year":
            raise ValidationProblem(f"year {part!r} must be a financial year such as 2015/16", where=where)
        periods.append(period)
    if len(periods) == 2 and periods[1].start <= periods[0].start:
        raise ValidationProblem(f"the span {raw!r} must run forwards", where=where)
    return "-".join(p.label for p in periods)


def budget_line_create(
    *,
    table: BudgetTable,
    key: str,
    area_of_spend: str,
    year: str,
    kind: str,
    amount: object,
    in_reported_total: bool = True,
    note: str = "",
    actor: Any = None,
) -> BudgetLine:
    """Add a line. Refuses a negative or non-exact amount, an unknown year or kind."""
    where = f"{table.title}, line {area_of_spend or key}"
    if not str(area_of_spend or "").strip():
        raise ValidationProblem("say what the money is spent on (area of spend)", where=where)
    if kind not in {k for k, _ in BudgetKind.choices}:
        raise ValidationProblem(f"kind {kind!r} must be capital or revenue", where=where)
    year = check_year(year, where=where)
    money = to_money(amount, name="the budget", where=where)
    if BudgetLine.objects.filter(table=table, key=key).exists():
        raise ValidationProblem(f"{table.title} already has a line {key!r}", where=where)
    with transaction.atomic():
        line = BudgetLine.objects.create(
            table=table,
            key=key,
            area_of_spend=area_of_spend.strip(),
            year=year,
            kind=kind,
            amount=money,
            in_reported_total=in_reported_total,
            note=note,
            order=table.lines.count() + 1,
        )
        audit_record(actor=actor, action="budget_line.create", obj=line, amount=str(money))
    return line


def budget_line_update(*, line: BudgetLine, actor: Any = None, **changes: Any) -> BudgetLine:
    """Change a line's area of spend, year, kind, amount or note (history is kept)."""
    allowed = {"area_of_spend", "year", "kind", "amount", "note", "in_reported_total"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationProblem(f"cannot change {', '.join(sorted(unknown))} of a budget line")
    where = f"{line.table.title}, line {line.area_of_spend}"
    if "amount" in changes:
        changes["amount"] = to_money(changes["amount"], name="the budget", where=where)
    if "year" in changes:
        changes["year"] = check_year(changes["year"], where=where)
    if "kind" in changes and changes["kind"] not in {k for k, _ in BudgetKind.choices}:
        raise ValidationProblem(f"kind {changes['kind']!r} must be capital or revenue", where=where)
    if "area_of_spend" in changes and not str(changes["area_of_spend"]).strip():
        raise ValidationProblem("say what the money is spent on (area of spend)", where=where)
    changed = [k for k, v in changes.items() if getattr(line, k) != v]
    with transaction.atomic():
        before = str(line.amount)
        for k in changed:
            setattr(line, k, changes[k])
        if changed:
            line.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="budget_line.update", obj=line, fields=changed, amount_before=before)
    return line


def scenario_create(*, table: BudgetTable, percent: object, label: str = "", actor: Any = None) -> ReductionScenario:
    """Save a reduction scenario (0–100%) for a table. A scenario of 120% is refused."""
    value = check_percent(percent, where=table.title)
    if ReductionScenario.objects.filter(table=table, percent=value).exists():
        raise ValidationProblem(f"{table.title} already has a {value.normalize():f}% scenario")
    with transaction.atomic():
        scenario = ReductionScenario.objects.create(table=table, percent=value, label=label)
        audit_record(actor=actor, action="scenario.create", obj=scenario, percent=str(value))
    return scenario


def measure_create(
    *, service: Any, question: str, title: str, unit: str = "", indicator: Any = None, actor: Any = None
) -> PerformanceMeasure:
    """Add a performance measure a commissioned service reports each quarter."""
    where = f"{service.name}, measure"
    if question not in {q for q, _ in PerformanceMeasure.Question.choices}:
        raise ValidationProblem(f"question {question!r} must be how_much, how_well or better_off", where=where)
    if not str(title or "").strip():
        raise ValidationProblem("a measure needs a title", where=where)
    with transaction.atomic():
        measure = PerformanceMeasure.objects.create(
            service=service,
            question=question,
            title=title.strip(),
            unit=unit,
            indicator=indicator,
            order=service.measures.count() + 1,
        )
        audit_record(actor=actor, action="measure.create", obj=measure)
    return measure


def outcome_return_submit(
    *, measure: PerformanceMeasure, period: str, value: object, note: str = "", submitted_by: Any = None
) -> Any:
    """Record one quarter's figure for a measure. Refuses a period that is not a quarter, a value
    that is not a number (or is negative), or a quarter already reported."""
    from saferhub.finance.models import OutcomeReturn

    where = f"{measure.service.name}, {measure.title}"
    quarter = parse_period(period, where=where)
    if quarter.kind != "quarter":
        raise ValidationProblem(f"{period!r} is not a quarter: returns are quarterly, e.g. 2013-Q2", where=where)
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except Exception:
        raise ValidationProblem(f"value {value!r} is not a number", where=where) from None
    if not number.is_finite() or number < 0:
        raise ValidationProblem(f"value {value!r} must be a number of zero or more", where=where)
    if OutcomeReturn.objects.filter(measure=measure, period=quarter.label).exists():
        raise ValidationProblem(f"{quarter.label} has already been reported for this measure", where=where)
    with transaction.atomic():
        ret = OutcomeReturn.objects.create(
            measure=measure,
            period=quarter.label,
            period_start=quarter.start,
            value=number,
            note=note,
            submitted_by=submitted_by if getattr(submitted_by, "pk", None) else None,
        )
        audit_record(actor=submitted_by, action="outcome_return.submit", obj=ret, period=quarter.label)
    return ret


# --- loading Essex ----------------------------------------------------------------------------


def finance_essex_load() -> dict[str, Any]:
    """Load Essex money from ``finance/data/essex.yaml``: the commissioning strategy's capital and
    revenue tables with their stated totals and the 10%/20% scenarios (seed 000), the CSA's funding
    streams (seed 001), the external funding pipeline (seed 000) and the police and crime
    commissioner's community safety fund tables 1 and 2 (seed 002).

    Everything is validated before anything is written. Creates what is missing and never
    overwrites; links indicators the framework has and reports the rest. Twice changes nothing."""
    from importlib import resources

    import yaml

    from saferhub.accounts.models import Partnership
    from saferhub.delivery.links import IndicatorResolver
    from saferhub.finance.models import (
        CommissionedService,
        Fund,
        FundingAllocation,
        FundingStream,
        FundSection,
        PipelineBid,
        StatedTotal,
    )
    from saferhub.finance.money import from_unit
    from saferhub.geography.models import Area

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
    counts: dict[str, Any] = {"created": 0, "links_added": 0, "unchanged": 0}
    missing: list[str] = []

    def link(obj: Any, refs: list[dict[str, Any]], seed: str | None, label: str) -> None:
        found, not_found = resolver.resolve_all(refs, default_seed=seed)
        missing.extend(f"{m} ({label})" for m in not_found)
        have = set(obj.indicators.values_list("pk", flat=True))
        new = [i for i in found if i.pk not in have]
        if new:
            obj.indicators.add(*new)
            counts["links_added"] += len(new)

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
                },
            )
            counts["created" if made else "unchanged"] += 1
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
                counts["created" if made else "unchanged"] += 1
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
                counts["created" if made else "unchanged"] += 1
            for pct in scenarios:
                _, made = ReductionScenario.objects.get_or_create(
                    table=table,
                    percent=pct,
                    defaults={"label": f"{pct.normalize():f}% reduction", "source": t["source"][:300]},
                )
                counts["created" if made else "unchanged"] += 1
        owner = partnerships[fs["partnership"]]
        for order, (s, allocs) in enumerate(streams, start=1):
            stream, made = FundingStream.objects.get_or_create(
                partnership=owner,
                key=s["key"],
                defaults={"name": s["name"], "note": s.get("note", "").strip(), "order": order, "source": fs["source"]},
            )
            counts["created" if made else "unchanged"] += 1
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
                counts["created" if made else "unchanged"] += 1
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
            counts["created" if made else "unchanged"] += 1
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
            counts["created" if made else "unchanged"] += 1
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
                counts["created" if made else "unchanged"] += 1
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
                    counts["created" if made else "unchanged"] += 1
                    link(service, sv.get("indicator_refs", []), "000_7340f0633c80a1b1.txt", f"service {sv['key']}")
    counts["missing_indicators"] = sorted(set(missing))
    return counts
