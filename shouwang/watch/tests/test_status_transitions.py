"""The status form offers only the moves the model allows from the record's status
(``KeyPerson.TRANSITIONS``); a forged POST of another is refused, nothing written."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.watch.models import KeyPerson, KeyPersonEvent
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def _offered(html: str) -> set[str]:
    select = re.search(r'<select name="status".*?</select>', html, re.S)
    assert select is not None
    return set(re.findall(r'<option value="(\w+)"', select.group(0)))


@pytest.fixture
def released(world):
    record = f.key_person(world.building_a, "周二", by=world.staff_a)
    response = world.client("staff_a").post(
        reverse("watch:status", args=[record.pk]),
        {"status": "released", "reason": "ordered_release"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    return record


def test_a_released_record_is_offered_only_its_correction(world, released) -> None:
    client = world.client("staff_a")
    for url in (
        reverse("watch:status", args=[released.pk]),
        reverse("watch:detail", args=[released.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert _offered(page.content.decode()) == {"active"}


def test_an_active_record_is_offered_every_end(world) -> None:
    record = f.key_person(world.building_a, "周三", by=world.staff_a)
    page = world.client("staff_a").get(reverse("watch:status", args=[record.pk]))
    assert _offered(page.content.decode()) == {"released", "hospital", "lost", "left"}


@pytest.mark.parametrize(
    ("status", "reason"),
    [("hospital", "fever_hospital"), ("lost", "unreachable"), ("left", "left_area")],
)
def test_a_forged_move_from_released_is_refused_in_chinese(world, released, status, reason) -> None:
    events = KeyPersonEvent.objects.count()
    audits = AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).count()
    response = world.client("staff_a").post(
        reverse("watch:status", args=[released.pk]), {"status": status, "reason": reason}
    )
    assert response.status_code == 400
    label = KeyPerson.Status(status).label
    assert f"“已解除”的记录不能变更为“{label}”" in response.content.decode()
    released.refresh_from_db()
    assert released.status == KeyPerson.Status.RELEASED
    assert KeyPersonEvent.objects.count() == events
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).count() == audits


def test_a_released_record_may_still_be_corrected_back(world, released) -> None:
    response = world.client("staff_a").post(
        reverse("watch:status", args=[released.pk]), {"status": "active", "reason": "correction"}
    )
    assert response.status_code == 302
    released.refresh_from_db()
    assert released.status == KeyPerson.Status.ACTIVE
