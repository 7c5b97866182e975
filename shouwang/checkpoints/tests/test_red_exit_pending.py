"""A red passage out (出) that staff have neither let through (放行) nor turned back
(劝返) — a person under home observation, a household over its outing quota, a van
leaving a sealed area — is someone at the gate, not out: it is counted in 排查人员 and in
红色外出待处置, never in 出, and it uses none of the household's outings. Once staff
let it through it counts in 出 (其中放行) and against the quota; turned back, in 劝返.
The console, the counts page, ``community_figures``, the daily report and the
dashboard agree."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.reports import days
from shouwang.reports.rollup import auto_values, rollup
from shouwang.watch.models import Alert

from .. import tokens
from ..models import CheckIn, Pass, PassRule
from .factories import make_checkpoint, make_pass, make_person, observe

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    gate.staff.add(world.guard_a)
    return gate


def scan_out(world, gate, pass_: Pass) -> CheckIn:
    world.client("guard_a").post(
        reverse("checkpoints:console_scan", args=[gate.pk]),
        {
            "client_id": str(uuid.uuid4()),
            "token": tokens.phone_token(pass_.code),
            "direction": "out",
        },
    )
    return CheckIn.objects.filter(person=pass_.person).latest("at")


def release(world, row: CheckIn, reason: str = "hospital"):
    return world.client("guard_a").post(
        reverse("checkpoints:checkin_release", args=[row.pk]), {"reason": reason}
    )


@pytest.fixture
def observed_out(world, gate) -> CheckIn:
    """A person under home observation, their pass scanned going out: red, 值守已确认."""
    person = make_person(world.building_a, "李观察", room="201")
    observe(person)
    row = scan_out(world, gate, make_pass(person))
    assert (row.status, row.result) == (CheckIn.Status.CONFIRMED, "r")
    return row


def window():
    now = timezone.now()
    return now - timezone.timedelta(hours=1), now + timezone.timedelta(hours=1)


def test_a_red_exit_waiting_for_staff_is_not_an_出(world, gate, observed_out) -> None:
    figures = CheckIn.objects.figures()
    assert (
        figures["people_out"],
        figures["exits_pending"],
        figures["people_checked"],
        figures["people_turned_back"],
    ) == (0, 1, 1, 0)
    community = CheckIn.objects.community_figures(world.community_a, *window())
    assert (community["people_out"], community["exits_pending"]) == (0, 1)
    per = CheckIn.objects.per_checkpoint()[gate.pk]
    assert (per["people_out"], per["exits_pending"]) == (0, 1)
    assert CheckIn.objects.exits_pending().get() == observed_out


def test_the_console_shows_it_waiting_and_offers_both_decisions(world, gate, observed_out) -> None:
    page = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    body = page.content.decode()
    assert page.context["today"]["people_out"] == 0
    assert page.context["today"]["exits_pending"] == 1
    assert "红色外出待处置 <b>1</b>" in body
    assert reverse("checkpoints:checkin_release", args=[observed_out.pk]) in body
    assert reverse("checkpoints:checkin_turn_back", args=[observed_out.pk]) in body


def test_let_through_it_counts_in_出(world, gate, observed_out) -> None:
    assert release(world, observed_out).status_code == 302
    figures = CheckIn.objects.figures()
    assert (figures["people_out"], figures["people_released"], figures["exits_pending"]) == (
        1,
        1,
        0,
    )
    community = CheckIn.objects.community_figures(world.community_a, *window())
    assert (community["people_out"], community["exits_pending"]) == (1, 0)
    page = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    assert page.context["today"]["people_out"] == 1
    assert page.context["today"]["people_released"] == 1
    counts = world.client("staff_a").get(reverse("checkpoints:counts"))
    assert counts.context["totals"]["people_out"] == 1
    assert counts.context["totals"]["exits_pending"] == 0


def test_turned_back_it_counts_in_劝返(world, gate, observed_out) -> None:
    world.client("guard_a").post(
        reverse("checkpoints:checkin_turn_back", args=[observed_out.pk]), {"reason": "居家观察"}
    )
    figures = CheckIn.objects.figures()
    assert (figures["people_out"], figures["people_turned_back"], figures["exits_pending"]) == (
        0,
        1,
        0,
    )


def test_the_quota_counts_a_red_exit_only_once_let_through(world, gate) -> None:
    """一户一天一次: the observed member's red 出 waiting at the gate uses none of the
    household's outing; let through (就医), it does, and the next member's is over."""
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    observed = make_person(world.building_a, "李观察", room="301")
    observe(observed)
    first = scan_out(world, gate, make_pass(observed))
    assert first.result == "r"
    # Another member of the same household: the red row is no outing yet.
    second = scan_out(world, gate, make_pass(make_person(world.building_a, "李二", room="301")))
    assert second.result == "g"
    assert not Alert.objects.filter(kind=Alert.Kind.QUOTA).exists()
    # A fresh household: its pending red exit, then let through, then a member's outing.
    PassRule.objects.filter(area=world.compound_a).update(outing_quota=1)
    observed_b = make_person(world.building_a, "周观察", room="302")
    observe(observed_b)
    red = scan_out(world, gate, make_pass(observed_b))
    assert release(world, red).status_code == 302
    after = scan_out(world, gate, make_pass(make_person(world.building_a, "周二", room="302")))
    assert after.result == "r"
    assert "本户今日外出已达 1 次上限" in after.note
    assert Alert.objects.filter(kind=Alert.Kind.QUOTA, person=after.person).exists()


def test_a_red_quota_exit_waiting_uses_no_outing(world, gate) -> None:
    """Over the quota and red, the member waits at the gate: a later tap of another
    member that day is still over the quota only because of the first green outing."""
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    scan_out(world, gate, make_pass(make_person(world.building_a, "孙一", room="401")))
    over = scan_out(world, gate, make_pass(make_person(world.building_a, "孙二", room="401")))
    assert over.result == "r"
    assert CheckIn.objects.filter(person__household=over.person.household).outings().count() == 1
    assert release(world, over, "permit").status_code == 302
    assert CheckIn.objects.filter(person__household=over.person.household).outings().count() == 2


@pytest.fixture
def sealed_exit(world, gate) -> CheckIn:
    from shouwang.cases.tests.factories import make_key_area

    make_key_area(world.compound_a, level="sealed")
    row = scan_out(world, gate, make_pass(make_person(world.building_a, "王封控", room="501")))
    assert row.status == CheckIn.Status.TURNED_BACK
    return row


def test_the_daily_report_moves_a_released_sealed_exit_out_of_劝返(world, gate, sealed_exit):
    day = days.day_of(timezone.now())
    auto = auto_values(world.community_a, day)
    assert (auto["persons_checked"], auto["persons_turned_back"]) == (1, 1)
    release(world, sealed_exit)
    auto = auto_values(world.community_a, day)
    assert (auto["persons_checked"], auto["persons_turned_back"]) == (1, 0)


def test_the_dashboard_agrees(world, gate, sealed_exit) -> None:
    day = days.day_of(timezone.now())

    def dashboard() -> dict:
        rollup(day)
        response = world.client("hq").get(
            reverse("dashboard:index"), {"area": world.community_a.pk}
        )
        assert response.status_code == 200
        return response.context["snap"].figure.values

    before = dashboard()
    assert (before["persons_checked"], before["persons_turned_back"]) == (1, 1)
    release(world, sealed_exit)
    after = dashboard()
    assert (after["persons_checked"], after["persons_turned_back"]) == (1, 0)
