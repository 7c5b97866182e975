"""零报告 means "nothing new happened", not "we have nothing": it zeroes the incident
figures only. A standing figure the community gave in its saved draft (a correction
of 开放卡点 with its reason, 物资储备 it types in) and its note are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.reports import days
from shouwang.reports.models import DailyReport, IndicatorDefinition
from shouwang.watch.models import KeyPerson

from . import data
from .test_daily_report import ON_TIME, form, full, url

pytestmark = pytest.mark.django_db


@ON_TIME
def test_a_zero_report_keeps_the_drafts_standing_figures_and_note(world, day, post_zero):
    IndicatorDefinition.objects.create(
        code="tents_on_hand",
        label="帐篷储备",
        unit="顶",
        kind=IndicatorDefinition.Kind.STOCK,
        source=IndicatorDefinition.Source.MANUAL,
    )
    client = world.client("staff_b")
    response = client.post(
        url("report", world.community_b, day),
        form(
            full({"households_expected": 4, "checkpoints_open": 2, "tents_on_hand": 6}),
            {"checkpoints_open": "南门卡点未录入系统"},
            note="两个卡点正常运行，帐篷6顶",
        ),
    )
    assert response.status_code == 302
    response = post_zero(client, world.community_b, day)
    assert response.status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.is_zero
    values = {v.code: v for v in report.values.all()}
    assert values["tents_on_hand"].value == 6
    assert (values["checkpoints_open"].value, values["checkpoints_open"].reason) == (
        2,
        "南门卡点未录入系统",
    )
    assert values["households_expected"].value == 4
    assert report.note == "两个卡点正常运行，帐篷6顶"
    assert report.revisions.get().values["tents_on_hand"] == 6


@ON_TIME
def test_hq_decides_which_computed_figures_a_zero_report_needs_at_zero(world, day):
    client = world.client("hq")
    client.get(reverse("reports:indicators"))  # seeds the rows
    released = IndicatorDefinition.objects.get(code="key_released")
    assert not released.incident
    page = client.get(reverse("reports:indicator_edit", args=[released.pk])).content.decode()
    assert 'name="incident"' in page
    assert "disabled" not in page.split('name="incident"')[1][:40]
    response = client.post(
        reverse("reports:indicator_edit", args=[released.pk]),
        {"label": released.label, "unit": released.unit, "order": released.order, "incident": "on"},
    )
    assert response.status_code == 302
    released.refresh_from_db()
    assert released.incident
    assert released.kind == IndicatorDefinition.Kind.FLOW  # how it counts stays fixed
    event = AuditEvent.objects.get(object_id=str(released.pk))
    assert event.detail == "修改日报指标 key_released：零报告须为0 否→是"

    span = days.window(day)
    person = data.key_person(world.building_b, at=span.start - timedelta(days=3))
    KeyPerson.objects.filter(pk=person.pk).update(
        status=KeyPerson.Status.RELEASED, ended_at=span.start + timedelta(hours=1)
    )
    response = world.client("staff_b").post(url("zero", world.community_b, day))
    assert response.status_code == 400
    assert "系统统计当日有新情况（解除观察1人），不能零报告" in response.content.decode()
    assert not DailyReport.objects.filter(status="submitted").exists()


@ON_TIME
def test_a_typed_in_standing_figure_carries_over_from_the_last_report_given(world, day, post_zero):
    """帐篷储备 given on the 21st, nothing reported on the 22nd (the community missed
    it): the 23rd's form and its 零报告 start from the 21st's 6, not from nothing."""
    tents = IndicatorDefinition.objects.create(
        code="tents_on_hand",
        label="帐篷储备",
        unit="顶",
        kind=IndicatorDefinition.Kind.STOCK,
        source=IndicatorDefinition.Source.MANUAL,
    )
    client = world.client("staff_b")
    earlier = day - timedelta(days=2)
    response = client.post(
        url("submit", world.community_b, earlier),
        form(full({"households_expected": 4, "tents_on_hand": 6})),
    )
    assert response.status_code == 302
    lines = client.get(url("report", world.community_b, day)).context["lines"]
    assert next(line for line in lines if line.definition == tents).value == 6
    assert post_zero(client, world.community_b, day).status_code == 302
    report = DailyReport.objects.get(community=world.community_b, day=day)
    assert report.values.get(code="tents_on_hand").value == 6
