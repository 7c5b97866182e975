"""Key areas: marking and lifting, the reads for check-in rules and daily follow-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.cases.key_areas import (
    active_key_areas,
    households_in_key_areas,
    is_in_key_area,
    key_area_for,
    persons_in_key_areas,
)
from shouwang.cases.models import KeyArea

from .factories import make_case, make_key_area, make_person, mark_data


def test_hq_marks_the_compound_of_a_case(world, today):
    case = make_case(world.building_a)
    client = world.client("hq")
    form = client.get(reverse("cases:key_area_new"), {"case": case.pk})
    assert f'<option value="{world.compound_a.pk}" selected>' in form.content.decode()
    response = client.post(
        reverse("cases:key_area_new") + f"?case={case.pk}", mark_data(world.compound_a, today)
    )
    key_area = KeyArea.objects.get()
    assert response.status_code == 302
    assert (key_area.area, key_area.case, key_area.marked_by) == (world.compound_a, case, world.hq)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="cases.KeyArea"
    ).exists()


def test_a_case_known_only_by_its_community_preselects_no_area_and_says_why(world, today):
    case = make_case(world.community_a)
    client = world.client("hq")
    body = client.get(reverse("cases:key_area_new"), {"case": case.pk}).content.decode()
    select = body.split('name="area"')[1].split("</select>")[0]
    assert select.count("selected>") == 1
    assert 'value="" selected>' in select  # the choice is left to make, not a hidden value
    assert f"病例住址仅登记到{world.community_a.name}，请选择其所在小区或楼栋" in body
    response = client.post(
        reverse("cases:key_area_new") + f"?case={case.pk}", mark_data(world.compound_a, today)
    )
    assert response.status_code == 302
    assert KeyArea.objects.get().case == case


@pytest.mark.parametrize(
    ("start", "message"),
    [("0001-01-01", "开始日期早于一年前"), ("2062-01-01", "开始日期不能晚于30天后")],
)
def test_a_mistyped_start_year_is_refused(world, start, message, today):
    response = world.client("hq").post(
        reverse("cases:key_area_new"), mark_data(world.compound_a, today, start_date=start)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KeyArea.objects.exists()


def test_community_staff_cannot_mark_key_areas(world, today):
    response = world.client("staff_a").post(
        reverse("cases:key_area_new"), mark_data(world.compound_a, today)
    )
    assert response.status_code == 403
    assert not KeyArea.objects.exists()


def test_only_compounds_and_buildings_can_be_key_areas(world, today):
    response = world.client("hq").post(
        reverse("cases:key_area_new"), mark_data(world.community_a, today)
    )
    assert response.status_code == 400
    assert not KeyArea.objects.exists()


def test_an_area_already_covered_is_not_marked_twice(world, today):
    make_key_area(world.compound_a, start_date=today - timedelta(days=2))
    response = world.client("hq").post(
        reverse("cases:key_area_new"), mark_data(world.building_a, today)
    )
    assert response.status_code == 400
    assert "已是重点区域" in response.content.decode()
    assert KeyArea.objects.count() == 1


def test_an_area_can_be_marked_again_after_it_was_lifted(world, today):
    make_key_area(
        world.building_a, start_date=today - timedelta(days=20), end_date=today - timedelta(days=5)
    )
    response = world.client("hq").post(
        reverse("cases:key_area_new"), mark_data(world.building_a, today)
    )
    assert response.status_code == 302
    assert KeyArea.objects.count() == 2


def test_the_end_must_follow_the_start(world, today):
    data = mark_data(world.compound_a, today, end_date=today.isoformat())
    assert world.client("hq").post(reverse("cases:key_area_new"), data).status_code == 400


def test_a_building_in_a_marked_compound_is_in_a_key_area(world):
    make_key_area(world.compound_a, level=KeyArea.Level.FOLLOW_UP)
    assert is_in_key_area(world.building_a)
    assert is_in_key_area(world.compound_a)
    assert not is_in_key_area(world.community_a)
    assert not is_in_key_area(world.building_b)


def test_the_strictest_mark_applies(world):
    make_key_area(world.compound_a, level=KeyArea.Level.FOLLOW_UP)
    sealed = make_key_area(world.building_a, level=KeyArea.Level.SEALED)
    assert key_area_for(world.building_a) == sealed
    assert key_area_for(world.building_a2).level == KeyArea.Level.FOLLOW_UP
    assert key_area_for(world.building_b) is None


def test_marks_count_only_between_start_and_lift(world, today):
    make_key_area(world.building_a, start_date=today + timedelta(days=1))
    make_key_area(
        world.building_b, start_date=today - timedelta(days=3), end_date=today
    )  # lifted today
    assert not is_in_key_area(world.building_a)
    assert not is_in_key_area(world.building_b)
    assert is_in_key_area(world.building_a, on=today + timedelta(days=1))
    assert is_in_key_area(world.building_b, on=today - timedelta(days=1))
    assert list(active_key_areas()) == []


def test_residents_of_key_areas_are_listed_for_daily_follow_up(world):
    inside = [make_person(world.building_a), make_person(world.building_a2)]
    moved = make_person(world.building_a)
    moved.moved_out = True
    moved.save()
    outside = make_person(world.building_b)
    make_key_area(world.compound_a)
    persons = set(persons_in_key_areas())
    assert persons == set(inside)
    assert outside not in persons
    assert set(households_in_key_areas()) == {p.household for p in [*inside, moved]}
    assert set(persons_in_key_areas().visible_to(world.staff_b)) == set()


def test_hq_lifts_a_key_area_and_its_residents_leave_the_follow_up(world, today):
    person = make_person(world.building_a)
    key_area = make_key_area(world.compound_a, start_date=today - timedelta(days=14))
    assert list(persons_in_key_areas()) == [person]
    response = world.client("hq").post(
        reverse("cases:key_area_lift", args=[key_area.pk]), {"reason": "连续14天无新增"}
    )
    assert response.status_code == 302
    key_area.refresh_from_db()
    assert key_area.end_date == today
    assert key_area.lifted_by == world.hq
    assert list(persons_in_key_areas()) == []
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.STATUS, object_id=str(key_area.pk), object_type="cases.KeyArea"
    ).exists()


def test_a_mark_lifted_the_day_it_started_is_out_of_force_at_once(world, today):
    make_person(world.building_a)
    client = world.client("hq")
    client.post(reverse("cases:key_area_new"), mark_data(world.compound_a, today, level="strict"))
    key_area = KeyArea.objects.get()
    assert is_in_key_area(world.building_a)
    lift = reverse("cases:key_area_lift", args=[key_area.pk])
    assert client.post(lift, {"reason": "标错小区"}).status_code == 302
    assert not is_in_key_area(world.building_a)  # the gate's strict rule ends now
    assert list(persons_in_key_areas()) == []
    page = client.get(reverse("cases:key_area", args=[key_area.pk])).content.decode()
    assert "不在管控期" in page
    assert lift not in page
    response = client.post(lift, {"reason": "再点一次"})
    assert response.status_code == 400
    assert "该重点区域已解除" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).count() == 1


def test_a_mark_not_started_yet_can_be_called_off_and_the_place_marked_again(world, today):
    client = world.client("hq")
    later = (today + timedelta(days=10)).isoformat()
    client.post(reverse("cases:key_area_new"), mark_data(world.compound_a, today, start_date=later))
    planned = KeyArea.objects.get()
    assert reverse("cases:key_area_lift", args=[planned.pk]) in (
        client.get(reverse("cases:key_area", args=[planned.pk])).content.decode()
    )
    client.post(reverse("cases:key_area_lift", args=[planned.pk]), {"reason": "开始日期填错"})
    planned.refresh_from_db()
    assert planned.end_date == planned.start_date
    assert not is_in_key_area(world.building_a, on=today + timedelta(days=10))
    response = client.post(reverse("cases:key_area_new"), mark_data(world.compound_a, today))
    assert response.status_code == 302
    assert is_in_key_area(world.building_a)


def test_lifting_needs_a_reason(world, today):
    key_area = make_key_area(world.compound_a, start_date=today - timedelta(days=1))
    response = world.client("hq").post(
        reverse("cases:key_area_lift", args=[key_area.pk]), {"reason": "  "}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写解除原因" in body
    assert reverse("cases:key_area_lift", args=[key_area.pk]) in body  # the form, again
    key_area.refresh_from_db()
    assert (key_area.end_date, key_area.lifted_by) == (None, None)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).exists()


def test_hq_sees_the_list_and_each_areas_follow_up_roster(world, django_assert_max_num_queries):
    make_key_area(world.compound_a, case=make_case(world.building_a))
    key_b = make_key_area(world.compound_b)
    residents = [make_person(world.building_b) for _ in range(5)]
    client = world.client("hq")
    with django_assert_max_num_queries(14):
        listing = client.get(reverse("cases:key_areas"))
    body = listing.content.decode()
    assert world.compound_a.name in body
    assert world.compound_b.name in body
    with django_assert_max_num_queries(15):
        detail = client.get(reverse("cases:key_area", args=[key_b.pk]))
    assert all(p.name in detail.content.decode() for p in residents)
    assert residents[0].phone not in detail.content.decode()
    staff_a_list = world.client("staff_a").get(reverse("cases:key_areas")).content.decode()
    assert world.compound_b.name not in staff_a_list


def test_the_key_area_page_keeps_its_query_count_with_more_residents(world):
    key_area = make_key_area(world.compound_a)
    make_person(world.building_a)
    client = world.client("hq")
    url = reverse("cases:key_area", args=[key_area.pk])
    client.get(url)  # the first request of a session reads more
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    many = [make_person(world.building_a2) for _ in range(30)]
    with CaptureQueriesContext(connection) as more:
        page = client.get(url)
    assert all(p.household.door in page.content.decode() for p in many)
    assert len(more) == len(few)


def test_a_case_living_in_a_key_area_marked_for_another_case_says_so(world, today):
    first = make_case(world.building_a)
    mark = make_key_area(world.compound_a, case=first, start_date=today - timedelta(days=2))
    second = make_case(world.building_a2)
    client = world.client("hq")
    page = client.get(reverse("cases:detail", args=[second.pk])).content.decode()
    section = page.split("<h2>重点区域</h2>")[1]
    assert "病例住址所在的西城花园已是重点区域" in section
    assert reverse("cases:key_area", args=[mark.pk]) in section
    form = client.get(reverse("cases:key_area_new"), {"case": second.pk}).content.decode()
    assert "病例住址所在的西城花园已是重点区域（通行从严，自" in form
    assert reverse("cases:key_area", args=[mark.pk]) in form
    staff = world.client("staff_a").get(reverse("cases:detail", args=[second.pk]))
    assert "病例住址所在的西城花园已是重点区域" in staff.content.decode()
    # Its own mark is listed as such, not twice.
    page = client.get(reverse("cases:detail", args=[first.pk])).content.decode()
    assert "病例住址所在的" not in page
    mark.end_date = today
    mark.save(update_fields=["end_date"])
    page = client.get(reverse("cases:detail", args=[second.pk])).content.decode()
    assert "病例住址所在的" not in page


def test_a_mark_past_its_planned_end_says_it_ended_on_schedule_not_that_it_was_lifted(world, today):
    key_area = make_key_area(
        world.compound_a, start_date=today - timedelta(days=5), end_date=today - timedelta(days=1)
    )
    client = world.client("hq")
    page = client.get(reverse("cases:key_area", args=[key_area.pk])).content.decode()
    assert "到期结束" in page
    assert reverse("cases:key_area_lift", args=[key_area.pk]) not in page
    response = client.post(
        reverse("cases:key_area_lift", args=[key_area.pk]), {"reason": "疫情平稳"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "已解除" not in body
    end = today - timedelta(days=1)
    assert f"该重点区域已于 {end} 到期结束（计划解除日期），无需解除" in body
    key_area.refresh_from_db()
    assert (key_area.end_date, key_area.lifted_by, key_area.lifted_at) == (end, None, None)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).exists()
    listing = client.get(reverse("cases:key_areas")).content.decode()
    assert "（到期结束）" in listing
