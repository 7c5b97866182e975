"""A record nobody answers for reads 未分配 wherever its grid worker is shown: the
名单, the record's page, the 名单's export and 统计's 按网格员 table —
as 逾期, 失联 and 统计's 今日逾期随访 already said, never — or a blank cell."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def nobodys(world, clock, policy_a) -> KeyPerson:
    clock.set(clock.today, 7, 0)
    record = f.key_person(world.building_a, "无人管")
    KeyPerson.objects.filter(pk=record.pk).update(responsible=None, grid=None)
    return record


def cells_of(page: str, name: str) -> list[str]:
    start = page.index(name)
    row = page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_the_list_says_unassigned(world, nobodys) -> None:
    page = world.client("staff_a").get(reverse("watch:index")).content.decode()
    assert cells_of(page, "无人管")[7] == "未分配"


def test_the_record_page_says_unassigned_for_worker_and_grid(world, nobodys) -> None:
    page = world.client("staff_a").get(reverse("watch:detail", args=[nobodys.pk])).content.decode()
    assert "<th>网格</th><td>未分配</td>" in page
    assert "<th>责任网格员</th><td>未分配</td>" in page


def test_the_export_says_unassigned(world, nobodys) -> None:
    response = world.client("staff_a").get(reverse("watch:export"))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    column = rows[0].index("责任网格员")
    (row,) = [r for r in rows[1:] if r[0] == "无人管"]
    assert row[column] == "未分配"


def test_the_workers_table_says_unassigned(world, nobodys) -> None:
    page = world.client("staff_a").get(reverse("watch:stats")).content.decode()
    table = page[page.index("按网格员") :]
    assert "<td>未分配</td>" in table
    assert "（未分配）" not in page
