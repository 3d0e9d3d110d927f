"""Form errors: a service's problem lands on the input of the field it names, in a Django form or
a hand-written one, never by reading its words."""

from __future__ import annotations

from django import forms

from saferhub.core.errors import ValidationProblem
from saferhub.core.forms import FormErrors, first_input_id, form_problem_add, read_date


class Example(forms.Form):
    title = forms.CharField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False)
    when = forms.SplitDateTimeField(required=False)
    due_day = forms.CharField(required=False)


def test_a_django_form_gets_the_problem_on_the_named_field():
    form = Example({})
    assert form.is_valid()
    form_problem_add(form, ValidationProblem("Words that mention the kind and the date", field="title"))
    assert form.errors == {"title": ["Words that mention the kind and the date"]}
    form_problem_add(
        form, ValidationProblem("Falls due too soon", field="target_date"), fields={"target_date": "due_day"}
    )
    assert form.errors["due_day"] == ["Falls due too soon"]
    form_problem_add(form, ValidationProblem("The meeting was cancelled"))  # no field: the form as a whole
    form_problem_add(form, ValidationProblem("About something not on the form", field="secret"))
    assert form.non_field_errors() == ["The meeting was cancelled", "About something not on the form"]
    summary = FormErrors.of_form(form)
    assert summary.items()[0] == ("main-form", "The meeting was cancelled")
    assert ("id_title", "Words that mention the kind and the date") in summary.items()


def test_the_summary_links_to_the_first_input_of_a_field():
    form = Example({})
    assert [first_input_id(form[name]) for name in ("title", "kind", "when")] == ["id_title", "id_kind_0", "id_when_0"]


def test_a_hand_written_form_puts_a_date_problem_on_its_day_input():
    errors = FormErrors()
    assert read_date(
        {"due_date-day": "1", "due_date-month": "7", "due_date-year": "2024"}, "due_date", "due date", errors
    )
    assert not errors
    form_problem_add(errors, ValidationProblem("Before the start", field="due_date"))
    form_problem_add(errors, ValidationProblem("Too long", field="title"))
    form_problem_add(errors, ValidationProblem("Cancelled"))
    assert errors.items() == [("due_date-day", "Before the start"), ("title", "Too long"), ("main-form", "Cancelled")]
    assert errors.field["due_date_day"] == "Before the start" and errors.form == "Cancelled"


def test_the_first_problem_about_a_field_is_the_one_shown():
    errors = FormErrors(form_id="return-form")
    errors.add("period", "Enter a quarter")
    form_problem_add(errors, ValidationProblem("Already reported", field="period"))
    form_problem_add(errors, ValidationProblem("Nothing about a field"))
    assert errors.items() == [("period", "Enter a quarter"), ("return-form", "Nothing about a field")]
