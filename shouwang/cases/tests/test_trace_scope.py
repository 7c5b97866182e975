"""Trace results seen by a viewer narrower than the HQ user who ran the trace: each
viewer sees only the persons of their own jurisdiction, and turning hits into contacts
never acts on a person outside the acting user's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.cases.models import Contact, Trace

from .factories import WEST, M, make_person, trace_data


@pytest.fixture
def traced(world, timeline, presence_table, django_capture_on_commit_callbacks):
    """HQ of the sub-district traced the case with both hops: hop 1 安安, 博博 (A) and
    蓓蓓 (B); hop 2 朵朵 and 卡卡 via 博博, 晨晨 (A) via 蓓蓓. ``viewer`` is an HQ user
    of community A alone."""
    case, t, people = timeline
    people["晨晨"] = make_person(world.building_a, "晨晨")
    presence_table.add(people["蓓蓓"], WEST, t + timedelta(hours=3))
    presence_table.add(people["晨晨"], WEST, t + timedelta(hours=3) + 2 * M)
    hq = world.client("hq")
    hq.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        hq.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    viewer = Client()
    viewer.force_login(UserFactory(username="hq_a", role=Role.HQ_ADMIN, area=world.community_a))
    return case, trace, people, viewer


def test_a_narrower_viewer_sees_only_the_persons_of_their_jurisdiction(world, traced):
    case, trace, people, viewer = traced
    body = viewer.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert "蓓蓓" not in body
    assert people["蓓蓓"].phone_masked not in body
    assert "第一跳：同时段同卡点人员（2 人）" in body  # 安安, 博博
    assert "第二跳（3 人）" in body  # 朵朵, 卡卡, 晨晨
    assert "另有 1 人不在您的辖区或未在人员台账中登记" in body
    # The requester still sees everyone.
    full = world.client("hq").get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert "蓓蓓" in full
    assert "第一跳：同时段同卡点人员（3 人）" in full
    assert "另有" not in full


def test_a_narrower_viewer_cannot_make_a_contact_of_a_person_outside(world, traced):
    case, trace, people, viewer = traced
    bea = trace.hits.get(person=people["蓓蓓"])
    response = viewer.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [bea.pk], "observe": "on", "measure": "central"},
    )
    assert response.status_code == 400
    assert "所选人员不在本次追踪结果中或不在您的辖区" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_second_hop_through_a_person_outside_is_not_offered_nor_made(world, traced):
    case, trace, people, viewer = traced
    chen = trace.hits.get(person=people["晨晨"])
    page = viewer.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert f'value="{chen.pk}"' not in page  # no checkbox: 蓓蓓 is no contact yet
    assert "经由人员不在您的辖区，需先由其辖区登记为密接" in page
    response = viewer.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [chen.pk], "observe": "on", "measure": "central"},
    )
    assert response.status_code == 400
    assert "晨晨" in response.content.decode()
    assert not Contact.objects.exists()  # 蓓蓓 was not made a contact on the way

    # Once the sub-district has made 蓓蓓 a contact, A's HQ may add 晨晨 through her.
    bea = trace.hits.get(person=people["蓓蓓"])
    world.client("hq").post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [bea.pk], "measure": "central"},
    )
    response = viewer.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [chen.pk], "measure": "central"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(person=people["晨晨"])
    assert contact.degree == Contact.Degree.SECONDARY
    assert contact.via.person == people["蓓蓓"]


def test_a_second_hop_through_a_contact_made_by_hand_links_to_it_untouched(world, traced):
    """蓓蓓 was made a contact by hand by her own community, with an earlier date than
    the trace found: A's HQ adds 晨晨 through her without changing her record."""
    case, trace, people, viewer = traced
    bea = Contact.objects.create(
        case=case,
        person=people["蓓蓓"],
        area=people["蓓蓓"].area,
        kind=Contact.Kind.HOUSEHOLD,
        last_contact_date=case.infectious_from(),
    )
    chen = trace.hits.get(person=people["晨晨"])
    page = viewer.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert f'value="{chen.pk}"' in page
    response = viewer.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [chen.pk], "measure": "central"},
    )
    assert response.status_code == 302
    assert Contact.objects.get(person=people["晨晨"]).via == bea
    bea_before = bea.updated_at
    bea.refresh_from_db()
    assert (bea.last_contact_date, bea.kind, bea.updated_at) == (
        case.infectious_from(),
        Contact.Kind.HOUSEHOLD,
        bea_before,
    )


def test_a_second_hop_through_a_secondary_contact_is_named_not_skipped_silently(world, traced):
    """蓓蓓 was recorded by hand as a 次密接 (met 安安): 晨晨, found through her, is
    not made a contact, and the page says so by name."""
    case, trace, people, viewer = traced
    ann = Contact.objects.create(
        case=case,
        person=people["安安"],
        area=people["安安"].area,
        kind=Contact.Kind.HOUSEHOLD,
        last_contact_date=case.infectious_from(),
    )
    Contact.objects.create(
        case=case,
        person=people["蓓蓓"],
        area=people["蓓蓓"].area,
        kind=Contact.Kind.HOUSEHOLD,
        degree=Contact.Degree.SECONDARY,
        via=ann,
        last_contact_date=case.infectious_from(),
    )
    chen = trace.hits.get(person=people["晨晨"])
    dora = trace.hits.get(person=people["朵朵"])
    url = reverse("cases:trace_contacts", args=[trace.pk])
    response = viewer.post(url, {"hits": [chen.pk, dora.pk], "measure": "central"}, follow=True)
    body = response.content.decode()
    assert "已登记密接 1 人" in body  # 朵朵 (博博 made a contact on the way)
    assert "晨晨 经由的第一跳人员已是次密接，未登记为次密接" in body
    assert not Contact.objects.filter(person=people["晨晨"]).exists()

    alone = viewer.post(url, {"hits": [chen.pk], "measure": "central"}, follow=True)
    body = alone.content.decode()
    assert "晨晨 经由的第一跳人员已是次密接，未登记为次密接" in body
    assert "已登记为密接，未重复登记" not in body


@pytest.mark.parametrize("gone", ["disabled", "deleted"])
def test_second_hop_stores_its_hits_whatever_became_of_the_requester(
    world, timeline, django_capture_on_commit_callbacks, gone
):  # noqa: F811
    case, t, people = timeline
    hq = world.client("hq")
    hq.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        hq.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    if gone == "disabled":
        world.hq.is_active = False
        world.hq.save(update_fields=["is_active"])
    else:
        trace.requested_by = None
        trace.save(update_fields=["requested_by"])
    for callback in callbacks:
        callback()
    trace.refresh_from_db()
    assert trace.second_hop == Trace.Status.DONE
    assert {h.person.name for h in trace.hits.filter(hop=2)} == {"朵朵", "卡卡"}
    viewer = Client()
    viewer.force_login(UserFactory(username="hq_a", role=Role.HQ_ADMIN, area=world.community_a))
    body = viewer.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert "朵朵" in body.split("第二跳（")[1]
