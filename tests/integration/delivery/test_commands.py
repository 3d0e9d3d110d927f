"""``saferhub delivery load-essex`` (defined in the top-level ``cli``, above delivery, risks and
finance) loads all three parts, or one with ``--only``; loading again changes nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from saferhub.cli import main
from saferhub.delivery.models import Action
from saferhub.risks.models import Risk

pytestmark = pytest.mark.django_db


def test_load_essex_loads_each_part_and_a_second_load_changes_nothing(framework_stub):
    only_delivery = CliRunner().invoke(main, ["delivery", "load-essex", "--only", "delivery"])
    assert only_delivery.exit_code == 0, only_delivery.output
    assert "action plans:" in only_delivery.output and "risk registers:" not in only_delivery.output
    assert Action.objects.exists() and not Risk.objects.exists()

    everything = CliRunner().invoke(main, ["delivery", "load-essex"])
    assert everything.exit_code == 0, everything.output
    for part in ("action plans:", "risk registers:", "money:", "money spent:"):
        assert part in everything.output
    assert Risk.objects.exists()
    actions = Action.objects.count()

    again = CliRunner().invoke(main, ["delivery", "load-essex"])
    assert again.exit_code == 0, again.output
    assert "0 created" in again.output.splitlines()[0]
    assert Action.objects.count() == actions
