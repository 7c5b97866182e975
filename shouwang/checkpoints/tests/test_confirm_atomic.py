"""确认在场 with a temperature is one change: the confirmation and the measurement are
kept together or not at all, whoever calls the action (the console's view has no
transaction of its own)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.watch.models import Alert

from ..actions import console
from ..models import CheckIn
from .factories import make_checkpoint
from .test_confirm_visitor import visitor_self_scan

pytestmark = pytest.mark.django_db


def test_a_failure_while_measuring_leaves_the_self_scan_unconfirmed(world, monkeypatch) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    gate.staff.add(world.guard_a)
    row = visitor_self_scan(world, gate)

    def broken(**kwargs):
        raise RuntimeError("the alert could not be written")

    monkeypatch.setattr(console, "restate_alert", broken)
    with pytest.raises(RuntimeError):
        world.client("guard_a").post(
            reverse("checkpoints:checkin_confirm", args=[row.pk]), {"temperature": "38.5"}
        )
    row.refresh_from_db()
    assert (row.status, row.confirmed_at, row.recorded_by, row.temperature) == (
        CheckIn.Status.DECLARED,
        None,
        None,
        None,
    )
    assert (row.result, row.note) == ("y", "访客请向值守人员登记")
    assert not Alert.objects.exists()
