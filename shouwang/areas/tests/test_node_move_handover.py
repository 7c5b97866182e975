"""A move hands over what people can no longer see: the page lists who is affected
before anything moves, the move then takes the moved compounds out of their old grids,
re-assigns open key-person records and clears checkpoint rosters; the audit entry and
each record's history say so."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area, Grid
from shouwang.checkpoints.tests.factories import make_checkpoint
from shouwang.core.tests.personas import World
from shouwang.watch.models import KeyPerson, KeyPersonEvent
from shouwang.watch.tests.factories import key_person


def url(area: Area) -> str:
    return reverse("areas:node_move", kwargs={"pk": area.pk})


def test_the_page_lists_who_is_affected_and_moves_nothing_yet(world: World) -> None:
    record = key_person(world.building_a, "王五")
    assert record.responsible == world.grid_worker_a
    post = make_checkpoint(world.compound_a, "西城花园东门")
    post.staff.add(world.guard_a)
    response = world.client("hq").post(url(world.compound_a), {"new_parent": world.community_b.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "移动到“八一社区”后，以下人员将看不到原来负责的对象" in page
    assert "小区“西城花园”移出网格“西城第1网格”" in page
    assert f"{world.grid_worker_a}负责的重点人员 1 人改由（未分配，待所在社区指定）负责" in page
    assert f"{world.guard_a}不再值守卡点“西城花园东门”" in page
    assert "确认移动并交接" in page
    # Nothing moved, nothing handed over, nothing audited.
    assert Area.objects.get(pk=world.compound_a.pk).parent == world.community_a
    assert list(world.grid_a.compounds.all()) == [world.compound_a]
    record.refresh_from_db()
    assert (record.grid, record.responsible) == (world.grid_a, world.grid_worker_a)
    assert list(post.staff.all()) == [world.guard_a]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_confirming_moves_and_hands_over(world: World) -> None:
    record = key_person(world.building_a, "王五")
    post = make_checkpoint(world.compound_a, "西城花园东门")
    post.staff.add(world.guard_a)
    client = world.client("hq")
    response = client.post(
        url(world.compound_a), {"new_parent": world.community_b.pk, "confirmed": "True"}
    )
    assert response.status_code == 302
    assert Area.objects.get(pk=world.compound_a.pk).parent == world.community_b
    assert list(world.grid_a.compounds.all()) == []
    record.refresh_from_db()
    assert (record.grid, record.responsible) == (None, None)
    event = KeyPersonEvent.objects.get(key_person=record, kind=KeyPersonEvent.Kind.ASSIGNED)
    assert event.note == f"辖区调整：{world.grid_worker_a} → 无"
    assert event.by == world.hq
    assert list(post.staff.all()) == []
    audit = AuditEvent.objects.get(
        action=AuditEvent.Action.UPDATE, object_id=str(world.compound_a.pk)
    )
    assert audit.detail.startswith("移动：西城社区 → 八一社区；")
    assert f"{world.guard_a}不再值守卡点“西城花园东门”" in audit.detail
    shown = client.get(response["Location"]).content.decode()
    assert f"{world.grid_worker_a}负责的重点人员 1 人改由（未分配，待所在社区指定）负责" in shown
    # The receiving community sees the record, unassigned, and the old worker does not.
    detail = reverse("watch:detail", args=[record.pk])
    assert world.client("staff_b").get(detail).status_code == 200
    assert world.client("grid_a").get(detail).status_code == 404


def test_a_building_joining_a_gridded_compound_goes_to_that_grids_worker(world: World) -> None:
    worker_b = world.staff_b
    grid_b = Grid.objects.create(name="八一第1网格", community=world.community_b)
    grid_b.compounds.add(world.compound_b)
    grid_b.staff.add(worker_b)
    record = key_person(world.building_a2, "王五")
    world.client("hq").post(
        url(world.building_a2), {"new_parent": world.compound_b.pk, "confirmed": "True"}
    )
    record.refresh_from_db()
    assert (record.grid, record.responsible) == (grid_b, worker_b)


def test_ended_records_keep_their_worker(world: World) -> None:
    record = key_person(world.building_a, "王五")
    KeyPerson.objects.filter(pk=record.pk).update(status=KeyPerson.Status.RELEASED)
    world.client("hq").post(
        url(world.compound_a), {"new_parent": world.community_b.pk, "confirmed": "True"}
    )
    record.refresh_from_db()
    assert record.responsible == world.grid_worker_a


def test_people_who_still_see_the_place_keep_it(world: World) -> None:
    """A sub-district worker on a gate's roster still sees the gate after its compound
    moves to another community of the sub-district."""
    post = make_checkpoint(world.compound_a, "西城花园东门")
    post.staff.add(world.hq)
    response = world.client("hq").post(
        url(world.compound_a), {"new_parent": world.community_b.pk, "confirmed": "True"}
    )
    assert response.status_code == 302
    assert list(post.staff.all()) == [world.hq]


def test_a_move_with_nothing_to_hand_over_happens_at_once(world: World) -> None:
    response = world.client("hq").post(url(world.building_a2), {"new_parent": world.compound_b.pk})
    assert response.status_code == 302
    assert Area.objects.get(pk=world.building_a2.pk).parent == world.compound_b
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.detail == "移动：西城花园 → 八一新苑"
