"""统计's 今日逾期随访 names a record with no responsible grid worker 未分配, as the
逾期 page and the 按网格员 table do — on the page and in its export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def test_an_overdue_record_nobody_answers_for_says_unassigned(world, clock, policy_a) -> None:
    clock.set(clock.today, 7, 0)
    record = f.key_person(world.building_a, "无人管")
    KeyPerson.objects.filter(pk=record.pk).update(responsible=None)
    clock.set(clock.today, 12, 30)
    client = world.client("staff_a")
    overdue = client.get(reverse("watch:overdue")).content.decode()
    assert "未分配" in overdue
    page = client.get(reverse("watch:stats")).content.decode()
    table = page[page.index("今日逾期随访</h2>") :]
    row = table[table.index("无人管") : table.index("</tr>", table.index("无人管"))]
    assert "未分配" in row
    export = client.get(reverse("watch:stats_export", args=["overdue"]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "无人管"
    assert rows[1][6] == "未分配"
