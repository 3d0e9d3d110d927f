"""Agenda and minutes as PDFs made from the page's own template, and the meetings calendar."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from saferhub.governance.documents import calendar_for, meeting_document_html, meeting_document_pdf
from saferhub.governance.models import Meeting
from saferhub.governance.selectors import meeting_record
from saferhub.governance.services import meetings

pytestmark = pytest.mark.django_db

RESULTS = Path(__file__).resolve().parents[3] / "test-results" / "documents"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `make browsers` (it installs Debian's poppler-utils)")
    return path


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    out = subprocess.run([_tool("pdftotext"), "-raw", str(source), "-"], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def _pdf_info(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "info.pdf"
    source.write_bytes(pdf)
    out = subprocess.run([_tool("pdfinfo"), str(source)], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def _render_first_page(pdf: bytes, name: str) -> Path:
    """A PNG of the first page, for a person to look at (test-results/documents/)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    source = RESULTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [_tool("pdftoppm"), "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(source), str(RESULTS / name)],
        check=True,
        timeout=60,
    )
    return RESULTS / f"{name}.png"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_minutes_pdf_reads_as_the_minutes_do(essex_governance, tmp_path, seed_text):
    meeting = Meeting.objects.get(partnership__slug="safer-essex", date=date(2008, 7, 1))
    pdf = meeting_document_pdf(meeting_record(meeting), kind="minutes", base_url="http://testserver/")
    info = _pdf_info(pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)  # tagged (PDF/UA), for screen readers
    assert re.search(r"^Title:\s+Minutes: Safer Essex, 1 July 2008$", info, re.M)
    text = _flat(_pdf_text(pdf, tmp_path))
    headings = [f"{i.number}. {i.title}" for i in meeting.items.order_by("order")]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Those present" in text and "Chief Executive, Rochford District Council — Chair" in text
    assert "There were no declarations." in text
    assert "Night-time Economy of £40,000" in text and "Action agreed" in text
    assert "Meeting ended at 11:30am" in text
    assert "Dates of future meetings: 2 October 2008 at 9:30am, 22 January 2009 at 2pm, 5 March 2009 at 2pm" in text
    assert "Perceptions of drug use or drug dealing as a problem" in text
    assert "Page 1 of" in text
    assert _render_first_page(pdf, "safer-essex-2008-07-01-minutes").stat().st_size > 10_000


def test_the_next_agenda_pdf_lists_the_matters_arising(essex_governance, tmp_path):
    october = Meeting.objects.get(partnership__slug="safer-essex", date=date(2008, 10, 2))
    pdf = meeting_document_pdf(meeting_record(october), kind="agenda", base_url="http://testserver/")
    text = _flat(_pdf_text(pdf, tmp_path))
    assert "Agenda: meeting of 2 October 2008" in text and "at 9:30am" in text
    assert text.index("1. Declarations of pecuniary or other interests") < text.index("3. Matters arising")
    assert "Open actions from earlier meetings (14)" in text
    assert "CDNE to lead on further developing SA template." in text
    assert _render_first_page(pdf, "safer-essex-2008-10-02-agenda").stat().st_size > 10_000


def test_the_pdf_and_the_page_come_from_the_same_document_template(essex_governance, client):
    from tests.factories import UserFactory

    meeting = Meeting.objects.get(partnership__slug="safer-essex", date=date(2008, 7, 1))
    client.force_login(UserFactory(is_superuser=True))
    page = client.get(f"/governance/meetings/{meeting.pk}/minutes/").content.decode()
    printed = meeting_document_html(meeting_record(meeting), kind="minutes")
    for fragment in ("Minutes of the meeting of 1 July 2008", "5. DAAT 2007-8 Budget Out-turn", "Apologies given"):
        assert fragment in page and fragment in printed
    assert "<script" not in printed  # the print version is the document alone


def test_a_document_kind_must_be_agenda_or_minutes(board):
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    with pytest.raises(ValueError, match="not one of"):
        meeting_document_html(meeting_record(meeting), kind="papers")


def test_the_calendar_gives_all_day_timed_and_cancelled_meetings(board):
    all_day = meetings.meeting_create(partnership=board, date=date(2008, 7, 1), end_time=time(11, 30))
    timed = meetings.meeting_create(
        partnership=board,
        date=date(2009, 1, 22),
        start_time=time(14),
        end_time=time(16),
        location="County Hall, Chelmsford",
    )
    off = meetings.meeting_create(partnership=board, date=date(2009, 3, 5), start_time=time(14))
    meetings.meeting_update(meeting=off, status=Meeting.Status.CANCELLED, note="Not quorate")
    text = calendar_for(
        Meeting.objects.filter(pk__in=[all_day.pk, timed.pk, off.pk]).select_related("partnership").order_by("date"),
        now=datetime(2026, 1, 1, tzinfo=UTC),
        url_for=lambda m: f"https://hub.example/governance/meetings/{m.pk}/",
        name="Board meetings",
    )
    lines = text.replace("\r\n ", "").split("\r\n")
    assert "DTSTART;VALUE=DATE:20080701" in lines
    assert "DTSTART:20090122T140000Z" in lines and "DTEND:20090122T160000Z" in lines
    assert "LOCATION:County Hall\\, Chelmsford" in lines
    assert "SUMMARY:Test Community Safety Board (cancelled)" in lines and "STATUS:CANCELLED" in lines
    assert f"URL;VALUE=URI:https://hub.example/governance/meetings/{timed.pk}/" in lines
    assert len({line for line in lines if line.startswith("UID:")}) == 3
