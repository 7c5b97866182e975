"""A police list imported early in the morning (Asia/Shanghai; still yesterday in UTC)
is named on each record by the day it was imported here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.watch.intake import HEADERS
from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_list_imported_at_6_30_names_today_on_the_record(world, clock) -> None:
    today = clock.today
    clock.set(today, 6, 30)
    known = f.person(world.building_a, "陈一")
    sheet = f.intake_sheet(
        [f.intake_row(姓名="陈一", 证件号码=known.document_number, 抵达日期=today - timedelta(1))],
        HEADERS,
        "公安名单.xlsx",
    )
    client = world.client("staff_a")
    plan = client.post(
        reverse("watch:intake"), {"file": sheet, "category": f.category().pk, "measure": "home"}
    ).context["commit"]
    client.post(
        reverse("watch:intake_commit"),
        {"token": plan["token"], "category": plan["category"].pk, "measure": "home"},
    )
    record = KeyPerson.objects.get(person=known)
    page = client.get(reverse("watch:detail", args=[record.pk])).content.decode()
    assert f"公安推送名单：公安名单.xlsx（{today:%Y-%m-%d}）" in page
