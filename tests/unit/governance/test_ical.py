"""The iCalendar feed follows RFC 5545: CRLF lines, 75-octet folding, TEXT escaping, UID and a UTC DTSTAMP."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from saferhub.governance.ical import CalendarEvent, calendar_render, ical_escape, ical_fold

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, 5, tzinfo=UTC)


def _unfold(text: str) -> list[str]:
    """RFC 5545 3.1: a CRLF followed by one space or tab is removed."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def test_text_values_escape_backslash_semicolon_comma_and_newlines():
    assert ical_escape("a\\b; c, d\ne\r\nf") == "a\\\\b\\; c\\, d\\ne\\nf"


def test_short_lines_are_not_folded():
    assert ical_fold("SUMMARY:Safer Essex") == "SUMMARY:Safer Essex"


def test_long_lines_fold_at_75_octets_with_a_leading_space():
    line = "DESCRIPTION:" + "x" * 200
    folded = ical_fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_folding_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "é£—" * 40
    parts = ical_fold(line).split("\r\n")
    for part in parts:
        part.encode("utf-8")  # every part is whole characters
        assert len(part.encode("utf-8")) <= 75
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_calendar_lines_end_with_crlf_and_events_carry_uid_and_utc_dtstamp():
    text = calendar_render(
        [CalendarEvent(uid="meeting-1@saferhub", summary="Safer Essex", start=date(2008, 7, 1))],
        now=NOW,
        name="Partnership meetings",
        prodid="-//saferhub//test//EN",
    )
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines and "END:VCALENDAR" in lines
    assert "UID:meeting-1@saferhub" in lines
    assert "DTSTAMP:20261123T100005Z" in lines
    assert "DTSTART;VALUE=DATE:20080701" in lines


def test_meeting_times_are_converted_from_uk_time_to_utc():
    summer = datetime(2008, 10, 2, 9, 30, tzinfo=LONDON)  # British Summer Time: UTC+1
    winter = datetime(2009, 1, 22, 14, 0, tzinfo=LONDON)  # Greenwich Mean Time
    text = calendar_render(
        [
            CalendarEvent(uid="a@x", summary="Autumn", start=summer),
            CalendarEvent(uid="b@x", summary="Winter", start=winter, end=winter.replace(hour=16)),
        ],
        now=NOW,
        name="n",
        prodid="p",
    )
    lines = _unfold(text)
    assert "DTSTART:20081002T083000Z" in lines
    assert "DTSTART:20090122T140000Z" in lines and "DTEND:20090122T160000Z" in lines


def test_summary_location_and_description_are_escaped_and_cancelled_status_kept():
    text = calendar_render(
        [
            CalendarEvent(
                uid="c@x",
                summary="Board; special, meeting",
                start=date(2009, 3, 5),
                location="County Hall, Chelmsford",
                description="Line one\nLine two",
                status="CANCELLED",
            )
        ],
        now=NOW,
        name="n",
        prodid="p",
    )
    lines = _unfold(text)
    assert "SUMMARY:Board\\; special\\, meeting" in lines
    assert "LOCATION:County Hall\\, Chelmsford" in lines
    assert "DESCRIPTION:Line one\\nLine two" in lines
    assert "STATUS:CANCELLED" in lines


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar_render(
            [CalendarEvent(uid="d@x", summary="s", start=datetime(2008, 7, 1, 10))], now=NOW, name="n", prodid="p"
        )
