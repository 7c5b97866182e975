"""A day (or a number of days) in a query that a reports page cannot use is a 400
saying what to fix — never the default day shown in its place as if asked for, never
a 500 — and writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.reports import days
from shouwang.reports.models import Bulletin, DailyFigure

pytestmark = pytest.mark.django_db

BAD_DAYS = ["2020-02-30", "yesterday", "2020/02/13", "13-02-2020", "0001-01-01", "9" * 40]
DAY_PAGES = ["reports:overview", "reports:bulletin", "reports:export"]


@pytest.mark.parametrize("name", DAY_PAGES)
@pytest.mark.parametrize("bad", BAD_DAYS)
def test_a_day_that_is_not_a_date_is_a_400_saying_so(world, name, bad):
    response = world.client("hq").get(reverse(name), {"day": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        f"日期“{bad[:30]}”无效：请按“年-月-日”填写，如 {days.last_closed_day().isoformat()}" in page
    )
    assert "请求参数有误" in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_400_links_to_the_page_as_it_opens_by_default(world):
    client = world.client("hq")
    page = client.get(reverse("reports:bulletin"), {"day": "x"}).content.decode()
    assert f'href="{reverse("reports:bulletin")}?area={world.subdistrict.pk}"' in page
    assert "查看最近一天的通报" in page
    page = client.get(reverse("reports:export"), {"day": "x"}).content.decode()
    assert f'href="{reverse("reports:overview")}?area={world.subdistrict.pk}"' in page


def test_a_good_day_and_no_day_still_work(world):
    client = world.client("hq")
    closed = days.last_closed_day()
    for query in ({}, {"day": ""}, {"day": closed.isoformat()}):
        response = client.get(reverse("reports:overview"), query)
        assert response.status_code == 200
        assert response.context["day"] == closed


def test_saving_a_bulletin_for_a_bad_day_writes_nothing(world):
    response = world.client("hq").post(
        f"{reverse('reports:bulletin')}?day=2020-13-01", {"text": "通报内容"}
    )
    assert response.status_code == 400
    assert not Bulletin.objects.exists()


def test_rolling_up_a_bad_day_is_a_400_and_rolls_up_nothing(world):
    response = world.client("hq").post(f"{reverse('reports:rollup')}?day=2020-02-30")
    assert response.status_code == 400
    assert "日期“2020-02-30”无效" in response.content.decode()
    assert not DailyFigure.objects.exists()


@pytest.mark.parametrize("bad", ["abc", "0", "6", "181", "-14", "14.5", "１４", "9" * 5000])
def test_a_trend_span_out_of_range_is_a_400_saying_so(world, bad):
    response = world.client("hq").get(reverse("reports:trend", args=["fevers"]), {"days": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"天数“{bad[:30]}”无效：请填 7 到 180 之间的整数" in page


@pytest.mark.parametrize(("query", "span"), [({}, 14), ({"days": "7"}, 7), ({"days": "180"}, 180)])
def test_a_trend_span_in_range_is_shown(world, query, span):
    response = world.client("hq").get(reverse("reports:trend", args=["fevers"]), query)
    assert response.status_code == 200
    assert response.context["span"] == span
