"""Someone whose record is 失联 or 转医院 is not registered a second time (登记, 线索确认):
that record resumes when they are back (已找到, 出院返回) — a second record under control
left the first out of control for good and refused its return. The police-list intake
says the same (已在管控). A contact put under observation by the cases app after their
record was ended 转医院 because they became a case is another path, left as it is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.watch import actions
from shouwang.watch.models import KeyPerson, Lead
from shouwang.watch.tests import factories as f

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
    data = {
        "category": f.category().pk,
        "source": "screening",
        "measure": "home",
        "start_date": record.person.created_at.date().isoformat(),
        "document": record.person.document_number,
    }
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
    data = {
        "category": f.category().pk,
        "source": "screening",
        "measure": "home",
        "start_date": record.person.created_at.date().isoformat(),
        "document": record.person.document_number,
    }
    response = world.client("staff_a").post(reverse("watch:create"), data)
    assert response.status_code == 302
    assert KeyPerson.objects.filter(person=record.person).count() == 2
