"""A visitor the rules refuse coming in (谢绝访客, a strict or sealed key area) did not
come in, however the passage was recorded — a staff scan of the visitor's pass, the
visitor's own registration or one-tap — so it is 劝返, counted in 劝返 and never in 进,
as a visitor registered by staff there already is; the counts page and the xlsx export
agree with the rows."""

from __future__ import annotations

import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouwang.cases.tests.factories import make_key_area

from .. import tokens
from ..actions import clear_rule_cache
from ..models import CheckIn, Pass, PassRule
from .factories import make_pass, make_person
from .test_resident import registration, tap_data

pytestmark = pytest.mark.django_db


def refuse_visitors(world) -> None:
    PassRule.objects.create(area=world.community_a, visitors=PassRule.Visitors.REFUSED)
    clear_rule_cache()  # as saving a rule does


def visitor_pass(world) -> Pass:
    return make_pass(make_person(world.building_a, "孙访客"), visitor=True)


def scan(world, gate, pass_: Pass, direction: str = "in"):
    data = {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(pass_.code),
        "direction": direction,
    }
    return world.client("guard_a").post(reverse("checkpoints:console_scan", args=[gate.pk]), data)


def register_visitor(world, gate, client: Client | None = None, **overrides):
    data = registration(world, kind="visitor", visiting="3号楼张先生", visit_reason="送药")
    return (client or Client()).post(
        reverse("checkin:register", args=[gate.code]), {**data, **overrides}
    )


def counted(world) -> tuple[dict, list[tuple]]:
    """The day's totals on the counts page, and the export's rows."""
    day = timezone.localdate().isoformat()
    client = world.client("staff_a")
    page = client.get(reverse("checkpoints:counts"), {"day": day})
    assert page.status_code == 200
    export = client.get(reverse("checkpoints:counts_export"), {"day": day})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    return page.context["totals"], rows


def test_a_staff_scan_of_a_refused_visitor_s_pass_is_a_turn_back(world, gate) -> None:
    refuse_visitors(world)
    response = scan(world, gate, visitor_pass(world))
    assert response.status_code == 302
    row = CheckIn.objects.get()
    assert (row.status, row.result) == (CheckIn.Status.TURNED_BACK, "r")
    assert row.note.startswith("劝返：本辖区谢绝访客")
    assert row.note.count("本辖区谢绝访客") == 1
    assert row.recorded_by == world.guard_a
    figures = CheckIn.objects.figures()
    assert (figures["people_in"], figures["people_turned_back"]) == (0, 1)


def test_a_staff_scan_in_a_strict_key_area_turns_a_visitor_back(world, gate) -> None:
    make_key_area(world.community_a)
    scan(world, gate, visitor_pass(world))
    row = CheckIn.objects.get()
    assert row.status == CheckIn.Status.TURNED_BACK
    assert row.note.startswith("劝返：重点区域谢绝访客")


def test_a_refused_visitor_s_registration_is_a_turn_back(world, gate) -> None:
    refuse_visitors(world)
    response = register_visitor(world, gate)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-result="r"' in body
    assert "劝返：本辖区谢绝访客" in body
    row = CheckIn.objects.get()
    assert (row.status, row.source, row.visitor) == (CheckIn.Status.TURNED_BACK, "self", True)
    figures = CheckIn.objects.figures()
    assert (figures["people_in"], figures["people_turned_back"], figures["declared"]) == (0, 1, 0)


def test_a_visitor_s_one_tap_where_visitors_are_now_refused_is_a_turn_back(world, gate) -> None:
    phone = Client()
    register_visitor(world, gate, phone)
    first = CheckIn.objects.get()
    assert first.status == CheckIn.Status.DECLARED
    refuse_visitors(world)
    response = phone.post(reverse("checkin:scan", args=[gate.code]), tap_data())
    assert response.status_code == 200
    assert "劝返" in response.content.decode()
    tap = CheckIn.objects.exclude(pk=first.pk).get()
    assert (tap.status, tap.result) == (CheckIn.Status.TURNED_BACK, "r")
    assert tap.note.startswith("劝返：本辖区谢绝访客")


def test_a_refused_visitor_leaving_is_counted_out(world, gate) -> None:
    refuse_visitors(world)
    scan(world, gate, visitor_pass(world), direction="out")
    row = CheckIn.objects.get()
    assert (row.status, row.result) == (CheckIn.Status.CONFIRMED, "g")
    assert CheckIn.objects.figures()["people_out"] == 1


def test_the_staff_scan_of_a_visitor_turned_back_by_the_own_tap_adds_no_second_row(
    world, gate
) -> None:
    refuse_visitors(world)
    register_visitor(world, gate)
    own = CheckIn.objects.get()
    response = scan(world, gate, own.pass_used)
    assert response["Location"].endswith(f"?last={own.pk}")
    shown = world.client("guard_a").get(response["Location"]).content.decode()
    assert "已扫码申报，已按规定劝返（不重复登记）" in shown
    assert CheckIn.objects.count() == 1
    own.refresh_from_db()
    assert own.status == CheckIn.Status.TURNED_BACK
    assert own.recorded_by == world.guard_a
    assert CheckIn.objects.figures()["people_turned_back"] == 1


def test_the_counts_page_and_export_count_refused_visitors_as_turned_back(world, gate) -> None:
    refuse_visitors(world)
    scan(world, gate, visitor_pass(world))
    register_visitor(world, gate)
    scan(world, gate, visitor_pass(world), direction="out")
    totals, rows = counted(world)
    assert (totals["people_in"], totals["people_out"], totals["people_turned_back"]) == (0, 1, 2)
    assert rows[0][3:7] == ("进入人数", "外出人数", "车辆", "劝返人数")
    hourly = [r for r in rows[1:] if r[2] != "全天"]
    day = next(r for r in rows[1:] if r[2] == "全天")
    for column, expected in ((3, 0), (4, 1), (6, 2)):
        assert sum(r[column] for r in hourly) == day[column] == expected
    detail = CheckIn.objects.all()
    assert detail.filter(status=CheckIn.Status.TURNED_BACK).count() == 2
    assert not detail.filter(direction="in").exclude(status=CheckIn.Status.TURNED_BACK).exists()
