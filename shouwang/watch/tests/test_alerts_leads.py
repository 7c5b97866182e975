"""Alerts of every kind for the community and HQ, with a handled action; leads that
staff confirm (one step → a key person) or dismiss."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Person
from shouwang.people.tests.factories import make_household
from shouwang.watch import actions
from shouwang.watch.models import Alert, KeyPerson, KeyPersonEvent, Lead
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_kind_from_any_app_is_listed_in_its_jurisdiction(world) -> None:
    source = f.person(world.building_b, "来源行")  # stands for another app's row
    actions.raise_alert(
        area=world.building_a, kind=Alert.Kind.OBSERVED_AT_CHECKPOINT, title="管控人员出行：卡点A"
    )
    actions.raise_alert(area=world.building_a, kind=Alert.Kind.QUOTA, title="超出出行次数：某人")
    actions.raise_alert(
        area=world.building_b, kind=Alert.Kind.FEVER, title="卡点测温37.9℃", source=source
    )
    a = world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert "卡点A" in a
    assert "某人" in a
    assert "37.9" not in a
    hq = world.client("hq").get(reverse("watch:alerts")).content.decode()
    assert "卡点A" in hq
    assert "37.9" in hq
    leader = world.client("leader").get(reverse("watch:alerts")).content.decode()
    assert "37.9" in leader
    assert "标记已处置" not in leader
    assert world.client("guard_a").get(reverse("watch:alerts")).status_code == 403


def test_an_alert_links_the_record_only_for_those_who_may_open_it(world) -> None:
    """A key person of B with a fever at a checkpoint of A alerts A (the checkpoint's
    community): A's staff had a 查看人员 link that answered 404."""
    record = f.key_person(world.building_b, "赵六")
    alert = f.alert(world.building_a, key_person=record, person=record.person)
    link = f'href="{reverse("watch:detail", args=[record.pk])}"'
    assert link in world.client("hq").get(reverse("watch:alerts")).content.decode()
    client = world.client("staff_a")
    page = client.get(reverse("watch:alerts")).content.decode()
    assert f'id="alert-{alert.pk}"' in page
    assert link not in page
    url = reverse("watch:alert_handle", args=[alert.pk])
    handled = client.post(url, {"note": "已送发热门诊"}, HTTP_HX_REQUEST="true")
    assert handled.status_code == 200
    assert link not in handled.content.decode()


def test_an_alert_is_marked_handled_once_and_audited(world) -> None:
    alert = f.alert(world.building_a)
    client = world.client("grid_a")
    url = reverse("watch:alert_handle", args=[alert.pk])
    response = client.post(url, {"note": "已送发热门诊"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "已处置" in response.content.decode()
    alert.refresh_from_db()
    assert alert.handled_by == world.grid_worker_a
    assert alert.handled_note == "已送发热门诊"
    assert AuditEvent.objects.filter(object_type="watch.Alert", object_id=str(alert.pk)).exists()
    again = client.post(url, {"note": "再次"})
    assert again.status_code == 400
    alert.refresh_from_db()
    assert alert.handled_note == "已送发热门诊"
    assert "已送发热门诊" in client.get(reverse("watch:alerts") + "?state=handled").content.decode()


def test_an_alert_handled_by_someone_else_meanwhile_keeps_their_handling(world) -> None:
    """Community and HQ see the same alert: the second to press 标记已处置, whose page
    read it open, is told it was handled; the first one's note and name stay."""
    alert = f.alert(world.building_a)
    url = reverse("watch:alert_handle", args=[alert.pk])
    read_open = Alert.objects.get(pk=alert.pk)
    assert world.client("hq").post(url, {"note": "已送发热门诊"}).status_code == 302
    with mock.patch("shouwang.watch.views.alerts.get_for_user", return_value=read_open):
        response = world.client("grid_a").post(url, {"note": "已电话联系"})
    assert response.status_code == 400
    assert "该预警已处置" in response.content.decode()
    alert.refresh_from_db()
    assert alert.handled_by == world.hq
    assert alert.handled_note == "已送发热门诊"
    audited = AuditEvent.objects.filter(object_type="watch.Alert", object_id=str(alert.pk))
    assert audited.count() == 1


def test_handling_an_alert_updates_the_open_count_in_the_heading(world) -> None:
    f.alert(world.building_a)
    alert = f.alert(world.building_a)
    client = world.client("staff_a")
    assert "未处置 2" in client.get(reverse("watch:alerts")).content.decode()
    url = reverse("watch:alert_handle", args=[alert.pk])
    html = client.post(url, {"note": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="alerts-open" class="badge red" hx-swap-oob="true">未处置 1<' in html
    assert f'id="alert-{alert.pk}"' in html


def test_leaders_and_community_b_cannot_handle_a_s_alerts(world) -> None:
    alert = f.alert(world.building_a)
    url = reverse("watch:alert_handle", args=[alert.pk])
    assert world.client("leader").post(url).status_code == 403
    assert world.client("staff_b").post(url).status_code == 404
    assert Alert.objects.open().count() == 1


def test_the_alert_list_runs_in_bounded_queries(world, django_assert_max_num_queries) -> None:
    for i in range(30):
        f.alert(world.building_a, title=f"预警{i}")
    client = world.client("hq")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("watch:alerts")).status_code == 200


def test_a_lead_attached_to_a_record_of_another_community_does_not_link_it(world) -> None:
    """A key person of B moved to A (迁入) and declared a risk at a check-in: the lead
    is A's, the record still B's. Confirming it led A's staff to a 404 page."""
    record = f.key_person(world.building_b, "钱七")
    flat = make_household(world.building_a, room="601")
    Person.objects.filter(pk=record.person_id).update(household=flat, area=world.building_a)
    lead = actions.create_lead(
        area=world.community_a, person=record.person, source="checkin", detail="扫码申报"
    )
    client = world.client("staff_a")
    response = client.post(reverse("watch:lead_confirm", args=[lead.pk]), {"note": "已核实"})
    assert response.status_code == 302
    assert response["Location"] == reverse("watch:leads")
    lead.refresh_from_db()
    assert lead.key_person == record
    page = client.get(reverse("watch:leads"), {"state": "confirmed"}).content.decode()
    assert "已在管控中，线索已关联到现有记录" in page
    assert f'href="{reverse("watch:detail", args=[record.pk])}"' not in page


def test_confirming_a_lead_makes_a_key_person_in_one_step(world) -> None:
    lead = f.lead(world.building_a)
    response = world.client("staff_a").post(
        reverse("watch:lead_confirm", args=[lead.pk]),
        {"category": f.category().pk, "measure": "home", "start_date": lead.created_at.date()},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    record = lead.key_person
    assert lead.status == Lead.Status.CONFIRMED
    assert lead.decided_by == world.staff_a
    assert record.person == lead.person
    assert record.source == KeyPerson.Source.CHECKIN
    assert record.grid == world.grid_a
    assert response["Location"] == reverse("watch:detail", args=[record.pk])
    again = world.client("staff_a").get(reverse("watch:lead_confirm", args=[lead.pk]))
    assert again.status_code == 302


def test_a_lead_for_someone_under_control_asks_nothing_and_attaches_to_the_record(
    world,
) -> None:
    """The page asked category, measure and period of someone already under control;
    it says so, links the record, and confirms the lead onto it."""
    record = f.key_person(world.building_a, "已管控")
    lead = actions.create_lead(
        area=world.building_a, person=record.person, source="checkin", detail="再次申报：到过武汉"
    )
    client = world.client("staff_a")
    url = reverse("watch:lead_confirm", args=[lead.pk])
    page = client.get(url).content.decode()
    assert "该人员已在管控中" in page
    assert f'href="{reverse("watch:detail", args=[record.pk])}"' in page
    assert 'name="category"' not in page
    assert 'name="start_date"' not in page
    assert "确认线索，关联到现有记录" in page
    response = client.post(url, {"note": "同一人，已在居家观察"}, follow=True)
    assert response.redirect_chain == [(reverse("watch:detail", args=[record.pk]), 302)]
    text = response.content.decode()
    assert "已管控 已在管控中，线索已关联到现有记录，未重复登记" in text
    assert "关联线索" in text  # the record's history
    lead.refresh_from_db()
    assert (lead.status, lead.key_person, lead.decided_note) == (
        Lead.Status.CONFIRMED,
        record,
        "同一人，已在居家观察",
    )
    assert KeyPerson.objects.filter(person=record.person).count() == 1
    event = record.events.get(kind=KeyPersonEvent.Kind.LEAD)
    assert (event.note, event.by) == ("扫码申报：再次申报：到过武汉", world.staff_a)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, object_id=str(lead.pk))
    assert audit.detail == f"线索已确认，关联到管控中的记录 {record.pk}"


def test_a_lead_about_someone_released_meanwhile_asks_for_the_period(world) -> None:
    """The page offered to attach; the record was released before 确认: nothing is
    written, and the period is asked."""
    record = f.key_person(world.building_a, "刚解除")
    lead = actions.create_lead(
        area=world.building_a, person=record.person, source="checkin", detail="申报"
    )
    actions.change_status(
        key_person=record, status="released", reason="ordered_release", by=world.staff_a
    )
    response = world.client("staff_a").post(
        reverse("watch:lead_confirm", args=[lead.pk]), {"note": "同一人"}
    )
    assert response.status_code == 400
    assert 'name="category"' in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW
    with pytest.raises(ValidationError, match="目前不在管控中"):
        actions.confirm_lead(lead=lead, person=record.person, by=world.staff_a)
    assert not record.events.filter(kind=KeyPersonEvent.Kind.LEAD).exists()


def test_a_lead_naming_nobody_who_turns_out_under_control_is_attached(world) -> None:
    record = f.key_person(world.building_a, "已管控")
    lead = f.lead(world.building_a, with_person=False)
    data = {"category": f.category().pk, "measure": "home", "start_date": lead.created_at.date()}
    response = world.client("staff_a").post(
        reverse("watch:lead_confirm", args=[lead.pk]),
        {**data, "document": record.person.document_number},
        follow=True,
    )
    assert "已在管控中，线索已关联到现有记录" in response.content.decode()
    lead.refresh_from_db()
    assert (lead.key_person, lead.person) == (record, record.person)
    assert KeyPerson.objects.filter(person=record.person).count() == 1


def test_a_lead_for_someone_already_tracked_links_to_the_record(world) -> None:
    record = f.key_person(world.building_a, "已管控")
    lead = actions.create_lead(
        area=world.building_a, person=record.person, source="checkin", detail="再次申报"
    )
    world.client("staff_a").post(
        reverse("watch:lead_confirm", args=[lead.pk]),
        {"category": f.category().pk, "measure": "home", "start_date": lead.created_at.date()},
    )
    lead.refresh_from_db()
    assert lead.key_person == record
    assert KeyPerson.objects.filter(person=record.person).count() == 1


def test_a_lead_naming_nobody_is_confirmed_with_who_it_is(world) -> None:
    lead = f.lead(world.building_a, with_person=False)
    number = f.id_number()
    data = {"category": f.category().pk, "measure": "home", "start_date": lead.created_at.date()}
    response = world.client("staff_a").post(
        reverse("watch:lead_confirm", args=[lead.pk]), {**data, "document": number}
    )
    assert response.status_code == 400
    response = world.client("staff_a").post(
        reverse("watch:lead_confirm", args=[lead.pk]),
        {**data, "document": number, "name": "新来的", "building": world.building_a.pk},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.person.name == "新来的"
    assert lead.key_person.person == lead.person


def test_dismissing_a_lead_needs_a_reason(world) -> None:
    lead = f.lead(world.building_a)
    url = reverse("watch:lead_dismiss", args=[lead.pk])
    assert world.client("staff_a").post(url, {"note": ""}).status_code == 400
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.NEW
    assert world.client("staff_a").post(url, {"note": "申报有误，未离开本市"}).status_code == 302
    lead.refresh_from_db()
    assert lead.status == Lead.Status.DISMISSED
    assert lead.decided_note == "申报有误，未离开本市"
    assert not KeyPerson.objects.filter(person=lead.person).exists()
    page = world.client("staff_a").get(reverse("watch:leads") + "?state=dismissed")
    assert "申报有误" in page.content.decode()


def test_a_lead_decided_already_says_so_in_plain_words(world) -> None:
    """Confirming or dismissing it again said 该线索已已确认."""
    lead = f.lead(world.building_a)
    client = world.client("staff_a")
    dismiss = reverse("watch:lead_dismiss", args=[lead.pk])
    assert client.post(dismiss, {"note": "申报有误"}).status_code == 302
    again = client.post(dismiss, {"note": "申报有误"}, follow=True).content.decode()
    assert "该线索已排除，无需再处理" in again
    confirm = reverse("watch:lead_confirm", args=[lead.pk])
    page = client.post(confirm, {"category": "1"}, follow=True).content.decode()
    assert "该线索已排除，无需再处理" in page
    confirmed = f.lead(world.building_a)
    confirmed.status = Lead.Status.CONFIRMED
    confirmed.save(update_fields=["status"])
    url = reverse("watch:lead_confirm", args=[confirmed.pk])
    page = client.get(url, follow=True).content.decode()
    assert "该线索已确认，无需再处理" in page
    assert "已已" not in page
