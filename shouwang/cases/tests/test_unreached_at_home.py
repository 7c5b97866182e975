"""连续两天未联系上 names the residents expected at home, by the at-home rule of the
household visits (``residents_at_home``): not those moved out, gone from the
jurisdiction (a key-person record ended 已离开辖区), sent to hospital (转医院) or in
central isolation; and a household with nobody left at home raises no such alert."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shouwang.cases.key_areas import households_to_visit
from shouwang.cases.models import HouseholdVisit, SecondDayUnreached
from shouwang.watch.models import Alert, KeyPerson

from .factories import attempt_on, make_key_person, make_person, unreached, visit_data


def key_record(person, today, *, status=KeyPerson.Status.ACTIVE, measure=KeyPerson.Measure.HOME):
    ended = status != KeyPerson.Status.ACTIVE
    return make_key_person(
        person,
        category="湖北/武汉返回",
        source=KeyPerson.Source.POLICE,
        measure=measure,
        start_date=today - timedelta(days=5),
        planned_end=today + timedelta(days=9),
        status=status,
        ended_at=timezone.now() if ended else None,
    )


def alerts_page(marked) -> str:
    return marked.client("staff_a").get(reverse("watch:alerts")).content.decode()


def test_the_alert_names_only_the_residents_expected_at_home(marked, today):
    household = marked.zhang.household
    moved = make_person(marked.building_a, "周强", room="101")
    moved.moved_out = True
    moved.save()
    gone = make_person(marked.building_a, "吴刚", room="101")
    key_record(gone, today, status=KeyPerson.Status.LEFT)
    key_record(marked.zhang_wife, today, status=KeyPerson.Status.HOSPITAL)
    isolated = make_person(marked.building_a, "郑敏", room="101")
    key_record(isolated, today, measure=KeyPerson.Measure.CENTRAL)
    attempt_on(marked, household, today - timedelta(days=1))
    response = unreached(marked.client("grid_a"), household.pk)
    assert response.status_code == 200
    alert = Alert.objects.get()
    assert "在家人员：张*" in alert.detail
    for away in ("周*", "吴*", "李*", "郑*"):
        assert away not in alert.detail
    page = alerts_page(marked)
    assert "重点区域住户连续两天未联系上：西城花园1号楼101" in page
    assert "在家人员：张*" in page
    assert "李*" not in page


def test_a_person_back_after_leaving_is_at_home_again(marked, today):
    """A new key-person record after the one ended 已离开辖区: the person is back."""
    key_record(marked.zhang_wife, today, status=KeyPerson.Status.LEFT)
    key_record(marked.zhang_wife, today)
    attempt_on(marked, marked.zhang.household, today - timedelta(days=1))
    unreached(marked.client("grid_a"), marked.zhang.household_id)
    assert "在家人员：张*、李*" in Alert.objects.get().detail


def test_a_household_gone_from_the_jurisdiction_is_not_due_and_raises_nothing(marked, today):
    """王芳, 102's only resident, left the jurisdiction after yesterday's attempt: her
    household is off the list, a tap today is refused, and the job raises nothing."""
    household = marked.wang.household
    attempt_on(marked, household, today - timedelta(days=2))
    attempt_on(marked, household, today - timedelta(days=1))
    Alert.objects.all().delete()  # the second day's own alert, before she left
    key_record(marked.wang, today, status=KeyPerson.Status.LEFT)
    assert household not in households_to_visit()
    page = marked.client("grid_a").get(reverse("cases:visits")).content.decode()
    assert "今日应随访 2 户" in page
    assert "西城花园1号楼102" not in page
    refused = unreached(marked.client("grid_a"), household.pk)
    assert refused.status_code == 400
    assert "该户现住人员均不在家（住院、集中隔离、已故或已离开辖区）" in refused.content.decode()
    visit = marked.client("grid_a").post(
        reverse("cases:visit", args=[household.pk]), visit_data(), HTTP_HX_REQUEST="true"
    )
    assert visit.status_code == 400
    assert not HouseholdVisit.objects.filter(day=today).exists()
    assert not Alert.objects.exists()
    assert "连续两天未联系上" not in alerts_page(marked)


def test_the_job_raises_nothing_for_a_household_nobody_is_expected_at(marked, today):
    household = marked.wang.household
    attempt_on(marked, household, today - timedelta(days=2))
    key_record(marked.wang, today, status=KeyPerson.Status.HOSPITAL)
    out = StringIO()
    call_command("cases_unreached", stdout=out)
    assert "新增连续两天未联系上 0 户" in out.getvalue()
    assert not SecondDayUnreached.objects.exists()
    assert not Alert.objects.exists()


def test_a_left_resident_is_counted_away_on_the_key_area_page(marked, today):
    key_record(marked.wang, today, status=KeyPerson.Status.LEFT)
    page = marked.client("staff_a").get(reverse("cases:key_area", args=[marked.key_area.pk]))
    assert "其中 1 人不在家（住院、集中隔离、已故或已离开辖区），不列入住户随访" in (
        page.content.decode()
    )
