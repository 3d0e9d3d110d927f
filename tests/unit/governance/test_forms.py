"""Dates as GOV.UK day/month/year inputs and times as people type them."""

from datetime import date, time

import pytest
from django import forms

from saferhub.governance.forms import DateField, TimeField


class _Form(forms.Form):
    when = DateField(required=False)
    at = TimeField(required=False)


def _form(**data):
    return _Form(data=data)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:30", time(9, 30)),
        ("09.30", time(9, 30)),
        ("2pm", time(14, 0)),
        ("2:30 pm", time(14, 30)),
        ("12am", time(0, 0)),
        ("14:00", time(14, 0)),
    ],
)
def test_times_are_read_as_people_write_them(typed, expected):
    form = _form(at=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == expected


@pytest.mark.parametrize("typed", ["25:00", "9:75", "13pm", "half nine"])
def test_impossible_times_are_refused_with_an_example(typed):
    form = _form(at=typed)
    assert not form.is_valid()
    assert "for example" in form.errors["at"][0]


def test_a_date_is_three_numbers():
    form = _form(when_0="1", when_1="7", when_2="2008")
    assert form.is_valid() and form.cleaned_data["when"] == date(2008, 7, 1)


@pytest.mark.parametrize(
    ("parts", "message"),
    [(("31", "2", "2009"), "real date"), (("1", "July", "2008"), "as numbers"), (("1", "7", "08"), "4 numbers")],
)
def test_a_wrong_date_says_what_is_expected(parts, message):
    form = _form(when_0=parts[0], when_1=parts[1], when_2=parts[2])
    assert not form.is_valid()
    assert message in form.errors["when"][0]


def test_an_empty_optional_date_is_none():
    form = _form(when_0="", when_1="", when_2="")
    assert form.is_valid() and form.cleaned_data["when"] is None
