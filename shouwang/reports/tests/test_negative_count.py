"""A system count can come out negative — supplies issued with a backdated time before
the stock they came from was received leave the stock at the cutoff below zero. The
report keeps what the system counted (a negative 系统统计 says the ledger is wrong), the
community types the real figure with a reason, and nothing answers 500."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from shouwang.reports import actions, days
from shouwang.reports.models import DailyReport
from shouwang.reports.rollup import auto_values
from shouwang.supplies.actions.stock import receive_stock
from shouwang.supplies.models import MovementKind
from shouwang.supplies.tests.factories import item, location, record_out

pytestmark = pytest.mark.django_db


@pytest.fixture
def backdated(world, day):
    """Masks received after community A's day, issued with a time inside it: 口罩库存
    at its cutoff counts -300."""
    store, masks = location(world.community_a), item("医用口罩")
    cutoff = days.window(day).end
    receive_stock(
        item=masks, location=store, quantity=1000, by=world.hq, at=cutoff + timedelta(hours=1)
    )
    record_out(
        item=masks,
        location=store,
        quantity=300,
        kind=MovementKind.ISSUE,
        by=world.hq,
        at=cutoff - timedelta(hours=2),
    )
    return world


def url(name, world, day):
    return reverse(f"reports:{name}", kwargs={"pk": world.community_a.pk, "day": day})


def body(world, day, **figures):
    """The form as the system counted it (0 for the figures typed in), but for
    ``figures``."""
    counted = auto_values(world.community_a, day)
    values = {d.code: 0 if d.manual else counted[d.code] for d in actions.editable()}
    values.update(figures)
    out = {f"v_{code}": value for code, value in values.items()}
    out["r_masks_on_hand"] = "补录出库时间有误，实际库存700"
    out["note"] = ""
    return out


def test_a_negative_count_is_shown_as_counted(backdated, day):
    response = backdated.client("staff_a").get(url("report", backdated, day))
    assert response.status_code == 200
    lines = {line.code: line for line in response.context["lines"]}
    assert lines["masks_on_hand"].auto == -300


def test_a_draft_corrects_a_negative_count_with_a_reason(backdated, day):
    response = backdated.client("staff_a").post(
        url("report", backdated, day), body(backdated, day, masks_on_hand=700)
    )
    assert response.status_code == 302
    saved = DailyReport.objects.get().values.get(code="masks_on_hand")
    assert (saved.auto_value, saved.value) == (-300, 700)
    assert saved.reason == "补录出库时间有误，实际库存700"


@override_settings(REPORT_GRACE_MINUTES=3 * 24 * 60)
def test_a_negative_count_taken_as_it_is_is_refused_with_why(backdated, day):
    client = backdated.client("staff_a")
    response = client.post(url("submit", backdated, day), body(backdated, day, masks_on_hand=-300))
    assert response.status_code == 400
    assert "系统统计为-300" in response.content.decode()
    assert not DailyReport.objects.filter(status="submitted").exists()
    response = client.post(url("submit", backdated, day), body(backdated, day, masks_on_hand=700))
    assert response.status_code == 302
    assert DailyReport.objects.get().values.get(code="masks_on_hand").auto_value == -300


@override_settings(REPORT_GRACE_MINUTES=3 * 24 * 60)
def test_a_zero_report_does_not_take_a_negative_count(backdated, day, post_zero):
    response = post_zero(backdated.client("staff_a"), backdated.community_a, day)
    assert response.status_code == 400
    assert "系统统计为-300" in response.content.decode()
    assert not DailyReport.objects.filter(status="submitted").exists()
