"""What the API answers with: these classes are the OpenAPI schema's components."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class Problem(Schema):
    detail: str


class Invalid(Schema):
    """A query that breaks the schema's rules (422): each problem with where it was found."""

    detail: list[dict[str, object]]


class IndexOut(Schema):
    title: str
    links: dict[str, str]


class AreaOut(Schema):
    code: str
    name: str
    type: str
    parent: str | None
    force_area: str | None


class IndicatorOut(Schema):
    slug: str
    title: str
    value_type: str
    unit: str
    polarity: str
    frequency: str
    owner: str | None
    url: str


class IndicatorDetailOut(IndicatorOut):
    definition: str
    polarity_note: str
    national_indicator_ref: str
    data_source: str
    lead_role: str
    areas: list[str]
    series_url: str


class PointOut(Schema):
    period: str
    period_label: str
    start: str | None
    end: str | None
    value: float | None
    lower_95: float | None
    upper_95: float | None
    lower_998: float | None
    upper_998: float | None
    numerator: float | None
    denominator: float | None
    status: str
    suppressed: bool


class ComparedOut(Schema):
    code: str
    name: str
    value: float | None
    lower_95: float | None
    upper_95: float | None
    suppressed: bool
    compared_with_benchmark: str


class SeriesOut(Schema):
    indicator: str
    title: str
    area: AreaOut
    value_type: str
    unit: str
    benchmark: str
    benchmark_period: str
    compared: list[ComparedOut]
    suppression_note: str
    values: list[PointOut]


class MembershipOut(Schema):
    indicator: str
    code: str
    title: str


class FrameworkOut(Schema):
    slug: str
    title: str
    short_title: str
    owner: str
    status: str
    period_label: str
    area: str | None
    description: str
    indicators: list[MembershipOut]


class ActionOut(Schema):
    reference: str
    title: str
    description: str
    plan: str
    status: str
    lead_role: str
    start_date: dt.date | None
    due_date: dt.date | None
    progress_summary: str
    indicators: list[str]


class PaperOut(Schema):
    title: str
    url: str


class ItemOut(Schema):
    number: str
    title: str
    kind: str
    papers: list[PaperOut]


class MeetingOut(Schema):
    id: str
    partnership: str
    title: str
    date: dt.date
    status: str
    location: str
    items: list[ItemOut]
