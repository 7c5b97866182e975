"""Status changes need a reason from the fixed list, are audited and shown as history;
extensions carry a reason; edits and reassignments are recorded."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Person
from shouwang.watch import actions
from shouwang.watch.forms import StatusForm
from shouwang.watch.models import KeyPerson, KeyPersonEvent
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world):
    return f.key_person(world.building_a, "周一", by=world.staff_a)


def change(client, record, **data):
    return client.post(reverse("watch:status", args=[record.pk]), data)


def test_a_status_change_with_a_listed_reason_is_recorded_and_audited(world, record) -> None:
    response = change(
        world.client("staff_a"), record, status="hospital", reason="fever_hospital", note="120送医"
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.HOSPITAL
    assert record.ended_at is not None
    event = record.events.get(kind=KeyPersonEvent.Kind.STATUS)
    assert (event.from_status, event.to_status, event.reason, event.note, event.by) == (
        "active",
        "hospital",
        "fever_hospital",
        "120送医",
        world.staff_a,
    )
    audit = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, object_id=str(record.pk))
    assert "管控中 → 转医院" in audit.detail
    assert "发热送医" in audit.detail
    assert audit.user == world.staff_a
    page = world.client("staff_a").get(reverse("watch:detail", args=[record.pk]))
    text = page.content.decode()
    assert "管控中 → 转医院" in text
    assert "发热送医" in text
    assert "120送医" in text


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("released", "fever_hospital"),  # a reason of another status
        ("released", "because"),  # not on the list
        ("released", ""),  # missing
        ("active", "found"),  # already active
        ("sleeping", "found"),  # no such status
    ],
)
def test_a_change_without_a_valid_reason_is_refused(world, record, status, reason) -> None:
    response = change(world.client("staff_a"), record, status=status, reason=reason)
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.ACTIVE
    assert not record.events.filter(kind=KeyPersonEvent.Kind.STATUS).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).exists()


def test_control_resumes_with_a_reason(world, record) -> None:
    client = world.client("staff_a")
    change(client, record, status="lost", reason="unreachable")
    change(client, record, status="active", reason="found")
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.ACTIVE
    assert record.ended_at is None
    assert list(record.events.filter(kind="status").values_list("to_status", flat=True)) == [
        "active",
        "lost",
    ]


def test_grid_workers_and_leaders_cannot_change_status(world, record) -> None:
    for persona in ("grid_a", "leader", "auditor"):
        response = change(world.client(persona), record, status="lost", reason="unreachable")
        assert response.status_code == 403
    assert KeyPerson.objects.get(pk=record.pk).status == KeyPerson.Status.ACTIVE


def test_an_extension_needs_a_later_date_and_a_listed_reason(world, record) -> None:
    client = world.client("staff_a")
    url = reverse("watch:extend", args=[record.pk])
    new_end = record.planned_end + timedelta(days=7)
    assert client.post(url, {"new_end": new_end, "reason": "nope"}).status_code == 400
    assert client.post(url, {"new_end": record.planned_end, "reason": "ordered"}).status_code == 400
    response = client.post(url, {"new_end": new_end, "reason": "abnormal", "note": "37.6℃"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.planned_end == new_end
    event = record.events.get(kind=KeyPersonEvent.Kind.EXTENDED)
    assert event.reason == "abnormal"
    assert event.new_end == new_end
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, detail__contains="观察期内随访异常"
    ).exists()


def test_reassigning_the_worker_is_recorded(world, record) -> None:
    response = world.client("staff_a").post(
        reverse("watch:edit", args=[record.pk]),
        {"category": record.category_id, "measure": "central", "responsible": world.staff_a.pk},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.responsible == world.staff_a
    assert record.measure == "central"
    kinds = set(record.events.values_list("kind", flat=True))
    assert {"assigned", "edited", "created"} <= kinds


def test_the_responsible_worker_must_be_of_the_record_s_community(world, record) -> None:
    response = world.client("hq").post(
        reverse("watch:edit", args=[record.pk]),
        {"category": record.category_id, "measure": "home", "responsible": world.staff_b.pk},
    )
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.responsible == world.grid_worker_a


def test_an_edit_offers_no_category_taken_out_of_use_but_keeps_the_record_s_own(
    world, record
) -> None:
    """A category set to 停用 is offered nowhere a record is registered; an edit could
    still move a record into it. A record already in it keeps it through an edit."""
    retired = f.category("旧类别")
    retired.active = False
    retired.save(update_fields=["active"])
    client = world.client("staff_a")
    url = reverse("watch:edit", args=[record.pk])
    assert "旧类别" not in client.get(url).content.decode()
    response = client.post(url, {"category": retired.pk, "measure": "home"})
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.category != retired
    KeyPerson.objects.filter(pk=record.pk).update(category=retired)
    response = client.post(url, {"category": retired.pk, "measure": "central"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.category, record.measure) == (retired, "central")


def test_a_registration_that_fails_to_write_its_history_leaves_no_record(world) -> None:
    """Record, history and audit entry are written together or not at all, whoever
    calls the action (the cases app does, with its own transaction)."""
    person = f.person(world.building_a, "吴一")
    with (
        mock.patch("shouwang.accounts.audit.record", side_effect=DatabaseError("磁盘已满")),
        pytest.raises(DatabaseError),
    ):
        actions.register_key_person(
            person=person,
            category=f.category(),
            source=KeyPerson.Source.SCREENING,
            measure=KeyPerson.Measure.HOME,
            start_date=timezone.localdate(),
            by=world.staff_a,
        )
    assert not KeyPerson.objects.exists()
    assert not KeyPersonEvent.objects.exists()


def test_registration_finds_the_ledger_person_or_creates_one(world) -> None:
    client = world.client("staff_a")
    known = f.person(world.building_a, "吴一")
    data = {"category": f.category().pk, "source": "screening", "measure": "home"}
    data["start_date"] = "2020-01-01"
    early = client.post(reverse("watch:create"), {**data, "document": known.document_number})
    assert early.status_code == 400
    assert "开始日期过早" in early.content.decode()
    data["start_date"] = known.created_at.date().isoformat()
    response = client.post(reverse("watch:create"), {**data, "document": known.document_number})
    assert response.status_code == 302
    record = KeyPerson.objects.get(person=known)
    assert record.grid == world.grid_a
    assert record.source == "screening"
    again = client.post(reverse("watch:create"), {**data, "document": known.document_number})
    assert again.status_code == 400
    assert "已在管控中" in again.content.decode()
    number = f.id_number()
    missing = client.post(reverse("watch:create"), {**data, "document": number})
    assert missing.status_code == 400
    assert "请选择其所在楼栋" in missing.content.decode()
    created = client.post(
        reverse("watch:create"),
        {**data, "document": number, "name": "吴二", "building": world.building_a2.pk},
    )
    assert created.status_code == 302
    assert KeyPerson.objects.get(person__name="吴二").person.area == world.building_a2
    foreign = client.post(
        reverse("watch:create"),
        {**data, "document": f.id_number(), "name": "吴三", "building": world.building_b.pk},
    )
    assert foreign.status_code == 400


def test_registration_keeps_the_phone_typed_for_a_ledger_person(world) -> None:
    """The form's 手机号 was dropped when the person was found in the ledger."""
    known = f.person(world.building_a, "吴一", phone="")
    data = {"category": f.category().pk, "source": "screening", "measure": "home"}
    data["start_date"] = known.created_at.date().isoformat()
    client = world.client("staff_a")
    bad = client.post(
        reverse("watch:create"), {**data, "document": known.document_number, "phone": "1381234"}
    )
    assert bad.status_code == 400
    assert "手机号应为11位" in bad.content.decode()
    assert not KeyPerson.objects.exists()
    response = client.post(
        reverse("watch:create"),
        {**data, "document": known.document_number, "phone": "138 1234 5678"},
    )
    assert response.status_code == 302
    record = KeyPerson.objects.get(person=known)
    dial = world.client("grid_a").post(reverse("watch:call", args=[record.pk]))
    assert dial["Location"] == "tel:13812345678"
    # a refused registration changes nothing in the ledger either
    again = client.post(
        reverse("watch:create"), {**data, "document": known.document_number, "phone": "13900000000"}
    )
    assert again.status_code == 400
    assert Person.objects.get(pk=known.pk).phone == "13812345678"


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: f"{n[:6]} {n[6:14]} {n[14:]}",  # grouped as printed on the card
        lambda n: n.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full width
    ],
)
def test_registration_finds_the_ledger_person_however_the_id_is_typed(world, typed) -> None:
    known = f.person(world.building_a, "吴一")
    data = {"category": f.category().pk, "source": "screening", "measure": "home"}
    data["start_date"] = known.created_at.date().isoformat()
    response = world.client("staff_a").post(
        reverse("watch:create"), {**data, "document": typed(known.document_number)}
    )
    assert response.status_code == 302
    assert KeyPerson.objects.get().person == known
    assert Person.objects.count() == 1


@pytest.mark.parametrize("end", ["9999-12-31", "2062-03-01"])
def test_a_planned_end_years_ahead_is_refused(world, end) -> None:
    """A year mistyped (2062 for 2026) made a record that was never proposed for
    release; the longest period is the categories' and an extension's 60 days."""
    known = f.person(world.building_a, "吴一")
    data = {"category": f.category().pk, "source": "screening", "measure": "home"}
    data["start_date"] = known.created_at.date().isoformat()
    response = world.client("staff_a").post(
        reverse("watch:create"),
        {**data, "document": known.document_number, "planned_end": end},
    )
    assert response.status_code == 400
    assert "计划解除日期不能晚于开始日期后60天" in response.content.decode()
    assert not KeyPerson.objects.exists()


def test_a_planned_end_on_the_start_date_is_refused(world) -> None:
    """A period of no day owes no follow-up, so it could never end 观察期满 (the list
    said 第1/0天); the shortest period is a category's one day."""
    data = {"category": f.category().pk, "source": "screening", "measure": "home"}
    today = timezone.localdate().isoformat()
    response = world.client("staff_a").post(
        reverse("watch:create"),
        {
            **data,
            "document": f.id_number(),
            "name": "吴一",
            "building": world.building_a.pk,
            "start_date": today,
            "planned_end": today,
        },
    )
    assert response.status_code == 400
    assert "计划解除日期应晚于开始日期" in response.content.decode()
    assert not KeyPerson.objects.exists()
    assert not Person.objects.exists()


def _days_ago(days: int | str) -> str:
    if isinstance(days, str):
        return days
    return (timezone.localdate() - timedelta(days=days)).isoformat()


# The police-list intake's rule, for every arrival date typed or imported.
IMPLAUSIBLE_ARRIVALS = [
    pytest.param("0001-01-01", "抵达日期早于一年前，请核对", id="year-1"),
    pytest.param(366, "抵达日期早于一年前，请核对", id="366-days-ago"),
    pytest.param(-1, "抵达日期不能晚于今天", id="tomorrow"),
    pytest.param("9999-12-31", "抵达日期不能晚于今天", id="year-9999"),
]


@pytest.mark.parametrize(("arrival", "message"), IMPLAUSIBLE_ARRIVALS)
def test_an_implausible_arrival_date_is_refused(world, arrival, message) -> None:
    known = f.person(world.building_a, "吴一")
    data = {"category": f.category().pk, "source": "police", "measure": "home"}
    data["start_date"] = known.created_at.date().isoformat()
    response = world.client("staff_a").post(
        reverse("watch:create"),
        {**data, "document": known.document_number, "arrival_date": _days_ago(arrival)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KeyPerson.objects.exists()


@pytest.mark.parametrize("days", [365, 0])
def test_an_arrival_within_the_last_year_is_kept(world, days) -> None:
    known = f.person(world.building_a, "吴一")
    data = {"category": f.category().pk, "source": "police", "measure": "home"}
    data["start_date"] = known.created_at.date().isoformat()
    response = world.client("staff_a").post(
        reverse("watch:create"),
        {**data, "document": known.document_number, "arrival_date": _days_ago(days)},
    )
    assert response.status_code == 302
    assert KeyPerson.objects.get().arrival_date.isoformat() == _days_ago(days)


@pytest.mark.parametrize(
    ("new_end", "message"),
    [("0001-01-01", "新的解除日期应晚于原计划"), ("9999-12-31", "一次最多延长60天")],
)
def test_an_implausible_extension_is_refused(world, record, new_end, message) -> None:
    planned_end = record.planned_end
    response = world.client("staff_a").post(
        reverse("watch:extend", args=[record.pk]),
        {"new_end": new_end, "reason": KeyPerson.ExtensionReason.values[0]},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    record.refresh_from_db()
    assert record.planned_end == planned_end
    assert not KeyPersonEvent.objects.filter(kind=KeyPersonEvent.Kind.EXTENDED).exists()


def test_a_release_before_the_planned_end_cannot_claim_the_period_complete(world, record) -> None:
    """The notice printed for 观察期满 tells the person the observation found nothing
    over its whole period: on day 1 staff choose 检测阴性 or 上级通知 instead."""
    client = world.client("staff_a")
    response = change(client, record, status="released", reason="period_complete")
    assert response.status_code == 400
    assert "观察期尚未期满" in response.content.decode()
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.ACTIVE
    assert not record.events.filter(kind=KeyPersonEvent.Kind.STATUS).exists()
    response = change(client, record, status="released", reason="ordered_release")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.RELEASED


REASONS_OF_LOST = ["多次电话联系不上", "上门无人，去向不明"]


def options(html: str) -> list[str]:
    """The labels of the reason select's options (the 请选择 placeholder left out)."""
    select = re.search(r'<select name="reason".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', select)


def test_the_reason_select_offers_the_reasons_of_the_status_chosen(world, record) -> None:
    client = world.client("staff_a")
    url = reverse("watch:status", args=[record.pk])
    page = client.get(reverse("watch:detail", args=[record.pk])).content.decode()
    # Before a status is chosen: every status's reasons, under its name.
    assert f'hx-get="{url}"' in page
    assert '<optgroup label="失联">' in page
    assert '<optgroup label="管控中">' not in page  # the current status is not offered
    # Choosing one fetches its reasons only (the select, swapped in by htmx).
    fragment = client.get(url, {"status": "lost"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.strip().startswith('<select name="reason"')
    assert 'id="status-reason"' in html
    assert options(html) == REASONS_OF_LOST
    # A link may open the page with the status chosen (疑似失联 → 失联).
    full = client.get(url, {"status": "lost"}).content.decode()
    assert '<option value="lost" selected>' in full
    assert options(full) == REASONS_OF_LOST
    # An unknown or current status offers every other status's reasons again.
    odd = client.get(url, {"status": "active"}, HTTP_HX_REQUEST="true").content.decode()
    assert "发热送医" in odd
    assert "已找到，恢复管控" not in odd


def test_a_reason_of_another_status_is_refused_saying_which_fit(world, record) -> None:
    response = change(world.client("staff_a"), record, status="released", reason="fever_hospital")
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "“发热送医”不是变更为“已解除”的原因，请选择：观察期满，随访无异常、检测阴性，经评估解除、"
        "上级通知解除、信息有误，非管控对象"
    ) in page
    assert options(page) == [r.label for r in KeyPerson.REASONS_FOR[KeyPerson.Status.RELEASED]]
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.ACTIVE
    assert not record.events.filter(kind=KeyPersonEvent.Kind.STATUS).exists()


@given(
    status=st.sampled_from([*KeyPerson.Status.values, "", "sleeping"]),
    reason=st.sampled_from([*KeyPerson.Reason.values, "", "because"]),
)
def test_the_form_accepts_exactly_a_reason_of_another_status(status, reason) -> None:
    current = KeyPerson(status=KeyPerson.Status.ACTIVE, pk=1)
    form = StatusForm({"status": status, "reason": reason}, record=current)
    fits = status in KeyPerson.REASONS_FOR and reason in KeyPerson.REASONS_FOR[status]
    assert form.is_valid() == (fits and status != current.status)
    if not form.is_valid():
        messages = [m for errors in form.errors.values() for m in errors]
        assert messages
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)


def test_an_extension_reaches_past_today(world) -> None:
    """A record past its planned end (not yet released) extended to a day still behind
    us would observe nothing more, only count the days gone by as missed follow-ups."""
    today = timezone.localdate()
    record = f.key_person(world.building_a, "周二", start=today - timedelta(days=20))
    url = reverse("watch:extend", args=[record.pk])
    client = world.client("staff_a")
    for day in (today - timedelta(days=2), today):
        response = client.post(url, {"new_end": day, "reason": "ordered"})
        assert response.status_code == 400
        assert f"新的解除日期应晚于今天（{today:%Y-%m-%d}）" in response.content.decode()
    record.refresh_from_db()
    assert record.planned_end == today - timedelta(days=6)
    response = client.post(url, {"new_end": today + timedelta(days=7), "reason": "ordered"})
    assert response.status_code == 302
