from datetime import date, timedelta
from decimal import Decimal

import pytest

from shouwang.checkpoints.models import CheckIn
from shouwang.reports.days import window
from shouwang.reports.indicators import registry
from shouwang.reports.rollup import auto_values

from .factories import make_checkin, make_checkpoint

DAY = date(2020, 2, 13)
CUTOFF = window(DAY).end
SECOND = timedelta(seconds=1)


def test_the_daily_report_offers_the_checkpoint_figures():
    assert {
        "checkpoints_open",
        "staff_on_duty",
        "persons_checked",
        "vehicles_checked",
        "persons_turned_back",
        "vehicles_turned_back",
    } <= set(registry())


@pytest.mark.django_db
def test_it_counts_the_days_passages_per_community_at_the_cutoff(world):
    gate = make_checkpoint(world.compound_a)
    make_checkpoint(world.community_a, name="西城路口")
    make_checkpoint(world.compound_b)
    before = CUTOFF - SECOND
    make_checkin(gate, at=before, recorded_by=world.guard_a)
    make_checkin(gate, at=before, direction=CheckIn.Direction.OUT, recorded_by=world.guard_a)
    make_checkin(gate, at=before, subject="v", plate="豫A12345", occupants=3)
    make_checkin(
        gate,
        at=before,
        subject="v",
        plate="豫A54321",
        occupants=2,
        status=CheckIn.Status.TURNED_BACK,
    )
    make_checkin(gate, at=before, status=CheckIn.Status.TURNED_BACK)
    make_checkin(gate, at=before, temperature=Decimal("37.8"), result=CheckIn.Result.RED)
    make_checkin(gate, at=CUTOFF)  # the cutoff itself belongs to the next day

    a = auto_values(world.community_a, DAY)
    assert a["checkpoints_open"] == 2
    assert a["staff_on_duty"] == 1
    # 2 walkers + 3 occupants + 1 fever in, 2 + 1 turned back
    assert a["persons_checked"] == 1 + 1 + 3 + 1 + 2 + 1
    assert a["vehicles_checked"] == 2
    assert a["persons_turned_back"] == 3
    assert a["vehicles_turned_back"] == 1
    assert a["checkpoint_fevers"] == 1
    b = auto_values(world.community_b, DAY)
    assert (b["checkpoints_open"], b["persons_checked"]) == (1, 0)
    assert auto_values(world.community_a, DAY + timedelta(days=1))["persons_checked"] == 1
