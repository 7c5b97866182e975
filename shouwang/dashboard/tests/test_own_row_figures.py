"""The "…直属" row of 下级明细 (what a sub-district holds in none of its communities:
its road checkpoints, key persons registered on the sub-district itself) shows its real
figures — 0 where it counted nothing — on the dashboard, the wall screen and the
overview, and is left out where it would show nothing: the wall screen's columns are
the first eight indicators, and a row whose own figures all lie beyond them was a row
of dashes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.checkpoints.tests.factories import make_checkin, make_checkpoint
from shouwang.reports import days
from shouwang.reports.rollup import rollup
from shouwang.reports.tests import data

pytestmark = pytest.mark.django_db


def own_rows(page: str) -> list[list[str]]:
    """The cells of each 直属 row, tags stripped."""
    rows = re.findall(r"<tr>((?:(?!</tr>).)*直属(?:(?!</tr>).)*)</tr>", page, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def headings(page: str) -> list[str]:
    head = re.findall(r"<thead>(.*?)</thead>", page, re.S)[-1]
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]


def pages(world):
    client = world.client("hq")
    today = days.open_day().isoformat()
    return {
        "dashboard": client.get(reverse("dashboard:index")).content.decode(),
        "wall": client.get(reverse("dashboard:wall")).content.decode(),
        "overview": client.get(reverse("reports:overview"), {"day": today}).content.decode(),
    }


@pytest.fixture
def road(world):
    """A road checkpoint of the sub-district, one passage today: figures the wall's
    eight columns (key persons, cases) do not show."""
    checkpoint = make_checkpoint(world.subdistrict, "中州大道卡口")
    make_checkin(checkpoint, at=days.window(days.open_day()).start + timedelta(minutes=5))
    return checkpoint


def test_the_own_row_shows_its_figures_with_zeros(world, road):
    rollup(days.open_day())
    for name, page in pages(world).items():
        if name == "wall":
            continue
        (row,) = own_rows(page)
        by_heading = dict(zip(headings(page), row, strict=True))
        assert by_heading["开放卡点（个）"] == "1", name
        assert by_heading["在管重点人员（人）"] == "0", name
        assert by_heading["已登记户数（户）"] == "0", name


def test_the_wall_leaves_out_an_own_row_with_nothing_in_its_columns(world, road):
    rollup(days.open_day())
    page = pages(world)["wall"]
    assert own_rows(page) == []
    assert "西城社区" in page


def test_the_wall_shows_an_own_row_with_a_figure_in_its_columns(world, road):
    data.key_person(world.subdistrict, at=days.window(days.open_day()).start)
    rollup(days.open_day())
    page = pages(world)["wall"]
    (row,) = own_rows(page)
    assert row[:3] == ["明湖街道直属", "—", "1"]  # 在管重点人员
    assert "—" not in row[2:]


def test_no_page_shows_a_row_of_dashes(world, road):
    data.key_person(world.subdistrict, at=days.window(days.open_day()).start)
    rollup(days.open_day())
    for name, page in pages(world).items():
        for row in own_rows(page):
            figures = row[2:]
            assert any(cell not in ("—", "0", "") for cell in figures), (name, row)
