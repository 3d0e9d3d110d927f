"""Forms for indicator leads: the story behind the baseline, and targets. They only parse input;
the rules live in ``services`` (which the views call) so a form and an import refuse the same things."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django import forms

from saferhub.core.codes import validate_gss_code
from saferhub.core.errors import ValidationProblem
from saferhub.core.forms import GovukForm
from saferhub.framework.models import Framework, Target


class StoryForm(GovukForm):
    text = forms.CharField(
        label="The story behind the baseline",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20_000,
        error_messages={"required": "Enter the story behind the baseline"},
    )
    reason = forms.CharField(label="What changed (optional)", max_length=100, required=False)


class TargetForm(GovukForm):
    framework = forms.ChoiceField(label="Plan", required=False)
    ambition = forms.CharField(label="Ambition (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    wording = forms.CharField(
        label="The target in the plan's own words",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the target in the plan's own words"},
    )
    kind = forms.ChoiceField(label="Kind of target", choices=Target.Kind.choices)
    value = forms.CharField(label="Value (optional)", required=False, max_length=30)
    direction = forms.ChoiceField(label="Direction", choices=Target.Direction.choices, required=False)
    horizon = forms.ChoiceField(label="When it falls due", choices=Target.Horizon.choices)
    due_day = forms.CharField(label="Day", required=False, max_length=2)
    due_month = forms.CharField(label="Month", required=False, max_length=2)
    due_year = forms.CharField(label="Year", required=False, max_length=4)
    period_label = forms.CharField(label="Period (optional)", required=False, max_length=40)
    area = forms.CharField(label="Area code (optional)", required=False, max_length=9)

    def __init__(self, *args: Any, frameworks: list[Framework], without_plan: bool = True, **kwargs: Any) -> None:
        """``frameworks`` are the plans this person may add targets to; ``without_plan`` whether
        they may set a target that belongs to no plan (only the indicator's own partnership may)."""
        super().__init__(*args, **kwargs)
        self.frameworks = {f.slug: f for f in frameworks}
        choices = [(f.slug, f.title) for f in frameworks]
        field = self.fields["framework"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not part of a plan"), *choices] if without_plan else choices
        field.required = not without_plan
        field.error_messages = {
            "required": "Choose the plan the target belongs to",
            "invalid_choice": (
                "Choose one of your partnership's plans: targets in another partnership's plan are theirs to set"
            ),
        }

    def clean_value(self) -> float | None:
        raw = (self.cleaned_data.get("value") or "").replace(",", "").replace("%", "").replace("£", "").strip()
        if not raw:
            return None
        try:
            number = float(raw)
        except ValueError:
            raise forms.ValidationError("Enter the value as a number, like 1050 or 48.8") from None
        if not math.isfinite(number):
            raise forms.ValidationError("Enter the value as a number, like 1050 or 48.8")
        return number

    def clean_area(self) -> Any:
        from saferhub.geography.models import Area

        raw = (self.cleaned_data.get("area") or "").strip().upper()
        if not raw:
            return None
        try:
            code = validate_gss_code(raw)
        except ValidationProblem as exc:
            raise forms.ValidationError(exc.message) from None
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise forms.ValidationError(f"{code} is not an area in the hub")
        return area

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [data.get("due_day", ""), data.get("due_month", ""), data.get("due_year", "")]
        if any(p.strip() for p in parts):
            try:
                data["target_date"] = date(int(parts[2]), int(parts[1]), int(parts[0]))
            except (TypeError, ValueError):
                self.add_error("due_day", "The date the target falls due must be a real date, like 31 3 2027")
        else:
            data["target_date"] = None
        data["framework_obj"] = self.frameworks.get(data.get("framework") or "")
        return data

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "area": d.get("area"),
            "ambition": d.get("ambition", ""),
            "horizon": d.get("horizon"),
            "target_date": d.get("target_date"),
            "period_label": d.get("period_label", ""),
            "kind": d.get("kind"),
            "value": d.get("value"),
            "direction": d.get("direction", ""),
            "wording": d.get("wording", ""),
        }

    @classmethod
    def initial_for(cls, target: Target) -> dict[str, Any]:
        return {
            "framework": target.framework.slug if target.framework else "",
            "ambition": target.ambition,
            "wording": target.wording,
            "kind": target.kind,
            "value": "" if target.value is None else f"{target.value:g}",
            "direction": target.direction,
            "horizon": target.horizon,
            "due_day": str(target.target_date.day) if target.target_date else "",
            "due_month": str(target.target_date.month) if target.target_date else "",
            "due_year": str(target.target_date.year) if target.target_date else "",
            "period_label": target.period_label,
            "area": target.area.code if target.area else "",
        }
