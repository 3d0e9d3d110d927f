"""``saferhub reports pack``: a meeting's pack written as a PDF, not published."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from saferhub.cli import main
from saferhub.governance.models import Meeting
from saferhub.reports.models import PublishedPack
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_the_pack_is_written_as_a_pdf_and_not_published(tmp_path, essex_partnerships):
    meeting = MeetingFactory(partnership=essex_partnerships["safer-essex"], status=Meeting.Status.SCHEDULED)
    out = tmp_path / "pack.pdf"
    result = CliRunner().invoke(main, ["reports", "pack", str(meeting.pk), "--pdf", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "sections start on pages: summary 1, exceptions 2" in result.output
    assert not PublishedPack.objects.exists()


def test_an_unknown_meeting_is_one_clear_line(tmp_path, db):
    result = CliRunner().invoke(main, ["reports", "pack", "999999", "--pdf", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "saferhub: error: there is no meeting 999999" in result.output
