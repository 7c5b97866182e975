"""Counts per checkpoint per hour and day equal the detail rows."""

from __future__ import annotations

import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ..models import CheckIn, Checkpoint, local_day_bounds
from .factories import make_checkin, make_checkpoint

pytestmark = pytest.mark.django_db


def _scatter(checkpoints, day, n: int, seed: int = 7) -> list[CheckIn]:
    rng = random.Random(seed)
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    rows = []
    for _ in range(n):
        vehicle = rng.random() < 0.3
        direction = rng.choice(["in", "out"])
        status = rng.choice(["declared", "confirmed", "confirmed", "turned_back"])
        result = rng.choice(["g", "g", "y", "r"])
        # A red passage out waits for staff, or was let through by them (放行).
        if direction == "out" and result == "r" and status == "confirmed" and rng.random() < 0.5:
            status = "released"
        rows.append(
            make_checkin(
                rng.choice(checkpoints),
                at=start + timedelta(minutes=rng.randrange(24 * 60)),
                direction=direction,
                subject="v" if vehicle else "p",
                occupants=rng.randint(1, 5) if vehicle else None,
                status=status,
                result=result,
                temperature=rng.choice([None, Decimal("36.5"), Decimal("37.3"), Decimal("38.0")]),
                plate="豫A12345" if vehicle else "",
            )
        )
    return rows


def _expected(rows: list[CheckIn]) -> dict[str, int]:
    head = [(r, (r.occupants or 1) if r.subject == "v" else 1) for r in rows]
    passed = [(r, h) for r, h in head if r.status != "turned_back"]
    # A red passage out is an 出 only once staff let it through; until then it waits.
    waiting = [(r, h) for r, h in passed if r.direction == "out" and r.status != "released"]
    waiting = [(r, h) for r, h in waiting if r.result == "r"]
    return {
        "people_in": sum(h for r, h in passed if r.direction == "in"),
        "people_out": sum(h for r, h in passed if r.direction == "out")
        - sum(h for _, h in waiting),
        "people_released": sum(h for r, h in head if r.status == "released"),
        "exits_pending": sum(h for _, h in waiting),
        "people_turned_back": sum(h for r, h in head if r.status == "turned_back"),
        "vehicles_checked": sum(1 for r in rows if r.subject == "v"),
        "vehicles_turned_back": sum(
            1 for r in rows if r.subject == "v" and r.status == "turned_back"
        ),
        "fevers": sum(
            1 for r in rows if r.temperature is not None and r.temperature >= Decimal("37.3")
        ),
        "declared": sum(1 for r in rows if r.status == "declared"),
        "confirmed": sum(1 for r in rows if r.status == "confirmed"),
        "checkins": len(rows),
    }


def test_figures_equal_the_detail_rows(world) -> None:
    day = timezone.localdate() - timedelta(days=1)
    a1, a2 = make_checkpoint(world.compound_a), make_checkpoint(world.community_a, kind="road")
    b1 = make_checkpoint(world.compound_b)
    Checkpoint.objects.update(created_at=timezone.now() - timedelta(days=3))  # set up before
    rows = _scatter([a1, a2, b1], day, 120)
    rows_a = [r for r in rows if r.checkpoint_id in (a1.pk, a2.pk)]
    start, end = local_day_bounds(day)
    figures = CheckIn.objects.community_figures(world.community_a, start, end)
    for key, value in _expected(rows_a).items():
        assert figures[key] == value, key
    assert figures["people_checked"] == sum(
        (r.occupants or 1) if r.subject == "v" else 1 for r in rows_a
    )
    assert figures["checkpoints_open"] == 2
    hourly = CheckIn.objects.in_community(world.community_a).between(start, end).by_hour()
    for key in ("people_in", "people_out", "fevers", "declared", "checkins"):
        assert sum(h[key] for h in hourly) == figures[key], key
    assert all(timezone.localtime(h["hour"]).date() == day for h in hourly)
    per = CheckIn.objects.at_checkpoints(world.compound_a.checkpoints.all()).between(start, end)
    assert per.per_checkpoint()[a1.pk] == _expected([r for r in rows if r.checkpoint_id == a1.pk])


def test_the_window_is_half_open(world) -> None:
    gate = make_checkpoint(world.compound_a)
    day = timezone.localdate()
    start, end = local_day_bounds(day)
    make_checkin(gate, at=start)
    make_checkin(gate, at=end)
    make_checkin(gate, at=start - timedelta(microseconds=1))
    assert CheckIn.objects.between(start, end).count() == 1


def test_staff_on_duty_counts_the_staff_who_recorded(world) -> None:
    gate = make_checkpoint(world.compound_a)
    make_checkin(gate, recorded_by=world.guard_a)
    make_checkin(gate, recorded_by=world.guard_a)
    make_checkin(gate, recorded_by=world.staff_a)
    make_checkin(gate, status="declared", source="self")
    start, end = local_day_bounds(timezone.localdate())
    assert CheckIn.objects.community_figures(world.community_a, start, end)["staff_on_duty"] == 2


def test_checkpoints_open_follow_opening_hours(world) -> None:
    make_checkpoint(world.compound_a, "全天")
    make_checkpoint(world.compound_a, "白天", opens_at=time(7), closes_at=time(19))
    make_checkpoint(world.compound_a, "夜间", opens_at=time(22), closes_at=time(6))
    make_checkpoint(world.compound_a, "停用", active=False)
    tz = timezone.get_current_timezone()
    day = timezone.localdate()
    # Set up the day before (a window ending before a checkpoint existed does not count it).
    Checkpoint.objects.update(created_at=datetime.combine(day, time(0), tzinfo=tz))
    make_checkpoint(world.compound_a, "明天才设")
    Checkpoint.objects.filter(name="明天才设").update(
        created_at=datetime.combine(day, time(23, 59), tzinfo=tz) + timedelta(minutes=5)
    )

    def open_between(h1: int, h2: int) -> set[str]:
        s = datetime.combine(day, time(h1), tzinfo=tz)
        e = datetime.combine(day, time(h2), tzinfo=tz)
        return set(Checkpoint.objects.open_during(s, e).values_list("name", flat=True))

    assert open_between(9, 10) == {"全天", "白天"}
    assert open_between(23, 23) | open_between(2, 3) == {"全天", "夜间"}
    assert open_between(5, 8) == {"全天", "白天", "夜间"}
    start, end = local_day_bounds(day)
    whole_day = set(Checkpoint.objects.open_during(start, end).values_list("name", flat=True))
    assert whole_day == {"全天", "白天", "夜间"}


def test_the_counts_page_and_export_match(world, django_assert_max_num_queries) -> None:
    day = timezone.localdate()
    gate = make_checkpoint(world.compound_a, "西城花园南门")
    rows = _scatter([gate], day, 40, seed=3)
    client = world.client("staff_a")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("checkpoints:counts"), {"day": day.isoformat()})
    assert page.status_code == 200
    assert "西城花园南门" in page.content.decode()
    response = client.get(reverse("checkpoints:counts_export"), {"day": day.isoformat()})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    data = list(sheet.iter_rows(values_only=True))
    assert data[0][:4] == ("辖区", "卡点", "时段", "进入人数")
    hourly = [r for r in data[1:] if r[2] != "全天"]
    total = next(r for r in data[1:] if r[2] == "全天")
    expected = _expected(rows)
    assert sum(r[3] for r in hourly) == total[3] == expected["people_in"]
    assert sum(r[8] for r in hourly) == total[8] == expected["fevers"]


def test_a_leader_reads_counts_but_b_rows_stay_hidden(world) -> None:
    gate_b = make_checkpoint(world.compound_b, "八一新苑大门")
    make_checkin(gate_b)
    page = world.client("staff_a").get(reverse("checkpoints:counts"))
    assert "八一新苑大门" not in page.content.decode()
    assert (
        "八一新苑大门" in world.client("leader").get(reverse("checkpoints:counts")).content.decode()
    )


def test_hours_are_local_hours(world) -> None:
    from collections import Counter

    day = timezone.localdate() - timedelta(days=2)
    gate = make_checkpoint(world.compound_a)
    rows = _scatter([gate], day, 60, seed=11)
    expected = Counter(
        timezone.localtime(r.at).replace(minute=0, second=0, microsecond=0) for r in rows
    )
    start, end = local_day_bounds(day)
    got = {h["hour"]: h["checkins"] for h in CheckIn.objects.between(start, end).by_hour()}
    assert got == dict(expected)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-13-45", "昨天"])
def test_a_day_that_cannot_be_shown_is_a_400_not_todays_figures(world, day) -> None:
    gate = make_checkpoint(world.compound_a)
    client = world.client("hq")
    for url in (
        reverse("checkpoints:counts"),
        reverse("checkpoints:counts_export"),
        reverse("checkpoints:detail", args=[gate.pk]),
    ):
        response = client.get(url, {"day": day})
        assert response.status_code == 400, url
        page = response.content.decode()
        assert f"日期“{day}”无效" in page
        assert f'href="{url}"' in page, "a link to the page as it opens by default"


def test_no_day_is_today(world) -> None:
    response = world.client("hq").get(reverse("checkpoints:counts"), {"day": ""})
    assert (response.status_code, response.context["day"]) == (200, timezone.localdate())


def test_the_counts_page_groups_large_figures(world, monkeypatch) -> None:
    """A sub-district's day is tens of thousands of passes: 12,345, as on the report
    and supplies pages."""
    from .. import views

    gate = make_checkpoint(world.compound_a, "西城花园东门")
    figures = {"people_in": 12345, "people_out": 23456, "confirmed": 1000}
    monkeypatch.setattr(
        views, "_counts", lambda request, day: ([(gate, gate.area, figures, True)], figures)
    )
    page = world.client("hq").get(reverse("checkpoints:counts")).content.decode()
    for shown in ("12,345", "23,456", "1,000"):
        assert shown in page
    assert "12345" not in page
