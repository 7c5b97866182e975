"""Release: proposals at the planned end, bulk release, printable notices (PDF)."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from shouwang.accounts.models import AuditEvent
from shouwang.watch import actions, schedule
from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def observed(world, clock, name: str, *, skip: int | None = None, fever: int | None = None):
    """A record whose 2-day period ended today, followed up in every slot (except
    ``skip``; the ``fever``-th with 38℃)."""
    start = clock.today - timedelta(days=2)
    record = f.key_person(
        world.building_a, name, start=start, days=2, created_at=schedule.day_start(start)
    )
    n = 0
    for due in schedule.due_slots(record, schedule.DEFAULT, first=start, last=clock.today):
        n += 1
        if n == skip:
            continue
        actions.record_followup(
            key_person=record,
            client_id=uuid.uuid4(),
            slot=due.slot.number,
            method="phone",
            temperature=38 if n == fever else None,
            by=world.grid_worker_a,
            now=due.slot.opens_at(due.day) + timedelta(minutes=5),
        )
    return record


@pytest.fixture
def cohort(world, clock):
    clock.set(clock.today, 9, 0)
    return {
        "clean": [observed(world, clock, "甲"), observed(world, clock, "乙")],
        "missed": observed(world, clock, "丙", skip=2),
        "fever": observed(world, clock, "丁", fever=3),
        "young": f.key_person(world.building_a, "戊"),
    }


def test_clean_records_are_proposed_and_others_held(world, cohort) -> None:
    response = world.client("staff_a").get(reverse("watch:release"))
    proposed = [r for r, _ in response.context["proposed"]]
    held = {r.person.name: c for r, c in response.context["held"]}
    assert sorted(r.person.name for r in proposed) == ["乙", "甲"]
    assert held["丙"].missing == 1
    assert held["丁"].abnormal == 1
    assert "戊" not in held


def test_a_record_never_followed_up_is_held_not_proposed(world, clock) -> None:
    """Registered this morning with a start date 14 days back: no slot was ever due,
    no follow-up recorded — "0/0 次，均正常" is no reason to release."""
    clock.set(clock.today, 9, 0)
    record = f.key_person(world.building_a, "己", start=clock.today - timedelta(days=14))
    client = world.client("staff_a")
    response = client.get(reverse("watch:release"))
    assert record not in [r for r, _ in response.context["proposed"]]
    assert record in [r for r, _ in response.context["held"]]
    assert "无随访记录" in response.content.decode()
    response = client.post(reverse("watch:release_bulk"), {"ids": [record.pk]}, follow=True)
    assert "不符合期满解除条件" in response.content.decode()
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.ACTIVE


def test_bulk_release_releases_all_chosen_and_prints_their_notices(world, cohort) -> None:
    client = world.client("staff_a")
    ids = [r.pk for r in cohort["clean"]]
    response = client.post(reverse("watch:release_bulk"), {"ids": ids})
    assert response.status_code == 302
    for record in KeyPerson.objects.filter(pk__in=ids):
        assert record.status == KeyPerson.Status.RELEASED
        assert record.events.get(kind="status").reason == KeyPerson.Reason.PERIOD_COMPLETE
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).count() == 2
    page = client.get(reverse("watch:release")).content.decode()
    assert "今日已解除（2 人）" in page
    pdf = client.get(reverse("watch:notices"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert _pages(pdf.content) == 2
    assert b"NotoSerifCJK" in _inflated(pdf.content)  # the CJK font is embedded
    one = client.get(reverse("watch:notice", args=[ids[0]]))
    assert one.status_code == 200
    assert _pages(one.content) == 1


def _inflated(content: bytes) -> bytes:
    """The PDF with its compressed streams inflated (objects may sit in streams)."""
    import re
    import zlib

    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def test_bulk_release_is_all_or_nothing(world, cohort) -> None:
    other = f.key_person(world.building_b, "外社区")
    ids = [cohort["clean"][0].pk, other.pk]
    response = world.client("staff_a").post(reverse("watch:release_bulk"), {"ids": ids})
    assert response.status_code == 302
    assert not KeyPerson.objects.filter(status=KeyPerson.Status.RELEASED).exists()


@pytest.mark.parametrize("held", ["fever", "missed", "young"])
def test_bulk_release_refuses_a_record_no_longer_proposed(world, cohort, held) -> None:
    """A page opened before a fever was recorded (or before an extension) still shows
    the person as proposed: the release rechecks and releases no one."""
    ids = [cohort["clean"][0].pk, cohort[held].pk]
    response = world.client("staff_a").post(
        reverse("watch:release_bulk"), {"ids": ids}, follow=True
    )
    assert "不符合期满解除条件" in response.content.decode()
    assert cohort[held].person.name in response.content.decode()
    assert not KeyPerson.objects.filter(status=KeyPerson.Status.RELEASED).exists()


def test_an_active_record_has_no_notice(world, cohort) -> None:
    response = world.client("staff_a").get(reverse("watch:notice", args=[cohort["young"].pk]))
    assert response.status_code == 404


def test_release_one_by_one_from_the_detail_page(world, cohort) -> None:
    record = cohort["missed"]
    response = world.client("staff_a").post(
        reverse("watch:status", args=[record.pk]),
        {"status": "released", "reason": "test_negative"},
    )
    assert response.status_code == 302
    pdf = world.client("staff_a").get(reverse("watch:notice", args=[record.pk]))
    assert pdf.status_code == 200


@pytest.mark.parametrize("held", ["fever", "missed"])
def test_period_complete_is_refused_one_by_one_as_in_bulk(world, cohort, held) -> None:
    """The detail page released a record with a fever (or a missed slot) as
    "观察期满，随访无异常", and its notice said no follow-up had found anything."""
    record = cohort[held]
    client = world.client("staff_a")
    response = client.post(
        reverse("watch:status", args=[record.pk]),
        {"status": "released", "reason": "period_complete"},
    )
    assert response.status_code == 400
    assert "随访不全或有异常" in response.content.decode()
    record.refresh_from_db()
    assert record.status == KeyPerson.Status.ACTIVE
    clean = cohort["clean"][0]
    response = client.post(
        reverse("watch:status", args=[clean.pk]),
        {"status": "released", "reason": "period_complete"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("junk", ["²", "٣", "9" * 30])
def test_ids_that_are_not_row_numbers_are_ignored(world, cohort, junk) -> None:
    client = world.client("staff_a")
    response = client.post(reverse("watch:release_bulk"), {"ids": [junk]})
    assert response.status_code == 302
    response = client.get(reverse("watch:notices"), {"ids": [junk]})
    assert response.status_code == 302
    assert not KeyPerson.objects.filter(status=KeyPerson.Status.RELEASED).exists()


def released(world, clock, building, name: str, reason: str) -> KeyPerson:
    record = f.key_person(building, name)
    actions.change_status(
        key_person=record, status=KeyPerson.Status.RELEASED, reason=reason, by=world.staff_a
    )
    return record


def test_the_days_notices_read_as_many_queries_for_many_persons_as_for_one(world, clock) -> None:
    """Each notice names its community and sub-district and the reason of its own
    release, read for all the notices at once: 500 notices were 1,500 more queries."""
    client = world.client("hq")
    released(world, clock, world.building_a, "甲", KeyPerson.Reason.ORDERED_RELEASE)
    client.get(reverse("watch:notices"))  # caches filled (content types, …)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("watch:notices")).status_code == 200
    released(world, clock, world.building_b, "乙", KeyPerson.Reason.WRONG_INFO)
    released(world, clock, world.building_a2, "丙", KeyPerson.Reason.TEST_NEGATIVE)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("watch:notices"))
    assert response.status_code == 200
    assert len(three) == len(one)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    said = {name: page for page in pages for name in ("甲", "乙", "丙") if f"{name}（" in page}
    assert "明湖街道西城社区" in said["甲"]
    assert "根据上级通知" in said["甲"]
    assert "明湖街道八一社区" in said["乙"]
    assert "您不属于管控对象" in said["乙"]
    assert "明湖街道西城社区" in said["丙"]
    assert "检测结果阴性" in said["丙"]


def test_a_central_isolation_notice_does_not_place_it_at_home(world, clock) -> None:
    """集中隔离 is served at an isolation site, not at the person's door: the notice
    says where the person lives only for 居家观察 and 健康监测."""
    central = f.key_person(world.building_a, "甲", measure=KeyPerson.Measure.CENTRAL)
    home = f.key_person(world.building_a2, "乙", measure=KeyPerson.Measure.HOME)
    for record in (central, home):
        actions.change_status(
            key_person=record,
            status=KeyPerson.Status.RELEASED,
            reason=KeyPerson.Reason.ORDERED_RELEASE,
            by=world.staff_a,
        )
    response = world.client("staff_a").get(reverse("watch:notices"))
    pages = [
        p.extract_text().replace("\n", "") for p in PdfReader(io.BytesIO(response.content)).pages
    ]
    said = {name: page for page in pages for name in ("甲", "乙") if f"{name}（" in page}
    assert "起实行集中隔离" in said["甲"]
    assert f"在{central.address}" not in said["甲"]
    assert f"起在{home.address}实行居家观察" in said["乙"]


def test_the_days_notices_past_one_pdf_s_limit_print_in_parts_none_left_out(
    world, clock, monkeypatch
) -> None:
    """More released in a day than one PDF holds (500): the page offers each part, and
    the PDF without a part says so rather than leave the rest out unsaid."""
    from shouwang.watch.views import records as views

    monkeypatch.setattr(views, "NOTICES_PER_PDF", 2)
    for name in ("甲", "乙", "丙"):
        released(world, clock, world.building_a, name, KeyPerson.Reason.ORDERED_RELEASE)
    client = world.client("staff_a")

    page = client.get(reverse("watch:release")).content.decode()
    whole = client.get(reverse("watch:notices"))
    followed = client.get(whole["Location"]).content.decode()
    second = client.get(reverse("watch:notices"), {"part": "2"})
    beyond = client.get(reverse("watch:notices"), {"part": "3"})
    junk = client.get(reverse("watch:notices"), {"part": "²"})

    assert f'href="{reverse("watch:notices")}?part=1">第 1–2 份' in page
    assert f'href="{reverse("watch:notices")}?part=2">第 3–3 份' in page
    assert whole.status_code == 302
    assert "共 3 份解除告知书" in followed
    assert second.status_code == 200
    assert _pages(second.content) == 1
    assert _pages(client.get(reverse("watch:notices"), {"part": "1"}).content) == 2
    assert beyond.status_code == 400
    assert "第 3 批" in beyond.content.decode()
    assert junk.status_code == 400
