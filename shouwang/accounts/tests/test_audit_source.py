"""Every audit row written while answering a request carries its source address, also
when the action writing it is handed only the acting user (as jobs call it too)."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.areas import actions as area_actions
from shouwang.areas.models import Area
from shouwang.core.tests.personas import World


def test_a_change_made_through_a_page_records_the_address(world: World) -> None:
    url = reverse("areas:node_create", kwargs={"pk": world.subdistrict.pk})
    world.client("hq").post(url, {"name": "丰庆社区"}, REMOTE_ADDR="10.20.30.40")
    area = Area.objects.get(name="丰庆社区")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(area.pk))
    assert event.ip == "10.20.30.40"


def test_a_change_made_outside_a_request_has_no_address(world: World) -> None:
    area = area_actions.create_area(
        name="建业社区", kind=Area.Kind.COMMUNITY, parent=world.subdistrict, by=world.hq
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(area.pk))
    assert event.ip is None


def test_the_address_does_not_outlive_its_request(world: World) -> None:
    world.client("hq").get(reverse("core:home"), REMOTE_ADDR="10.20.30.41")
    area = area_actions.create_area(
        name="金水社区", kind=Area.Kind.COMMUNITY, parent=world.subdistrict, by=world.hq
    )
    assert AuditEvent.objects.get(object_id=str(area.pk)).ip is None
