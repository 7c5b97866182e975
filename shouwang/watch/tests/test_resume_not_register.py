"""Someone whose record is 失联 or 转医院 is not registered a second time (登记, 线索确认):
that record resumes when they are back (已找到, 出院返回) — a second record under control
left the first out of control for good and refused its return. The police-list intake
says the same (已在管控). A contact put under observation by the cases app after their
record was ended 转医院 because they became a case is another path, left as it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.watch import actions
from shouwang.watch.models import KeyPerson, Lead
from shouwang.watch.tests import factories as f
from shouwang.watch.tests.test_intake import sheet, upload

pytestmark = pytest.mark.django_db


def away(world, name: str, status: str, reason: str) -> KeyPerson:
    record = f.key_person(world.building_a, name)
    actions.change_status(key_person=record, status=status, reason=reason, by=world.staff_a)
    return record


@pytest.mark.parametrize(
    ("status", "reason", "label", "resume"),
    [
        ("lost", "unreachable", "失联", "已找到，恢复管控"),
        ("hospital", "fever_hospital", "转医院", "出院或返回，恢复管控"),
    ],
)
def test_registering_someone_lost_or_in_hospital_points_to_their_record(
    world, status, reason, label, resume
) -> None:
    record = away(world, "周一", status, reason)
    data = f.register_form(record.person, record.person.created_at.date())
    response = world.client("staff_a").post(reverse("watch:create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"已有一条“{label}”的记录（编号 {record.pk}" in page
    assert f"请在该记录变更为管控中（{resume}）" in page
    assert KeyPerson.objects.filter(person=record.person).count() == 1

    actions.change_status(
        key_person=record, status="active", reason=resume_reason(resume), by=world.staff_a
    )
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.ACTIVE


def resume_reason(label: str) -> str:
    return next(r for r in KeyPerson.REASONS_FOR["active"] if r.label == label)


def test_a_lead_about_someone_lost_is_not_confirmed_into_a_second_record(world) -> None:
    record = away(world, "周二", "lost", "unreachable")
    lead = actions.create_lead(
        area=world.building_a, person=record.person, source="checkin", detail="扫码申报"
    )
    response = world.client("staff_a").post(
        reverse("watch:lead_confirm", args=[lead.pk]),
        {"category": f.category().pk, "measure": "home", "start_date": lead.created_at.date()},
    )
    assert response.status_code == 400
    assert f"已有一条“失联”的记录（编号 {record.pk}" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW
    assert KeyPerson.objects.filter(person=record.person).count() == 1


def test_someone_released_is_registered_again(world) -> None:
    """A record ended for good (解除) is no record to resume: a new period is a new
    record."""
    record = away(world, "周三", "released", "ordered_release")
    data = f.register_form(record.person, record.person.created_at.date())
    response = world.client("staff_a").post(reverse("watch:create"), data)
    assert response.status_code == 302
    assert KeyPerson.objects.filter(person=record.person).count() == 2


def superseded_lost_record(world, name: str) -> KeyPerson:
    """A record 失联 long ago, then a newer record of the same person (the cases app's
    path) ended for good: the person's latest record is the released one."""
    old = away(world, name, "lost", "unreachable")
    KeyPerson.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=30))
    newer = actions.register_key_person(
        person=old.person,
        category=f.category(),
        source="assigned",
        measure="home",
        start_date=timezone.localdate(),
        by=world.staff_a,
    )
    actions.change_status(
        key_person=newer, status="released", reason="ordered_release", by=world.staff_a
    )
    return old


def intake_rows(client, person) -> list:
    arrived = timezone.localdate() - timedelta(days=1)
    listed = [[person.name, person.document_number, "", arrived, "湖北武汉", ""]]
    return upload(client, sheet(listed)).context["plan"].rows


def test_an_old_lost_record_superseded_by_a_newer_one_blocks_neither_path(world) -> None:
    """The rule both 登记 and the police-list intake follow: only the person's latest
    record counts. A 失联 record followed by a newer record ended for good is history,
    not a record to resume."""
    old = superseded_lost_record(world, "周四")
    client = world.client("staff_a")

    [row] = intake_rows(client, old.person)
    assert row.outcome == "found"

    data = f.register_form(old.person, timezone.localdate())
    assert client.post(reverse("watch:create"), data).status_code == 302
    assert KeyPerson.objects.filter(person=old.person, status="active").count() == 1


def test_a_latest_lost_record_blocks_both_paths_even_after_an_older_release(world) -> None:
    released = away(world, "周五", "released", "ordered_release")
    KeyPerson.objects.filter(pk=released.pk).update(
        created_at=released.created_at - timedelta(days=30)
    )
    lost = actions.register_key_person(
        person=released.person,
        category=f.category(),
        source="assigned",
        measure="home",
        start_date=timezone.localdate(),
        by=world.staff_a,
    )
    actions.change_status(key_person=lost, status="lost", reason="unreachable", by=world.staff_a)
    client = world.client("staff_a")

    [row] = intake_rows(client, lost.person)
    assert row.outcome == "tracked"
    assert "已有“失联”的记录" in row.detail

    data = f.register_form(lost.person, timezone.localdate())
    response = client.post(reverse("watch:create"), data)
    assert response.status_code == 400
    assert f"已有一条“失联”的记录（编号 {lost.pk}" in response.content.decode()
    assert KeyPerson.objects.filter(person=lost.person).count() == 2


def test_a_latest_lost_record_outside_the_users_area_still_blocks_the_intake(world) -> None:
    """The person moved into community A; their latest record, 失联, was made in
    community B. 登记 refuses them, so the intake must not register them either."""
    record = away(world, "周六", "lost", "unreachable")
    KeyPerson.objects.filter(pk=record.pk).update(area=world.building_b)
    assert not KeyPerson.objects.visible_to(world.staff_a).filter(pk=record.pk).exists()

    [row] = intake_rows(world.client("staff_a"), record.person)

    assert row.outcome == "tracked"


@pytest.mark.parametrize("reason", ["found", "correction"])
def test_an_old_lost_record_a_newer_one_followed_does_not_resume(world, reason) -> None:
    """The other side of the rule: a 失联 record followed by a newer record is history;
    resuming it (已找到) would put the person under control on a record the newer one
    replaced. The page says to register them again, and nothing changes."""
    old = superseded_lost_record(world, "周日")
    newer = KeyPerson.objects.filter(person=old.person).exclude(pk=old.pk).get()
    response = world.client("staff_a").post(
        reverse("watch:status", args=[old.pk]), {"status": "active", "reason": reason}
    )
    assert response.status_code == 400
    assert f"此人在本记录之后已有新的记录（编号 {newer.pk}）" in response.content.decode()
    old.refresh_from_db()
    assert old.status == KeyPerson.Status.LOST
    assert old.pauses == []


def test_the_latest_lost_record_resumes(world) -> None:
    record = away(world, "吴一", "lost", "unreachable")
    response = world.client("staff_a").post(
        reverse("watch:status", args=[record.pk]), {"status": "active", "reason": "found"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.ACTIVE


def test_locating_someone_whose_latest_record_is_lost_points_to_that_record(world) -> None:
    """The intake's 待查找 path registers a located person too: someone whose latest
    record is 失联 is refused as by 登记 — that record resumes — and the task waits."""
    record = away(world, "吴二", "lost", "unreachable")
    task = f.locate_task(world.community_a, "吴二", number=record.person.document_number)
    response = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]),
        {"outcome": "located", "building": world.building_a.pk, "unit": "", "room": ""},
    )
    assert response.status_code == 400
    assert f"已有一条“失联”的记录（编号 {record.pk}" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "pending"
    assert KeyPerson.objects.filter(person=record.person).count() == 1


def test_locating_someone_with_only_a_superseded_lost_record_registers_them(world) -> None:
    old = superseded_lost_record(world, "吴三")
    task = f.locate_task(world.community_a, "吴三", number=old.person.document_number)
    response = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]),
        {"outcome": "located", "building": world.building_a.pk, "unit": "", "room": ""},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.key_person.status == KeyPerson.Status.ACTIVE
    assert task.key_person.person == old.person


def test_a_hospital_record_followed_by_one_made_at_the_same_moment_is_not_away(world) -> None:
    old = away(world, "同时", "hospital", "fever_hospital")
    newer = actions.register_key_person(
        person=old.person,
        category=f.category(),
        source="assigned",
        measure="home",
        start_date=timezone.localdate(),
        by=world.staff_a,
    )
    KeyPerson.objects.filter(pk=newer.pk).update(created_at=old.created_at)
    # The higher id of equals is the later, as ``latest_of_their_person`` says.
    assert not KeyPerson.objects.filter(pk=old.pk).ended_away().exists()
    assert not KeyPerson.objects.filter(pk=old.pk).latest_of_their_person().exists()


def test_registering_someone_lost_in_another_community_does_not_name_that_record(world) -> None:
    record = away(world, "周八", "lost", "unreachable")
    KeyPerson.objects.filter(pk=record.pk).update(area=world.building_b)
    data = f.register_form(record.person, record.person.created_at.date())
    response = world.client("staff_a").post(reverse("watch:create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "该人员在其他社区已有一条“失联”的记录" in page
    assert f"编号 {record.pk}" not in page
    assert KeyPerson.objects.filter(person=record.person).count() == 1


def test_the_status_form_does_not_offer_resuming_a_record_a_newer_one_followed(world) -> None:
    old = superseded_lost_record(world, "周九")
    client = world.client("staff_a")
    page = client.get(reverse("watch:status", args=[old.pk])).content.decode()
    assert 'value="released"' in page
    assert 'value="active"' not in page
    latest = KeyPerson.objects.filter(person=old.person).exclude(pk=old.pk).get()
    KeyPerson.objects.filter(pk=latest.pk).delete()
    page = client.get(reverse("watch:status", args=[old.pk])).content.decode()
    assert 'value="active"' in page
