from datetime import date, timedelta
from decimal import Decimal

import pytest

from shouwang.checkpoints.models import CheckIn, Checkpoint
from shouwang.reports.days import open_day, window
from shouwang.reports.indicators import registry
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import auto_values, rollup

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
    late = make_checkpoint(world.compound_b, name="次日新设")
    Checkpoint.objects.update(created_at=CUTOFF - timedelta(days=30))
    Checkpoint.objects.filter(pk=late.pk).update(created_at=CUTOFF)  # not open that day
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


@pytest.mark.django_db
def test_the_report_figures_agree_with_the_checkpoint_figures(world):
    """The roll-up's single scan reads fewer aggregates than ``checkin_figures``
    (people checked as one sum): the numbers are the same."""
    gate = make_checkpoint(world.compound_a)
    before = CUTOFF - SECOND
    mix = [
        {},
        {"direction": CheckIn.Direction.OUT},
        {"subject": "v", "plate": "豫A1", "occupants": 4},
        {"subject": "v", "plate": "豫A2", "occupants": 0},
        {"subject": "v", "plate": "豫A3"},  # occupants not recorded: the driver
        {"subject": "v", "plate": "豫A4", "occupants": 2, "status": CheckIn.Status.TURNED_BACK},
        {"direction": CheckIn.Direction.OUT, "status": CheckIn.Status.TURNED_BACK},
        {"status": CheckIn.Status.DECLARED, "source": CheckIn.Source.SELF},
        {"temperature": Decimal("37.3"), "result": CheckIn.Result.RED},
        {"temperature": Decimal("37.2")},
        {"subject": "v", "plate": "豫A5", "occupants": 3, "temperature": Decimal("38.0")},
    ]
    for fields in mix:
        make_checkin(gate, at=before, **fields)
    span = window(DAY)
    figures = CheckIn.objects.community_figures(world.community_a, span.start, span.end)
    a = auto_values(world.community_a, DAY)
    assert (
        a["persons_checked"]
        == figures["people_checked"]
        == 1 + 1 + 4 + 0 + 1 + 2 + 1 + 1 + 1 + 1 + 3
    )
    assert a["persons_turned_back"] == figures["people_turned_back"] == 3
    assert a["vehicles_checked"] == figures["vehicles_checked"] == 5
    assert a["vehicles_turned_back"] == figures["vehicles_turned_back"] == 1
    assert a["checkpoint_fevers"] == figures["fevers"] == 2


@pytest.mark.django_db
def test_staff_on_duty_count_once_in_their_own_community(world):
    gate_a = make_checkpoint(world.compound_a)
    gate_b = make_checkpoint(world.compound_b)
    road = make_checkpoint(world.subdistrict, name="街道路口")  # in no community
    before = CUTOFF - SECOND
    for _ in range(3):
        make_checkin(gate_a, at=before, recorded_by=world.guard_a)
    make_checkin(gate_b, at=before, recorded_by=world.guard_a)  # helping out in B
    make_checkin(gate_a, at=before, recorded_by=world.staff_b)  # B's staff, at A's gate
    make_checkin(road, at=before, recorded_by=world.staff_a)  # A's staff, on the road
    make_checkin(gate_a, at=before, source=CheckIn.Source.SELF)  # nobody recorded it
    make_checkin(gate_b, at=CUTOFF, recorded_by=world.staff_a)  # the next day
    # one community (its report form): the staff read on their own
    a = auto_values(world.community_a, DAY)
    assert (a["staff_on_duty"], a["persons_checked"]) == (2, 5)
    assert auto_values(world.community_b, DAY)["staff_on_duty"] == 1
    assert auto_values(world.community_a, DAY + timedelta(days=1))["staff_on_duty"] == 1
    # every community (the roll-up): the staff read off the check-in scan
    rollup(DAY)
    rows = {f.area_id: f.values for f in DailyFigure.objects.filter(day=DAY)}
    assert rows[world.community_a.pk]["staff_on_duty"] == 2
    assert rows[world.community_a.pk]["persons_checked"] == 5  # not the road's passage
    assert rows[world.community_b.pk]["staff_on_duty"] == 1
    assert rows[world.subdistrict.pk]["staff_on_duty"] == 3


@pytest.mark.django_db
def test_checkins_by_hour_of_the_day_in_progress(world):
    gate = make_checkpoint(world.compound_a)
    span = window(open_day())
    hour = timedelta(hours=1)
    for at in (
        span.start,
        span.start + hour - SECOND,
        span.start + hour,
        span.start + 5 * hour + timedelta(minutes=30),
        span.start + 5 * hour + timedelta(minutes=31),
        span.end - SECOND,
    ):
        make_checkin(gate, at=at, subject="v", plate="豫A1", occupants=3)
    make_checkin(make_checkpoint(world.compound_b), at=span.start)
    hourly = registry()["persons_checked"].hourly(span, [world.community_a, world.community_b])
    expected = [0] * 24
    expected[0], expected[1], expected[5], expected[23] = 2, 1, 2, 1
    assert hourly[world.community_a.pk] == expected  # passages, not the people in them
    assert hourly[world.community_b.pk] == [1] + [0] * 23


@pytest.mark.django_db
def test_the_report_form_of_the_day_in_progress_builds_the_checkin_scan_once(world):
    """Seven indicators read the one scan of the day's check-ins; each built its query
    again (24 hourly counts and five sums, compiled seven times): the community's
    report page for today took ~450 ms on the tiny demo, ~190 ms with one build."""
    from unittest import mock

    from django.urls import reverse

    from shouwang.checkpoints import indicators

    make_checkin(make_checkpoint(world.compound_a), at=window(open_day()).start)
    url = reverse("reports:report", args=[world.community_a.pk, open_day()])
    with mock.patch.object(indicators, "_aggregates", wraps=indicators._aggregates) as built:
        response = world.client("staff_a").get(url)
    assert response.status_code == 200
    assert built.call_count == 1
    assert auto_values(world.community_a, open_day())["persons_checked"] == 1
