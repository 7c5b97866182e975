"""纳入管控 sent again: a double click, a contact whose record has ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import AuditEvent
from shouwang.watch.models import KeyPerson

from .factories import ended_record, make_case, make_contact, met_again


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_says_already_under_observation_on_a_second_tap(world, today):
    case = make_case(world.building_a)
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=3))
    url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    first = client.post(url, {"measure": "central"}, follow=True)
    assert "已纳入重点人员" in first.content.decode()  # shown, so taken off the queue
    audits = AuditEvent.objects.count()
    second = client.post(url, {"measure": "central"})
    assert second.status_code == 302
    said = _messages(second)
    assert not any("已纳入重点人员" in m for m in said)
    kp = KeyPerson.objects.get(person=contact.person)
    name = contact.person.name
    assert f"{name} 已在管控中（密切接触者，至 {kp.planned_end}），未重复纳入" in said
    assert KeyPerson.objects.filter(person=contact.person).count() == 1
    assert AuditEvent.objects.count() == audits


NEW_EXPOSURE = "如有新的接触，请在该病例下重新登记其末次接触日期后再纳入管控"


@pytest.mark.parametrize(
    ("status", "reason", "label", "advice"),
    [
        (KeyPerson.Status.RELEASED, KeyPerson.Reason.TEST_NEGATIVE, "已解除", NEW_EXPOSURE),
        (KeyPerson.Status.LEFT, KeyPerson.Reason.LEFT_AREA, "已离开辖区", NEW_EXPOSURE),
        (
            KeyPerson.Status.LOST,
            KeyPerson.Reason.UNREACHABLE,
            "失联",
            "人员找到或返回后，请在该记录（编号 {pk}）变更为管控中（已找到，恢复管控）",
        ),
        (
            KeyPerson.Status.HOSPITAL,
            KeyPerson.Reason.OTHER_ILLNESS,
            "转医院",
            "人员找到或返回后，请在该记录（编号 {pk}）变更为管控中（出院或返回，恢复管控）",
        ),
    ],
)
def test_it_tells_the_truth_about_an_ended_record_sent_again(
    world, status, reason, label, advice, today
):
    case = make_case(world.building_a)
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=3))
    kp = ended_record(contact, status=status, reason=reason, by=world.staff_a)
    said = (
        f"{contact.person.name} 的管控记录已于 {today} {label}，"
        f"末次接触 {contact.last_contact_date} 不在其后，未重新纳入管控；" + advice.format(pk=kp.pk)
    )
    link = f'<a href="{reverse("watch:detail", args=[kp.pk])}">查看该管控记录</a>'
    url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    page = client.get(url).content.decode()
    assert "已在管控中" not in page
    assert f"{said} {link}" in page
    assert "<form" not in page.split("<main")[1]
    audits = AuditEvent.objects.count()
    response = client.post(url, {"measure": "home"})
    assert response.status_code == 400
    assert f"{said} {link}" in response.content.decode()
    assert not any("已纳入重点人员" in m for m in _messages(response))
    assert list(KeyPerson.objects.filter(person=contact.person)) == [kp]
    assert AuditEvent.objects.count() == audits


def test_a_lost_record_outside_the_users_scope_is_neither_named_nor_linked(world, today):
    """The contact lives in community A now; their 失联 record is community B's."""
    case = make_case(world.building_a)
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=3))
    kp = ended_record(
        contact,
        status=KeyPerson.Status.LOST,
        reason=KeyPerson.Reason.UNREACHABLE,
        by=world.staff_a,
    )
    KeyPerson.objects.filter(pk=kp.pk).update(area=world.building_b)
    url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    for response in (client.get(url), client.post(url, {"measure": "home"})):
        body = response.content.decode()
        assert (
            "该记录属其他社区，人员找到或返回后请由该社区在该记录变更为管控中（已找到，恢复管控）"
        ) in body
        assert f"编号 {kp.pk}" not in body
        assert reverse("watch:detail", args=[kp.pk]) not in body
    assert response.status_code == 400
    assert list(KeyPerson.objects.filter(person=contact.person)) == [kp]


def test_a_new_exposure_after_the_record_ended_starts_a_new_observation(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    contact = make_contact(case, world.building_a, last_contact_date=today - timedelta(days=5))
    old = ended_record(contact, ended_at=timezone.now() - timedelta(days=2), by=world.staff_a)
    met_again(contact, by=world.staff_a)
    client = world.client("staff_a")
    contact.refresh_from_db()
    assert contact.last_contact_date == today - timedelta(days=1)
    response = client.post(reverse("cases:contact_observe", args=[contact.pk]), {"measure": "home"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.key_person != old
    assert contact.key_person.is_active
    assert contact.key_person.start_date == today - timedelta(days=1)
    assert any("已纳入重点人员" in m for m in _messages(response))


def _released(contact, *, days_ago: int) -> KeyPerson:
    """Observe ``contact`` and release the record ``days_ago`` days ago."""
    return ended_record(
        contact, ended_at=timezone.now() - timedelta(days=days_ago), by=contact.added_by
    )


def test_the_pages_offer_control_again_after_a_new_exposure(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=5))
    contact = make_contact(
        case, world.building_a, last_contact_date=today - timedelta(days=5), added_by=world.staff_a
    )
    old = _released(contact, days_ago=2)
    observe_url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    # Released, with no exposure since: no button anywhere.
    assert observe_url not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert observe_url not in client.get(reverse("cases:contacts")).content.decode()
    met_again(contact, by=world.staff_a)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert observe_url in detail
    assert "未管控" in detail
    assert observe_url in client.get(reverse("cases:contacts")).content.decode()
    pending = client.get(reverse("cases:contacts") + "?pending=1").content.decode()
    assert observe_url in pending
    assert "未重新纳入管控" not in client.get(observe_url).content.decode()
    response = client.post(observe_url, {"measure": "home"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.key_person != old
    assert contact.key_person.is_active
    # Under control again: the button is gone and a second tap is refused.
    assert observe_url not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    pending = client.get(reverse("cases:contacts") + "?pending=1").content.decode()
    assert observe_url not in pending
    second = client.post(observe_url, {"measure": "home"})
    assert second.status_code == 302
    assert any("未重复纳入" in m for m in _messages(second))
    assert KeyPerson.objects.filter(person=contact.person).count() == 2


def test_a_released_person_found_again_as_a_new_cases_contact_is_put_under_control(world, today):
    first = make_case(world.building_a, onset_date=today - timedelta(days=20))
    earlier = make_contact(
        first,
        world.building_a,
        last_contact_date=today - timedelta(days=10),
        added_by=world.staff_a,
    )
    old = _released(earlier, days_ago=3)
    second = make_case(world.building_a)
    contact = make_contact(
        second,
        world.building_a,
        person=earlier.person,
        last_contact_date=today - timedelta(days=1),
        added_by=world.staff_a,
    )
    observe_url = reverse("cases:contact_observe", args=[contact.pk])
    client = world.client("staff_a")
    assert observe_url in client.get(reverse("cases:detail", args=[second.pk])).content.decode()
    response = client.post(observe_url, {"measure": "central"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.key_person != old
    assert contact.key_person.is_active
    assert contact.key_person.start_date == today - timedelta(days=1)
    # The first case's row keeps its ended record and offers nothing.
    earlier_url = reverse("cases:contact_observe", args=[earlier.pk])
    assert earlier_url not in client.get(reverse("cases:detail", args=[first.pk])).content.decode()
