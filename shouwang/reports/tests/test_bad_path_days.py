"""A community's report day in the URL that is no date (a typed or mangled link) is a
400 saying what to fix in Chinese, with a link to the community's reports — not a bare
404 — and writes nothing; a community outside the user's jurisdiction is still a 404.
The other pages that take a day or dates in the query answer the same way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.reports import days
from shouwang.reports.models import DailyReport

pytestmark = pytest.mark.django_db

BAD = ["2026-02-30", "2026-13-01", "2026-2-3", "2026-02-3x", "yesterday", "0001-01-01", "9" * 300]


@pytest.mark.parametrize("bad", BAD)
def test_a_report_page_for_no_date_is_a_400_saying_so(world, bad) -> None:
    response = world.client("staff_a").get(f"/reports/c/{world.community_a.pk}/{bad}/")
    assert response.status_code == 400
    page = response.content.decode()
    example = days.last_closed_day().isoformat()
    assert f"日期“{bad[:30]}”无效：请按“年-月-日”填写，如 {example}" in page
    assert f'href="{reverse("reports:community", args=[world.community_a.pk])}"' in page
    assert "查看西城社区的日报" in page


@pytest.mark.parametrize("action", ["submit", "zero", "amend"])
def test_posting_to_no_date_is_a_400_and_writes_nothing(world, action) -> None:
    url = f"/reports/c/{world.community_a.pk}/2026-02-30/{action}/"
    response = world.client("staff_a").post(url, {})
    assert response.status_code == 400
    assert "日期“2026-02-30”无效" in response.content.decode()
    assert not DailyReport.objects.exists()


def test_another_communitys_report_stays_a_404_whatever_the_day(world) -> None:
    client = world.client("staff_a")
    for text in ("2026-02-30", days.last_closed_day().isoformat()):
        assert client.get(f"/reports/c/{world.community_b.pk}/{text}/").status_code == 404


def test_a_good_day_still_opens_the_report(world) -> None:
    day = days.last_closed_day()
    url = reverse("reports:report", args=[world.community_a.pk, day])
    assert url.endswith(f"/{day.isoformat()}/")
    response = world.client("staff_a").get(url)
    assert response.status_code == 200
    assert response.context["report"].day == day


@pytest.mark.parametrize(
    ("persona", "url", "query"),
    [
        ("hq", "reports:overview", {"day": "2026-02-30"}),
        ("hq", "checkpoints:counts", {"day": "2026-02-30"}),
        ("hq", "supplies:ledger", {"start": "2026-02-30"}),
        ("auditor", "accounts:audit", {"start": "2026-02-30"}),
    ],
)
def test_other_pages_with_a_day_in_the_query_answer_400_in_chinese(
    world, persona, url, query
) -> None:
    response = world.client(persona).get(reverse(url), query)
    assert response.status_code == 400
    assert "日期" in response.content.decode()
