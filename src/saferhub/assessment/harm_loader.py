"""Loading a published harm index (a CSV of offences and weights) with its source and year.

The whole file is read and checked first, then written in one transaction, so a bad file changes
nothing; messages name the file, the row and the column.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from saferhub.assessment.harm import category_weights
from saferhub.assessment.loaders import (
    CONTROL_CHARACTERS,
    MAX_HARM_FILE_BYTES,
    LoadSummary,
    slug_field,
    text_field,
)
from saferhub.assessment.models import HarmIndex, HarmWeight
from saferhub.core.errors import ValidationProblem

HARM_COLUMNS = ("offence", "weight")
HARM_OPTIONAL = ("offence_code", "police_uk_category", "volume")


def _decimal(text: str, *, where: str, what: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise ValidationProblem(f"is not a number: expected {what}, such as 12.5", where=where) from None
    if not value.is_finite() or value < 0:
        raise ValidationProblem(f"must be zero or more: expected {what}", where=where)
    return value


def harm_index_load(
    *,
    path: Path,
    slug: str,
    title: str,
    publisher: str,
    year: str,
    unit: str,
    url: str = "",
    notes: str = "",
    categories: Callable[[str], str] | None = None,
) -> LoadSummary:
    """Load a published harm weighting (CSV: ``offence`` and ``weight`` columns, optionally
    ``offence_code``, ``police_uk_category`` and ``volume``) with its source and year.

    Every row must name its police.uk crime type (``police_uk_category``, or ``categories`` maps the
    offence to one) or be left out of category weights; where several offences share a category
    the category's weight is their mean weighted by ``volume`` (required then), as the ONS Crime
    Severity Score weights offences by their volumes. Errors name the file, row and column.
    """
    where = str(path)
    header = {
        "slug": slug_field({"slug": slug}, where=where),
        "title": text_field({"title": title}, "title", where=where),
        "publisher": text_field({"publisher": publisher}, "publisher", where=where, max_length=200),
        "year": text_field({"year": year}, "year", where=where, max_length=20),
        "unit": text_field({"unit": unit}, "unit", where=where, max_length=100),
        "url": text_field({"url": url}, "url", where=where, required=False, max_length=500),
        "notes": text_field({"notes": notes}, "notes", where=where, required=False, max_length=5000),
    }
    if header["url"] and not header["url"].startswith(("https://", "http://")):
        raise ValidationProblem(f"url {header['url']!r} must start with https:// or http://", where=where)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationProblem("file not found", where=where) from None
    if len(raw) > MAX_HARM_FILE_BYTES:
        raise ValidationProblem(f"is larger than {MAX_HARM_FILE_BYTES // (1024 * 1024)} MB", where=where)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationProblem(f"is not UTF-8 text (byte {exc.start}): save it as CSV UTF-8", where=where) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in HARM_COLUMNS if c not in columns]
    if missing:
        raise ValidationProblem(
            f"is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(found: {', '.join(columns) or 'no header'}); expected offence, weight and optionally "
            f"{', '.join(HARM_OPTIONAL)}",
            where=where,
        )
    reader.fieldnames = columns
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for n, rec in enumerate(reader, start=2):
        at = f"{where}, row {n}"
        if None in rec:
            raise ValidationProblem("has more cells than the header has columns", where=at)
        offence = (rec.get("offence") or "").strip()
        if not offence:
            raise ValidationProblem("column offence is empty: expected the offence's name", where=at)
        if CONTROL_CHARACTERS.search(offence) or len(offence) > 300:
            raise ValidationProblem("column offence has control characters or is over 300 characters", where=at)
        code = (rec.get("offence_code") or "").strip()[:40]
        if (code, offence) in seen:
            raise ValidationProblem(f"offence {offence!r} (code {code or 'none'}) is listed twice", where=at)
        seen.add((code, offence))
        weight = _decimal(rec.get("weight") or "", where=f"{at}, column weight", what="the offence's weight")
        volume_text = (rec.get("volume") or "").strip()
        volume = _decimal(volume_text, where=f"{at}, column volume", what="a count") if volume_text else None
        category = (rec.get("police_uk_category") or "").strip()
        if not category and categories is not None:
            category = categories(offence)
        rows.append(
            {"offence_code": code, "offence": offence, "weight": weight, "volume": volume, "category": category[:100]}
        )
    if not rows:
        raise ValidationProblem("has a header but no rows", where=where)
    # Checked before anything is written: a category with several offences needs their volumes.
    category_weights([(r["category"], r["weight"], r["volume"]) for r in rows if r["category"]], where=where)
    digest = hashlib.sha256(raw).hexdigest()
    summary = LoadSummary()
    with transaction.atomic():
        index = HarmIndex.objects.filter(slug=header["slug"]).first()
        values = {**header, "file_name": path.name, "file_sha256": digest}
        if index is not None:
            if all(getattr(index, k) == v for k, v in values.items()):
                summary.add("unchanged")
                return summary
            for k, v in values.items():
                setattr(index, k, v)
            index.save()
            index.weights.all().delete()
            summary.add("updated")
        else:
            index = HarmIndex.objects.create(**values)
            summary.add("created")
        HarmWeight.objects.bulk_create([HarmWeight(index=index, **r) for r in rows])
    uncategorised = sum(1 for r in rows if not r["category"])
    if uncategorised:
        summary.notes.append(f"{uncategorised} offences name no police.uk crime type and are left out of its weights")
    return summary
