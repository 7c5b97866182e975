"""The intake preview lists its problems as the file reads: by row, then by the file's
column order, whichever check found them; an unknown person with no community is told
both ways to say where to locate them (the 社区 column, or the form's 默认社区)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def upload(client, rows, headers):
    data = {
        "file": f.intake_sheet(rows, headers),
        "category": f.category().pk,
        "measure": "home",
    }
    return client.post(reverse("watch:intake"), data)


def test_problems_are_listed_by_row_then_by_the_file_s_columns(world) -> None:
    arrived = timezone.localdate() - timedelta(days=2)
    # The police's layout: 手机号 before 姓名.
    headers = ["手机号", "姓名", "证件号码", "抵达日期", "来源地", "现住址"]
    rows = [
        ["13700000001", "陈一", f.id_number(), arrived, "湖北武汉", ""],  # row 2: no 社区
        ["13700000002", "陈二", f.id_number(), arrived, "湖北武汉", ""],  # row 3: no 社区
        ["137", "", f.id_number(), arrived, "湖北武汉", ""],  # row 4: phone and name
        ["13700000004", "陈四", "123", arrived, "湖北武汉", ""],  # row 5: number
    ]
    response = upload(world.client("hq"), rows, headers)
    assert response.status_code == 400
    problems = [(p.row, p.column) for p in response.context["plan"].problems]
    assert problems == [(2, "社区"), (3, "社区"), (4, "手机号"), (4, "姓名"), (5, "证件号码")]
    page = response.content.decode()
    assert page.index("<td>2</td>") < page.index("<td>4</td>") < page.index("<td>5</td>")


def test_an_unknown_person_without_a_community_is_told_of_the_default_community(world) -> None:
    arrived = timezone.localdate() - timedelta(days=2)
    row = ["陈一", f.id_number(), "13700000001", arrived, "湖北武汉", ""]
    response = upload(
        world.client("hq"), [row], ["姓名", "证件号码", "手机号", "抵达日期", "来源地", "现住址"]
    )
    [problem] = response.context["plan"].problems
    assert problem.message == (
        "台账中没有此人，请在“社区”列填写其所在社区，或在上传时选择“默认社区”，以便下发查找"
    )
    page = response.content.decode()
    assert "默认社区" in page
