"""The record's page lists each follow-up with the temperature measured, in ℃ with one
decimal as the thermometer shows it (37 is 37.0℃), a fever marked; none taken is —."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def _tap(world, record, slot: int, **data) -> None:
    assert f.tap(world.client("grid_a"), record, slot=str(slot), **data).status_code == 200


def _rows(world, record) -> list[str]:
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    table = html[html.index("<h2>随访记录</h2>") :]
    table = table[: table.index("</table>")]
    return [re.sub(r"\s+", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:]


def _temperature_cell(row: str) -> str:
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    return re.sub(r"<[^>]+>", "", cells[3]).strip()


def test_each_follow_up_shows_its_temperature_in_celsius(world, clock, record) -> None:
    clock.set(clock.today, 10, 0)
    _tap(world, record, 1, temperature="37")
    clock.set(clock.today, 15, 0)
    _tap(world, record, 2, temperature="38.2")
    afternoon, morning = _rows(world, record)
    assert _temperature_cell(morning) == "37.0℃"
    assert _temperature_cell(afternoon) == "38.2℃"
    assert '<span class="bad">38.2℃</span>' in afternoon
    assert '<span class="bad">' not in morning


def test_a_follow_up_without_a_temperature_shows_a_dash(world, clock, record) -> None:
    clock.set(clock.today, 10, 0)
    _tap(world, record, 1)
    (row,) = _rows(world, record)
    assert _temperature_cell(row) == "—"
    assert "℃" not in row
