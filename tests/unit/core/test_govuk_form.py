"""A required field left empty says what to do in GOV.UK's words, never "This field is required."."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms

from saferhub.core.forms import GovukForm

SRC = Path(__file__).resolve().parents[3] / "src" / "saferhub"


class _Example(GovukForm):
    title = forms.CharField(label="Title")
    plan = forms.ChoiceField(label="Plan", choices=[("a", "A")])
    date_of_meeting = forms.CharField()
    file = forms.FileField(label="File")
    wording = forms.CharField(error_messages={"required": "Enter the target in the plan's own words"})


def test_empty_required_fields_are_named_in_govuk_words():
    form = _Example(data={})
    assert not form.is_valid()
    assert form.errors == {
        "title": ["Enter the title"],
        "plan": ["Select the plan"],
        "date_of_meeting": ["Enter the date of meeting"],
        "file": ["Choose the file to upload"],
        "wording": ["Enter the target in the plan's own words"],  # a field's own words are kept
    }


def test_another_form_instance_keeps_its_own_messages():
    _Example(data={}).is_valid()
    assert forms.Field.default_error_messages["required"] == "This field is required."
    assert _Example.base_fields["title"].error_messages["required"] == "This field is required."


def test_every_form_in_the_hub_is_a_govuk_form():
    direct = [
        f"{path.relative_to(SRC)}: {m.group(0)}"
        for path in SRC.rglob("*.py")
        if path != SRC / "core" / "forms.py"  # GovukForm itself
        for m in re.finditer(r"class \w+\(forms\.(Form|ModelForm)\)", path.read_text(encoding="utf-8"))
    ]
    assert direct == []
