"""Presence tracing through the pages: HQ only, audited with its purpose; hop 2 in the
background; hits turned into contacts and key persons in one action."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas.tests.factories import AreaFactory, child
from shouwang.cases.key_areas import persons_in_key_areas
from shouwang.cases.models import Case, Contact, KeyArea, Trace, TraceHit
from shouwang.people.models import Person
from shouwang.watch.models import KeyPerson

from .factories import (
    EAST,
    WEST,
    M,
    id_number,
    institution,
    make_case,
    make_person,
    observe_all_hits,
    trace_data,
)


def test_only_hq_may_trace_and_refusals_are_audited(world, timeline):
    case, t, _ = timeline
    for persona in ("staff_a", "leader", "auditor", "grid_a"):
        response = world.client(persona).post(
            reverse("cases:trace_new", args=[case.pk]), trace_data(t)
        )
        assert response.status_code == 403
    assert not Trace.objects.exists()
    denied = AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, detail__contains="cases.trace"
    )
    assert denied.count() == 4


def test_hq_finds_who_crossed_the_cases_path(world, timeline):
    case, t, people = timeline
    client = world.client("hq")
    response = client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:trace", args=[trace.pk])
    assert [p["checkpoint_id"] for p in trace.passes] == [EAST]
    hits = {h.person.name: h for h in trace.hits.select_related("person")}
    assert set(hits) == {"安安", "博博", "蓓蓓"}  # 卡卡 passed 20 minutes later
    assert hits["安安"].closest_seconds == 180
    assert all(h.hop == 1 for h in hits.values())
    audit = AuditEvent.objects.get(action=AuditEvent.Action.TRACE, object_id=str(case.pk))
    assert audit.username == "hq"
    assert "确诊病例流调" in audit.detail
    assert "前后 15 分钟" in audit.detail
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "安安" in body
    assert people["安安"].phone not in body
    assert people["安安"].phone_masked in body
    views = AuditEvent.objects.filter(action=AuditEvent.Action.TRACE, detail__startswith="查看")
    assert views.count() == 1
    assert "确诊病例流调" in views.get().detail


def test_a_trace_without_a_purpose_is_refused_and_leaves_no_trace(world, timeline):
    case, t, _ = timeline
    response = world.client("hq").post(
        reverse("cases:trace_new", args=[case.pk]), trace_data(t, purpose="查")
    )
    assert response.status_code == 400
    assert "查询目的" in response.content.decode()
    assert not Trace.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TRACE).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("window_minutes", 0, "1"),
        ("window_minutes", 500, "120"),
        ("end", "2020-01-01T00:00", "结束时间应晚于开始时间"),
    ],
)
def test_bad_trace_requests_are_refused(world, timeline, field, value, message):
    case, t, _ = timeline
    response = world.client("hq").post(
        reverse("cases:trace_new", args=[case.pk]), trace_data(t, **{field: value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Trace.objects.exists()


def test_a_span_longer_than_the_retention_is_refused(world, timeline):
    case, t, _ = timeline
    data = trace_data(
        t, start=timezone.localtime(t - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    )
    response = world.client("hq").post(reverse("cases:trace_new", args=[case.pk]), data)
    assert response.status_code == 400
    assert "28天" in response.content.decode()


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01T00:00", "0001-01-02T00:00"), ("9999-12-30T23:59", "9999-12-31T23:59")],
)
def test_a_span_at_the_ends_of_the_calendar_is_refused_with_a_message(world, timeline, start, end):
    case, t, _ = timeline
    response = world.client("hq").post(
        reverse("cases:trace_new", args=[case.pk]), trace_data(t, start=start, end=end)
    )
    assert response.status_code == 400
    assert "请核对日期" in response.content.decode()
    assert not Trace.objects.exists()


def test_a_span_that_starts_in_the_future_is_refused_and_leaves_no_trace(world, timeline):
    # A year typed wrong (2062 for 2026) would find nobody and read as "no one met".
    case, t, _ = timeline
    start = timezone.localtime(timezone.now() + timedelta(days=365))
    data = trace_data(
        t,
        start=start.strftime("%Y-%m-%dT%H:%M"),
        end=(start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = world.client("hq").post(reverse("cases:trace_new", args=[case.pk]), data)
    assert response.status_code == 400
    assert "开始时间晚于现在" in response.content.decode()
    assert not Trace.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TRACE).exists()


def test_without_check_in_data_the_page_says_so(world, settings, monkeypatch):
    settings.CASES_PRESENCE_SOURCE = None
    # as if no installed app declared a check-in table
    monkeypatch.setattr(apps.get_app_config("checkpoints"), "presence_source", None)
    case = make_case(world.building_a)
    page = world.client("hq").get(reverse("cases:trace_new", args=[case.pk]))
    assert "尚未接入" in page.content.decode()
    t = timezone.now() - timedelta(days=1)
    response = world.client("hq").post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    assert response.status_code == 400
    assert not Trace.objects.exists()


def test_persons_outside_the_jurisdiction_are_counted_not_named(world, timeline):
    case, t, _ = timeline
    elsewhere = child(AreaFactory(name="别的区", kind="district"), "别的街道")
    community = child(elsewhere, "别的社区")
    stranger = Person(area=community, name="外地人")
    stranger.set_document("id_card", id_number(999))
    stranger.save()
    from .conftest import PresenceTable

    PresenceTable().add(stranger, EAST, t + M)
    PresenceTable().add(987654, EAST, t + M)  # a check-in not matched to the ledger
    world.client("hq").post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    assert trace.outside_count == 2
    assert not trace.hits.filter(person=stranger).exists()


def test_second_hop_runs_in_the_background(world, traced, django_capture_on_commit_callbacks):
    people, client, trace = traced.people, traced.client, traced.trace
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1
    trace.refresh_from_db()
    assert trace.second_hop == Trace.Status.DONE
    second = {h.person.name: h for h in trace.hits.filter(hop=2).select_related("via__person")}
    # 朵朵 met 博博 at the west gate; 卡卡 passed the east gate 5 minutes after 博博.
    assert set(second) == {"朵朵", "卡卡"}
    assert second["朵朵"].via.person == people["博博"]
    assert second["卡卡"].via.person == people["博博"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TRACE, detail__startswith="请求第二跳"
    ).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    assert again.status_code == 400
    assert "第二跳追踪已完成" in again.content.decode()
    assert not callbacks
    assert trace.hits.filter(hop=2).count() == 2


def test_the_status_fragment_polls_until_the_second_hop_is_done(world, traced):
    client, trace = traced.client, traced.trace
    Trace.objects.filter(pk=trace.pk).update(second_hop=Trace.Status.QUEUED)
    fragment = client.get(reverse("cases:trace", args=[trace.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 3s"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment
    Trace.objects.filter(pk=trace.pk).update(second_hop=Trace.Status.DONE)
    done = client.get(reverse("cases:trace", args=[trace.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    polls = AuditEvent.objects.filter(action=AuditEvent.Action.TRACE, detail__startswith="查看")
    assert polls.count() == 0  # polling the status is not a look at the results


def test_hits_become_contacts_and_key_persons_in_one_action(
    world, traced, django_capture_on_commit_callbacks
):
    case, t, people = traced.case, traced.t, traced.people
    client, trace = traced.client, traced.trace
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    chosen = trace.hits.filter(person__in=[people["博博"], people["朵朵"], people["安安"]])
    response = client.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [h.pk for h in chosen], "observe": "on", "measure": "central"},
    )
    assert response.status_code == 302
    contacts = {c.person.name: c for c in Contact.objects.filter(case=case)}
    assert set(contacts) == {"安安", "博博", "朵朵"}
    assert contacts["博博"].degree == 1
    assert contacts["博博"].kind == Contact.Kind.CHECKPOINT
    assert contacts["博博"].source == Contact.Source.TRACING
    assert contacts["博博"].last_contact_date == timezone.localdate(t)
    assert contacts["朵朵"].degree == 2
    assert contacts["朵朵"].via == contacts["博博"]
    for contact in contacts.values():
        assert contact.key_person.source == KeyPerson.Source.SCREENING
        assert contact.key_person.start_date == timezone.localdate(t)
    assert contacts["朵朵"].key_person.category.name == "次密接"
    assert not TraceHit.objects.filter(pk__in=[h.pk for h in chosen], contact=None).exists()
    # The same choice sent again (a second tap, the back button) makes nothing twice
    # and says so, on the case page the first sending led to.
    again = client.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": [h.pk for h in chosen], "observe": "on", "measure": "central"},
    )
    assert again["Location"] == reverse("cases:detail", args=[case.pk])
    assert "所选 3 人已登记为密接，未重复登记" in client.get(again["Location"]).content.decode()
    assert Contact.objects.filter(case=case).count() == 3
    assert KeyPerson.objects.count() == 3
    assert AuditEvent.objects.filter(detail__startswith=f"由轨迹追踪 {trace.pk}").count() == 1


def test_a_hit_met_before_the_cases_infectious_period_is_refused_by_name(world, presence_table):
    today = timezone.localdate()
    case = make_case(world.building_a, onset_date=today - timedelta(days=1))
    t = timezone.make_aware(datetime.combine(today - timedelta(days=5), datetime.min.time()))
    presence_table.add(case.person, EAST, t + timedelta(hours=8))
    presence_table.add(make_person(world.building_a, "博博"), EAST, t + timedelta(hours=8))
    client = world.client("hq")
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    response = observe_all_hits(client, trace)
    assert response.status_code == 400
    assert "博博的末次接触日期" in response.content.decode()
    assert not Contact.objects.exists()
    assert not KeyPerson.objects.exists()
    assert not trace.hits.exclude(contact=None).exists()


def test_hits_of_another_trace_cannot_be_converted(world, timeline):
    case, t, _ = timeline
    client = world.client("hq")
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    first, second = Trace.objects.order_by("pk")
    response = client.post(
        reverse("cases:trace_contacts", args=[second.pk]),
        {"hits": [h.pk for h in first.hits.all()], "measure": "central"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "所选人员不在本次追踪结果中或不在您的辖区，请刷新页面后重新选择" in body
    assert "请至少选择一人" not in body
    assert not Contact.objects.exists()
    assert not TraceHit.objects.exclude(contact=None).exists()


def test_a_tampered_hit_id_is_refused_with_a_message(world, traced):
    client, trace = traced.client, traced.trace
    response = client.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": ["9" * 25], "measure": "central"},
    )
    assert response.status_code == 400
    assert "所选人员不在本次追踪结果中或不在您的辖区" in response.content.decode()
    assert not Contact.objects.exists()
    nobody = client.post(reverse("cases:trace_contacts", args=[trace.pk]), {"measure": "central"})
    assert nobody.status_code == 400
    assert "请至少选择一人" in nobody.content.decode()


def test_done_when_a_confirmed_case_is_traced_contained_and_its_compound_followed_up(
    world, presence_table
):
    """Issue 8: a confirmed case is entered, the people who crossed its path at
    checkpoints are found, turned into contacts and put under observation, and its
    compound is a key area with daily follow-up."""
    patient = make_person(world.building_a, "张建国")
    neighbour = make_person(world.building_a2, "李秀英")
    passer = make_person(world.building_b, "王志强")
    today = timezone.localdate()
    t = timezone.now() - timedelta(days=1)
    presence_table.add(patient, EAST, t)
    presence_table.add(passer, EAST, t + 7 * M)
    hq = world.client("hq")
    staff = world.client("staff_a")

    staff.post(
        reverse("cases:create", args=[patient.pk]),
        {
            "classification": "confirmed",
            "onset_date": (today - timedelta(days=2)).isoformat(),
            "report_date": today.isoformat(),
            "confirmed_date": today.isoformat(),
            "institution": institution("市第六人民医院").pk,
        },
    )
    case = Case.objects.get(person=patient)
    hq.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get(case=case)
    hq.post(
        reverse("cases:trace_contacts", args=[trace.pk]),
        {"hits": list(trace.hits.values_list("pk", flat=True)), "observe": "on", "measure": "home"},
    )
    hq.post(
        reverse("cases:key_area_new") + f"?case={case.pk}",
        {
            "area": world.compound_a.pk,
            "level": "strict",
            "reason": "确诊病例所在小区",
            "start_date": today.isoformat(),
        },
    )

    observed = KeyPerson.objects.get(person=passer)
    assert observed.category.name == "密切接触者"
    assert observed.status == KeyPerson.Status.ACTIVE
    assert KeyArea.objects.get().area == world.compound_a
    assert set(persons_in_key_areas()) == {patient, neighbour}


def test_second_hop_is_refused_when_hop_one_is_too_wide(world, traced, monkeypatch):
    client, trace = traced.client, traced.trace
    monkeypatch.setattr("shouwang.cases.actions.tracing.MAX_SECOND_HOP_SOURCES", 2)
    response = client.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    assert response.status_code == 400
    assert "第一跳人员过多（3 人）" in response.content.decode()
    trace.refresh_from_db()
    assert trace.second_hop == ""


def test_a_wide_trace_stores_the_closest_persons_and_counts_the_rest(world, timeline, monkeypatch):
    case, t, _ = timeline
    monkeypatch.setattr("shouwang.cases.actions.tracing.MAX_STORED_HITS", 2)
    client = world.client("hq")
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    # 安安 3 minutes before, 蓓蓓 5 minutes after, 博博 15 minutes after the case
    assert [h.person.name for h in trace.hits.select_related("person")] == ["安安", "蓓蓓"]
    assert (trace.hop1_count, trace.outside_count) == (3, 0)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.TRACE, object_id=str(case.pk))
    assert "同时段人员 3 人" in audit.detail
    body = client.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert "第一跳：同时段同卡点人员（3 人）" in body


def test_the_results_page_keeps_its_query_count(world, traced, django_assert_max_num_queries):
    client, trace = traced.client, traced.trace
    with django_assert_max_num_queries(15):
        response = client.get(reverse("cases:trace", args=[trace.pk]))
    assert response.status_code == 200


def test_a_failed_second_hop_says_so(
    world, traced, monkeypatch, django_capture_on_commit_callbacks
):
    client, trace = traced.client, traced.trace

    def broken(*args, **kwargs):
        raise RuntimeError("server closed the connection unexpectedly")

    monkeypatch.setattr("shouwang.cases.presence.next_hop", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    trace.refresh_from_db()
    assert trace.second_hop == Trace.Status.FAILED
    assert "server closed the connection" in trace.second_hop_error  # for the operators
    body = client.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert "第二跳追踪失败（后台任务出错" in body
    assert "server closed" not in body  # the database's own words are not the user's


def test_hits_whose_observation_has_ended_become_contacts_only(world, presence_table):
    today = timezone.localdate()
    case = make_case(world.building_a, onset_date=today - timedelta(days=20))
    start = timezone.make_aware(datetime.combine(today - timedelta(days=19), datetime.min.time()))
    old, recent = start + timedelta(hours=8), start + timedelta(days=17, hours=8)
    presence_table.add(case.person, EAST, old)
    presence_table.add(case.person, EAST, recent)
    presence_table.add(make_person(world.building_a, "早早"), EAST, old + 5 * M)
    presence_table.add(make_person(world.building_a, "近近"), EAST, recent + 5 * M)
    client = world.client("hq")
    fmt = "%Y-%m-%dT%H:%M"
    client.post(
        reverse("cases:trace_new", args=[case.pk]),
        trace_data(start, end=timezone.localtime(recent + timedelta(hours=1)).strftime(fmt)),
    )
    trace = Trace.objects.get()
    response = observe_all_hits(client, trace, follow=True)
    body = response.content.decode()
    assert "已登记密接 2 人，其中 1 人已纳入重点人员管控" in body
    assert "早早 的观察期（自末次接触起）已结束，未纳入管控" in body
    contacts = {c.person.name: c for c in Contact.objects.filter(case=case)}
    assert contacts["早早"].key_person is None
    assert contacts["近近"].key_person.planned_end == timezone.localdate(recent) + timedelta(
        days=14
    )
    assert KeyPerson.objects.count() == 1
    assert AuditEvent.objects.filter(detail__contains="1 人观察期已过，未纳入").exists()


def test_a_trace_that_found_nobody_offers_no_second_hop(world, timeline):
    case, t, _ = timeline
    client = world.client("hq")
    # The nearest passer (安安) passed 3 minutes before the case.
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t, window_minutes=2))
    trace = Trace.objects.get()
    body = client.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert "第一跳没有找到人员，无需追踪第二跳" in body
    assert reverse("cases:trace_second_hop", args=[trace.pk]) not in body
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    found = Trace.objects.latest("pk")
    body = client.get(reverse("cases:trace", args=[found.pk])).content.decode()
    assert reverse("cases:trace_second_hop", args=[found.pk]) in body


@pytest.mark.parametrize("status", [Trace.Status.QUEUED, Trace.Status.RUNNING])
def test_a_second_hop_the_worker_never_finished_is_stale_and_may_be_retraced(
    world, timeline, settings, status, django_capture_on_commit_callbacks
):
    settings.CASES_SECOND_HOP_STALE_MINUTES = 5
    case, t, _ = timeline
    client = world.client("hq")
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    url = reverse("cases:trace_second_hop", args=[trace.pk])
    with django_capture_on_commit_callbacks(execute=False):  # no worker runs it
        client.post(url)
    trace.refresh_from_db()
    assert trace.second_hop == Trace.Status.QUEUED
    assert trace.second_hop_requested_at is not None
    # Within the limit: still waiting, polled, and a second request is refused.
    page = client.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in page
    assert "后台任务未完成" not in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refused = client.post(url)
    assert refused.status_code == 400
    assert "第二跳追踪正在进行" in refused.content.decode()
    assert not callbacks
    # The worker never came (or died running it): six minutes on, the job is stale.
    long_ago = timezone.now() - timedelta(minutes=6)
    Trace.objects.filter(pk=trace.pk).update(
        second_hop=status,
        second_hop_requested_at=long_ago,
        second_hop_started_at=long_ago if status == Trace.Status.RUNNING else None,
    )
    fragment = client.get(reverse("cases:trace", args=[trace.pk]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "后台任务未完成" in body
    assert "可能后台任务进程未运行" in body
    assert "重新追踪" in body
    assert 'hx-trigger="every 3s"' not in body  # no more polling
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(url)
    assert len(callbacks) == 1
    trace.refresh_from_db()
    assert trace.second_hop == Trace.Status.DONE
    assert trace.second_hop_started_at > long_ago
    assert trace.hits.filter(hop=2).count() == 2
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TRACE, detail__contains="前次后台任务未完成，重新追踪"
    ).exists()


def test_a_running_second_hop_counts_from_when_the_worker_took_it_up(world, timeline, settings):
    settings.CASES_SECOND_HOP_STALE_MINUTES = 5
    case, t, _ = timeline
    world.client("hq").post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    now = timezone.now()
    Trace.objects.filter(pk=trace.pk).update(
        second_hop=Trace.Status.RUNNING,
        second_hop_requested_at=now - timedelta(minutes=20),  # queued behind other jobs
        second_hop_started_at=now - timedelta(minutes=1),
    )
    trace.refresh_from_db()
    assert not trace.second_hop_stale()
    assert trace.second_hop_stale(now=now + timedelta(minutes=5, seconds=1))


def test_a_second_hop_names_the_first_hop_person_only_inside_the_viewers_area(
    world, timeline, presence_table, django_capture_on_commit_callbacks
):
    case, t, people = timeline
    # 晨晨 of A met only 蓓蓓 of B, who crossed the case's path.
    chen = make_person(world.building_a, "晨晨")
    presence_table.add(people["蓓蓓"], WEST, t + timedelta(hours=3))
    presence_table.add(chen, WEST, t + timedelta(hours=3) + 2 * M)
    client = world.client("hq")
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    assert trace.hits.get(person=chen).via.person == people["蓓蓓"]
    hop2 = client.get(reverse("cases:trace", args=[trace.pk])).content.decode().split("第二跳（")[1]
    assert "蓓蓓" in hop2  # the requester's sub-district holds B

    hq_a = UserFactory(username="hq_a", role=Role.HQ_ADMIN, area=world.community_a)
    viewer = Client()
    viewer.force_login(hq_a)
    page = viewer.get(reverse("cases:trace", args=[trace.pk]))
    assert page.status_code == 200
    hop2 = page.content.decode().split("第二跳（")[1]
    assert "晨晨" in hop2
    assert "蓓蓓" not in hop2
    assert "辖区外人员（未显示）" in hop2
    assert "博博" in hop2  # 朵朵 and 卡卡 met 博博 of A


def test_hits_who_are_cases_themselves_become_contacts_only(world, timeline):
    case, t, people = timeline
    make_case(world.building_a, "confirmed", person=people["安安"])
    client = world.client("hq")
    client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    trace = Trace.objects.get()
    response = observe_all_hits(client, trace, follow=True)
    body = response.content.decode()
    assert "已登记密接 3 人，其中 2 人已纳入重点人员管控" in body
    assert "安安 本人已是病例（确诊），按病例管理，未作为密接纳入管控" in body
    assert Contact.objects.get(person=people["安安"]).key_person is None
    assert KeyPerson.objects.count() == 2
    assert AuditEvent.objects.filter(detail__contains="1 人已是病例，未纳入").exists()


def test_an_excluded_case_is_not_traced(world, traced):
    """排除 is not a case: its movements are not searched (no contact could be made of
    what the search finds, and each search reads residents' movements)."""
    case, t, client, before = traced.case, traced.t, traced.client, traced.trace
    Case.objects.filter(pk=case.pk).update(classification=Case.Classification.EXCLUDED)
    said = "该病例已排除，无需追踪；如分类有误，请先修改病例分类"
    assert (
        "卡点轨迹追踪</a>"
        not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    response = client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    assert response.status_code == 400
    assert said in response.content.decode()
    assert Trace.objects.get() == before
    response = client.post(reverse("cases:trace_second_hop", args=[before.pk]))
    assert response.status_code == 400
    assert said in response.content.decode()
    before.refresh_from_db()
    assert before.second_hop == ""
    assert not AuditEvent.objects.filter(detail__startswith="请求第二跳").exists()


def test_the_hits_of_an_excluded_cases_trace_are_refused_up_front(world, traced):
    """A case excluded after its trace: making contacts of its hits is refused with the
    trace's own message before any hit is looked at; nothing is written."""
    case, client, trace = traced.case, traced.client, traced.trace
    Case.objects.filter(pk=case.pk).update(classification=Case.Classification.EXCLUDED)
    response = observe_all_hits(client, trace)
    assert response.status_code == 400
    assert "该病例已排除，无需追踪；如分类有误，请先修改病例分类" in response.content.decode()
    assert not Contact.objects.exists()
    assert not KeyPerson.objects.exists()
    assert not trace.hits.exclude(contact=None).exists()
    assert not AuditEvent.objects.filter(detail__startswith=f"由轨迹追踪 {trace.pk}").exists()


def test_a_span_past_the_check_in_retention_is_refused_and_leaves_no_trace(
    world, timeline, settings
):
    """Check-ins older than the retention are purged: a search there finds nobody and
    would read as "no one met"."""
    case, t, _ = timeline
    settings.CHECKIN_RETENTION_DAYS = 28
    Case.objects.filter(pk=case.pk).update(onset_date=timezone.localdate() - timedelta(days=40))
    fmt = "%Y-%m-%dT%H:%M"
    now = timezone.localtime()
    data = trace_data(
        t,
        start=(now - timedelta(days=40)).strftime(fmt),
        end=(now - timedelta(days=29)).strftime(fmt),
    )
    response = world.client("hq").post(reverse("cases:trace_new", args=[case.pk]), data)
    assert response.status_code == 400
    assert (
        "该时段的卡点通行记录已超过保存期限（28天）并已清除，无法追踪" in response.content.decode()
    )
    assert not Trace.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TRACE).exists()


def test_the_form_offers_a_period_it_accepts_for_a_case_with_an_old_onset(world, timeline):
    """Onset 40 days back: the form starts within the check-in retention (and the
    28 days a trace may span), so sending it as offered runs the trace."""
    case, t, _ = timeline
    Case.objects.filter(pk=case.pk).update(onset_date=timezone.localdate() - timedelta(days=40))
    client = world.client("hq")
    page = client.get(reverse("cases:trace_new", args=[case.pk])).content.decode()
    start = re.search(r'name="start" value="([^"]+)"', page).group(1)
    end = re.search(r'name="end" value="([^"]+)"', page).group(1)
    data = {"start": start, "end": end, "window_minutes": 15, "purpose": "确诊病例流调排查"}
    response = client.post(reverse("cases:trace_new", args=[case.pk]), data)
    assert response.status_code == 302


def test_a_case_that_passed_no_checkpoint_in_the_period_is_not_read_as_meeting_nobody(
    world, timeline
):
    case, t, _ = timeline
    client = world.client("hq")
    quiet = t + timedelta(hours=1)  # after the case's only pass
    fmt = "%Y-%m-%dT%H:%M"
    data = trace_data(t, start=timezone.localtime(quiet).strftime(fmt))
    client.post(reverse("cases:trace_new", args=[case.pk]), data)
    trace = Trace.objects.get()
    body = client.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert "病例在该时段没有卡点通行记录，无法据此查找同时段人员" in body
    assert "不表示没有接触者" in body
    assert "第一跳没有找到人员" not in body
    assert "同时段同卡点人员（0 人）" not in body
    assert reverse("cases:trace_second_hop", args=[trace.pk]) not in body


def test_a_second_hop_that_found_nobody_says_so(
    world, timeline, django_capture_on_commit_callbacks
):
    case, t, _ = timeline
    client = world.client("hq")
    # 安安 alone, 3 minutes from the case; nobody passed near 安安 afterwards.
    fmt = "%Y-%m-%dT%H:%M"
    end = timezone.localtime(t + 30 * M).strftime(fmt)
    client.post(
        reverse("cases:trace_new", args=[case.pk]), trace_data(t, end=end, window_minutes=3)
    )
    trace = Trace.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:trace_second_hop", args=[trace.pk]))
    trace.refresh_from_db()
    assert trace.second_hop == Trace.Status.DONE
    assert not trace.hits.filter(hop=2).exists()
    body = client.get(reverse("cases:trace", args=[trace.pk])).content.decode()
    assert "第二跳（0 人）" in body
    assert "第二跳没有找到与第一跳人员同时段同卡点通行的人员" in body


def test_the_case_page_says_where_each_traces_second_hop_stands(world, timeline, settings):
    case, t, _ = timeline
    client = world.client("hq")
    for _ in range(5):
        client.post(reverse("cases:trace_new", args=[case.pk]), trace_data(t))
    untouched, queued, done, failed, stale = Trace.objects.order_by("pk")
    now = timezone.now()
    Trace.objects.filter(pk=queued.pk).update(
        second_hop=Trace.Status.QUEUED, second_hop_requested_at=now
    )
    Trace.objects.filter(pk=done.pk).update(second_hop=Trace.Status.DONE)
    Trace.objects.filter(pk=failed.pk).update(second_hop=Trace.Status.FAILED)
    late = now - timedelta(minutes=settings.CASES_SECOND_HOP_STALE_MINUTES + 1)
    Trace.objects.filter(pk=stale.pk).update(
        second_hop=Trace.Status.QUEUED, second_hop_requested_at=late
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    table = page.split("<h2>轨迹追踪记录</h2>")[1].split("</table>")[0]
    rows = {
        trace: table.split(reverse("cases:trace", args=[trace.pk]))[0].split("<tr>")[-1]
        for trace in (untouched, queued, done, failed, stale)
    }
    assert "第一跳 3 人" in rows[untouched]
    assert "第二跳未追踪" in rows[untouched]
    assert "第二跳排队中" in rows[queued]
    assert "第二跳已完成" in rows[done]
    assert "第二跳失败" in rows[failed]
    assert "第二跳未完成（后台任务未运行或中途退出）" in rows[stale]


def test_a_span_that_ends_in_the_future_is_refused_and_leaves_no_trace(world, timeline):
    # Hop 1 would search up to now only, while the trace would claim the later hours too.
    case, t, _ = timeline
    end = timezone.localtime(timezone.now() + timedelta(days=1))
    data = trace_data(t, end=end.strftime("%Y-%m-%dT%H:%M"))
    response = world.client("hq").post(reverse("cases:trace_new", args=[case.pk]), data)
    assert response.status_code == 400
    assert "结束时间晚于现在" in response.content.decode()
    assert not Trace.objects.exists()
