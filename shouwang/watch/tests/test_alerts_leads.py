"""Alerts of every kind for the community and HQ, with a handled action; leads that
staff confirm (one step → a key person) or dismiss."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.watch import actions
from shouwang.watch.models import Alert, KeyPerson, Lead
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
