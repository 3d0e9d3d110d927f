"""The performance pack: read from live data as a public paper, rendered as HTML and PDF from one
template with the same section page numbers, and frozen when published."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from saferhub.core.disclosure import SMALL_TEXT
from saferhub.framework.models import Indicator, IndicatorMembership
from saferhub.governance.models import Paper
from saferhub.measures.services import indicator_values_write
from saferhub.performance.services import performance_refresh
from saferhub.reports.documents import pack_render
from saferhub.reports.models import PublishedPack
from saferhub.reports.pack import SECTIONS, pack_build
from saferhub.reports.services import pack_publish
from tests.factories import PartnershipFactory, UserFactory
from tests.integration.performance import builders
from tests.integration.reports.conftest import TODAY, pdf_text

pytestmark = pytest.mark.django_db
BASE = "http://127.0.0.1:8000/"
RESULTS = Path(__file__).resolve().parents[3] / "test-results" / "reports"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_pack_gathers_exceptions_actions_risks_and_money(pack_world):
    pack = pack_build(meeting=pack_world["meeting"], today=TODAY)
    kinds = {(e.title, e.kind) for e in pack.exceptions}
    assert ("All crime", "off_track") in kinds
    off = next(e for e in pack.exceptions if e.kind == "off_track")
    assert "ambition" in off.reason and off.url.startswith("/")
    assert [e.kind for e in pack.exceptions] == sorted(
        (e.kind for e in pack.exceptions), key=["off_track", "concern", "worse", "overdue"].index
    )
    assert pack_world["overdue"] in pack.overdue_actions
    assert pack_world["done"] not in pack.overdue_actions
    assert pack_world["agreed"] not in pack.overdue_actions  # not due yet
    assert pack.previous_meeting == pack_world["previous"]
    assert [d.action for d in pack.agreed_last_meeting] == [pack_world["agreed"]]
    assert pack.agreed_overdue == frozenset()  # due in September: not overdue on the pack's day
    later = pack_build(meeting=pack_world["meeting"], today=date(2024, 10, 1))
    assert later.agreed_overdue == {pack_world["agreed"].pk}
    assert pack.risks_above_tolerance == [pack_world["high"]]
    assert pack.money is not None and pack.money.year == "2023/24"
    [budget] = pack.money.budgets
    assert budget.budget == 40000 and budget.actual_to_date == 9000 + 11000 + 12000 + 13500
    assert budget.forecast_outturn == 47500
    assert pack.money.over_threshold  # 7,500 over a 40,000 budget passes the default threshold


def test_the_pack_reads_figures_as_the_public_does(pack_world):
    """A member-only small count never reaches the pack: it is a public paper."""
    pack = pack_build(meeting=pack_world["meeting"], today=TODAY)
    [knives] = [r for r in pack.rows if r.indicator == pack_world["knives"]]
    assert knives.suppressed and knives.value == SMALL_TEXT
    assert pack.suppressed


def test_the_pdf_and_page_share_the_template_and_the_page_numbers(pack_world, tmp_path):
    rendered = pack_render(pack_build(meeting=pack_world["meeting"], today=TODAY), base_url=BASE)
    assert rendered.pdf.startswith(b"%PDF")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pack.pdf").write_bytes(rendered.pdf)  # for a person to look at, page by page
    text = _flat(pdf_text(rendered.pdf, tmp_path))
    assert "Performance pack" in text and "Summary" in text
    assert "Exceptions" in text and "All crime" in text and "Off track" in text
    assert "Open the night-time economy scheme" in text
    assert "Knife crime rises after funding ends" in text and "Meeting room unavailable" not in text
    assert "Community safety fund" in text
    # Every section starts on the page the PDF's contents list and the web page both name.
    assert set(rendered.pages) == {anchor for anchor, _ in SECTIONS}
    contents = {}
    soup = BeautifulSoup(rendered.html, "html.parser")
    for li in soup.select(".pack-contents li"):
        page = li.select_one(".pack-page")
        contents[li.a["href"].lstrip("#")] = int(page.get_text().split()[-1])
    assert contents == rendered.pages
    for anchor, heading in SECTIONS:
        page_text = pdf_text(rendered.pdf, tmp_path, page=rendered.pages[anchor])
        assert heading in page_text, (anchor, rendered.pages[anchor])
        printed = re.search(rf"{re.escape(heading)}, page (\d+)", _flat(pdf_text(rendered.pdf, tmp_path, page=1)))
        assert printed and int(printed.group(1)) == rendered.pages[anchor]
    assert rendered.pages["scorecard"] > rendered.pages["exceptions"] > rendered.pages["summary"] == 1


def test_a_published_pack_is_frozen_and_a_new_version_keeps_the_old(pack_world):
    meeting = pack_world["meeting"]
    admin = UserFactory()
    first = pack_publish(meeting=meeting, actor=admin, base_url=BASE, today=TODAY)
    assert first.version == 1 and bytes(first.pdf).startswith(b"%PDF")
    html, pdf = first.html, bytes(first.pdf)
    # The PDF is on the agenda, under the item about performance.
    paper = first.paper
    assert paper is not None and paper.item.title == "Performance report"
    assert paper.sha256 == first.pdf_sha256 and paper.file.read() == pdf

    # New data arrive: a large all-crime month in the district, and the summaries are refreshed.
    district = pack_world["district"]
    indicator_values_write(
        indicator=pack_world["crime"],
        rows=[{"area": district.code, "period": "2024-05", "numerator": 99999, "denominator": 150000}],
    )
    performance_refresh()
    live = pack_render(pack_build(meeting=meeting, today=TODAY), base_url=BASE)
    assert live.html != html  # the same day's pack, read again, shows the new month

    stored = PublishedPack.objects.get(pk=first.pk)
    assert stored.html == html and bytes(stored.pdf) == pdf
    assert stored.pdf_sha256 == first.pdf_sha256 == hashlib.sha256(pdf).hexdigest()

    second = pack_publish(meeting=meeting, actor=admin, base_url=BASE, today=TODAY)
    assert second.version == 2 and second.html != html
    assert PublishedPack.objects.get(pk=first.pk).html == html
    assert second.paper == paper
    paper = Paper.objects.get(pk=paper.pk)
    assert paper.sha256 == second.pdf_sha256
    assert paper.history.exclude(file="").count() >= 2  # version 1's file stays in the paper's history


def test_a_private_partnerships_indicator_is_left_out_of_the_pack(pack_world):
    """A plan may list an indicator a private partnership owns; the public paper leaves it out."""
    private = PartnershipFactory(slug="private-owner", publishes_performance=False)
    hidden = builders.make_indicator("private-measure", title="Private measure")
    Indicator.objects.filter(pk=hidden.pk).update(owner=private)
    builders.write_monthly(hidden, base=80)
    framework = pack_world["framework"]
    IndicatorMembership.objects.create(
        framework=framework, outcome=framework.outcomes.first(), indicator=hidden, code="9z", order=99
    )
    performance_refresh()
    pack = pack_build(meeting=pack_world["meeting"], today=TODAY)
    assert {r.indicator.slug for r in pack.rows} == {"knife-crime", "all-crime"}
    assert not any(e.title == "Private measure" for e in pack.exceptions)
