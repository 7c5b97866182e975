"""Each role's home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.tests.factories import child
from shouwang.core.models import WorkerHeartbeat
from shouwang.core.tests.personas import PERSONAS, World
from shouwang.reports import days
from shouwang.reports.rollup import auto_values

HOME = reverse("core:home")


def home(world: World, persona: str):
    response = world.client(persona).get(HOME)
    assert response.status_code == 200
    return response


def beat(seconds_ago: int) -> None:
    moment = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(host="app1", pid=42, started_at=moment, seen_at=moment)


def test_anonymous_users_are_sent_to_login(client, world: World) -> None:
    response = client.get(HOME)
    assert response["Location"].startswith(reverse("accounts:login"))


def test_hq_sees_the_figures_of_the_subdistrict(world: World) -> None:
    response = home(world, "hq")
    assert response.context["figures"] == [
        ("社区/村", 2),
        ("小区", 2),
        ("楼栋", 3),
        ("应有户数", 12),
        ("账号", 7),
    ]
    body = response.content.decode()
    assert "指挥部管理员工作台" in body
    assert 'href="/accounts/users/"' in body
    assert 'href="/backoffice/"' in body


def test_the_expected_households_agree_with_coverage_and_the_daily_report(world: World) -> None:
    """A village's groups (村民组) have no buildings: their 应有户数 is on the group, and
    counts as a building's does on every page that shows the figure; a compound with
    buildings counts its buildings' figures only."""
    village = child(world.subdistrict, "东村")
    child(village, "一组", expected_households=30)
    world.compound_a.expected_households = 100  # its buildings carry the figures
    world.compound_a.save(update_fields=["expected_households"])
    figures = dict(home(world, "hq").context["figures"])
    coverage = world.client("hq").get(reverse("people:coverage")).context["total"]
    day = days.last_closed_day()
    reported = sum(
        auto_values(c, day)["households_expected"]
        for c in (world.community_a, world.community_b, village)
    )
    assert figures["应有户数"] == coverage.expected == reported == 42


def test_hq_sees_that_no_worker_ever_ran(world: World) -> None:
    body = home(world, "hq").content.decode()
    assert "后台任务进程：" in body
    assert "未运行" in body
    assert "从未运行" in body


def test_hq_sees_a_running_worker(world: World) -> None:
    beat(seconds_ago=20)
    body = home(world, "hq").content.decode()
    assert '<span class="badge green">正常</span>' in body
    assert "最后心跳" in body


def test_hq_sees_a_stopped_worker_with_its_last_heartbeat(world: World, settings) -> None:
    beat(seconds_ago=settings.WORKER_STALE_SECONDS + 60)
    response = home(world, "hq")
    body = response.content.decode()
    assert '<span class="badge red">未运行</span>' in body
    last = timezone.localtime(response.context["worker"].last_seen)
    assert f"最后心跳 {last:%Y-%m-%d %H:%M:%S}" in body


def test_the_leader_sees_figures_but_no_administration(world: World) -> None:
    response = home(world, "leader")
    assert response.context["figures"][0] == ("社区/村", 2)
    body = response.content.decode()
    assert "后台任务进程" not in body
    assert "/accounts/users/" not in body
    assert "/backoffice/" not in body


def test_community_staff_see_their_community_and_its_grids(world: World) -> None:
    response = home(world, "staff_a")
    assert response.context["figures"] == [("小区", 1), ("楼栋", 2), ("应有户数", 8)]
    body = response.content.decode()
    assert "本社区网格" in body
    assert "西城第1网格" in body
    assert world.grid_worker_a.full_name in body
    assert "八一" not in body


def test_a_grid_worker_sees_their_grids(world: World) -> None:
    body = home(world, "grid_a").content.decode()
    assert "我负责的网格" in body
    assert f'href="/areas/{world.compound_a.pk}/">西城花园</a>' in body


def test_checkpoint_staff_see_their_entry_points(world: World) -> None:
    response = home(world, "guard_a")
    assert "常用入口" in response.content.decode()
    assert "figures" not in response.context


def test_the_auditor_sees_recent_events_and_todays_counts(world: World) -> None:
    audit.record(action=AuditEvent.Action.LOGIN_FAILED, username="ghost", area=world.community_a)
    audit.record(action=AuditEvent.Action.EXPORT, user=world.staff_b)
    response = home(world, "auditor")
    assert [e.action for e in response.context["recent_events"]] == ["export", "login_failed"]
    assert response.context["today"] == {
        "failed_logins": 1,
        "denied": 0,
        "exports": 1,
        "reveals": 0,
    }
    body = response.content.decode()
    assert "最近审计事件" in body
    assert "ghost" in body


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_each_home_uses_a_few_queries(
    world: World, persona: str, django_assert_max_num_queries
) -> None:
    """A fixed few whatever the data: the panel's and each app's line of today's work
    (follow-ups, alerts, key areas, stock, reports, the posts the user staffs) cost one
    to three queries each."""
    client = world.client(persona)
    with django_assert_max_num_queries(22):
        client.get(HOME)
