"""Checkpoint locations are linked to the checkpoints app's checkpoints: HQ creates and
syncs them for a whole area in one action, and allocation counts each checkpoint's
assigned staff unless the location has a typed head count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas.tests.factories import AreaFactory, child
from shouwang.checkpoints.tests.factories import make_checkpoint
from shouwang.supplies import actions
from shouwang.supplies.models import AllocationPlan, Location

from .factories import item, location

pytestmark = pytest.mark.django_db


def _guards(world, n: int, *, active: bool = True) -> list:
    return [
        UserFactory(role=Role.CHECKPOINT_STAFF, area=world.community_a, is_active=active)
        for _ in range(n)
    ]


def test_sync_gives_every_active_checkpoint_of_the_area_a_location(world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    road = make_checkpoint(world.community_b, "中州大道卡口")
    make_checkpoint(world.compound_b, "八一新苑北门", active=False)
    elsewhere = child(AreaFactory(name="外区", kind="district"), "外街道")
    make_checkpoint(elsewhere, "外街道卡口")

    result = actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)

    assert (result.created, result.linked, result.moved) == (2, 0, 0)
    places = {loc.checkpoint: loc for loc in Location.objects.exclude(checkpoint=None)}
    assert set(places) == {gate, road}
    assert (places[gate].area, places[gate].name) == (world.compound_a, "西城花园东门")
    assert places[road].area == world.community_b
    assert places[gate].kind == Location.Kind.CHECKPOINT
    assert places[gate].staff_count is None  # people come from the checkpoint's staff

    events = AuditEvent.objects.filter(detail__startswith="同步卡点存放点").count()
    again = actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    assert not again.changed
    assert Location.objects.count() == 2
    assert AuditEvent.objects.filter(detail__startswith="同步卡点存放点").count() == events


def test_sync_is_limited_to_the_given_area(world) -> None:
    make_checkpoint(world.compound_a, "西城花园东门")
    make_checkpoint(world.compound_b, "八一新苑东门")
    actions.sync_checkpoint_locations(area=world.community_a, by=world.hq)
    assert list(Location.objects.values_list("name", flat=True)) == ["西城花园东门"]


def test_a_location_follows_its_checkpoint_to_another_area(world) -> None:
    gate = make_checkpoint(world.compound_a, "东门")
    actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    location(world.compound_b, "东门", kind="community")  # the name is taken there
    gate.area = world.compound_b
    gate.save()

    result = actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)

    assert result.moved == 1
    place = Location.objects.get(checkpoint=gate)
    assert place.area == world.compound_b
    assert place.name == "东门（2）"


def test_sync_adopts_an_unlinked_location_of_the_same_name(world) -> None:
    old = location(world.compound_a, "西城花园东门", kind="checkpoint", staff=7)
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    result = actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    assert (result.created, result.linked) == (0, 1)
    old.refresh_from_db()
    assert old.checkpoint == gate
    assert old.staff_count == 7


def test_deleting_a_checkpoint_keeps_its_location_and_ledger(world) -> None:
    gate = make_checkpoint(world.compound_a)
    actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    place = Location.objects.get(checkpoint=gate)
    actions.receive_stock(item=item(), location=place, quantity=10, by=world.hq)
    gate.delete()
    place.refresh_from_db()
    assert place.checkpoint is None
    assert place.balances.get().quantity == 10


def test_the_plan_counts_assigned_staff_unless_a_head_count_is_typed(world) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    staffed = make_checkpoint(world.compound_a, "西城花园东门")
    staffed.staff.set([*_guards(world, 2), *_guards(world, 1, active=False)])
    typed = make_checkpoint(world.compound_b, "八一新苑东门")
    typed.staff.set(_guards(world, 3))
    closed = make_checkpoint(world.community_a, "农业路卡口")
    closed.staff.set(_guards(world, 4))
    actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    closed.active = False
    closed.save()
    typed_place = Location.objects.get(checkpoint=typed)
    typed_place.staff_count = 9
    actions.save_location(location=typed_place, by=world.hq)
    legacy = location(world.compound_a, "西城花园西门", kind="checkpoint", staff=5)

    plan, _ = actions.create_plan(
        area=world.subdistrict,
        title="卡点口罩",
        item=item(),
        source=warehouse,
        target=AllocationPlan.Target.CHECKPOINTS,
        days=1,
        by=world.hq,
    )

    people = {line.location.name: line.people for line in plan.lines.select_related("location")}
    assert people == {"西城花园东门": 2, "八一新苑东门": 9, "西城花园西门": 5}
    assert plan.lines.get(location__checkpoint=staffed).quantity == 2 * 3
    assert legacy.checkpoint is None


def test_hq_syncs_from_the_locations_page(world) -> None:
    make_checkpoint(world.compound_a, "西城花园东门")
    page = world.client("hq").get(reverse("supplies:locations"))
    assert "1 个卡点还没有存放点" in page.content.decode()
    client = world.client("hq")
    response = client.post(reverse("supplies:locations_sync"), follow=True)
    assert response.redirect_chain == [(reverse("supplies:locations"), 302)]
    body = response.content.decode()
    assert "新建卡点存放点 1 个" in body
    assert "还没有存放点" not in body
    assert "西城花园东门" in body
    assert "值守名单" in body
    again = client.post(reverse("supplies:locations_sync"), follow=True).content.decode()
    assert "卡点存放点已是最新" in again
    assert world.client("staff_a").post(reverse("supplies:locations_sync")).status_code == 403
    assert Location.objects.count() == 1


def _form(**overrides) -> dict:
    return {"kind": "checkpoint", "name": "", "area": "", "checkpoint": "", **overrides}


def test_the_form_links_a_checkpoint_and_takes_its_area_and_name(world) -> None:
    gate = make_checkpoint(world.compound_b, "八一新苑东门")
    client = world.client("hq")
    page = client.get(reverse("supplies:location_create")).content.decode()
    assert "八一新苑 · 八一新苑东门" in page
    response = client.post(
        reverse("supplies:location_create"),
        _form(checkpoint=gate.pk, area=world.community_a.pk, staff_count=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    place = Location.objects.get()
    assert (place.checkpoint, place.area, place.name) == (gate, world.compound_b, "八一新苑东门")
    assert place.staff_count is None
    # Taken now: a second location cannot name the same checkpoint.
    again = client.post(reverse("supplies:location_create"), _form(checkpoint=gate.pk, name="再来"))
    assert again.status_code == 400
    assert Location.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "请选择对应卡点"),
        ({"kind": "community", "name": "库房", "checkpoint": "gate"}, "只有卡点类型"),
        ({"kind": "community", "name": "库房"}, "请选择所属辖区"),
    ],
)
def test_the_form_refuses_inconsistent_input(world, fields, message) -> None:
    gate = make_checkpoint(world.compound_a)
    data = _form(**fields)
    if data["checkpoint"] == "gate":
        data["checkpoint"] = gate.pk
    response = world.client("hq").post(reverse("supplies:location_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Location.objects.exists()


def test_the_form_offers_only_checkpoints_in_the_users_scope(world) -> None:
    elsewhere = child(AreaFactory(name="外区", kind="district"), "外街道")
    outside = make_checkpoint(elsewhere, "外街道卡口")
    client = world.client("hq")
    assert "外街道卡口" not in client.get(reverse("supplies:location_create")).content.decode()
    response = client.post(reverse("supplies:location_create"), _form(checkpoint=outside.pk))
    assert response.status_code == 400
    assert not Location.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_references_and_reverses(world) -> None:
    by_id = make_checkpoint(world.compound_a, "西城花园东门")
    by_name = make_checkpoint(world.compound_b, "八一新苑东门")
    by_code = make_checkpoint(world.community_a, "农业路卡口")
    make_checkpoint(world.community_b, "重名卡口")
    make_checkpoint(world.community_a, "重名卡口")
    executor = MigrationExecutor(connection)
    before, after = (
        [("supplies", "0003_location_checkpoint")],
        [("supplies", "0005_drop_checkpoint_ref")],
    )
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("supplies", "Location")

    def old_location(area, name: str, ref: str, staff: int = 0):
        return old.objects.create(
            area_id=area.pk, name=name, kind="checkpoint", checkpoint_ref=ref, staff_count=staff
        ).pk

    rows = {
        "id": old_location(world.compound_a, "东门库", str(by_id.pk), staff=8),
        "name": old_location(world.compound_b, "八一新苑东门", "八一新苑东门"),
        "code": old_location(world.subdistrict, "农业路", by_code.code),
        "twice": old_location(world.compound_a, "东门库2", "西城花园东门"),
        "ambiguous": old_location(world.subdistrict, "重名", "重名卡口"),
        "unknown": old_location(world.compound_a, "旧卡点", "已撤销的卡点"),
    }
    executor.loader.build_graph()
    executor.migrate(after)

    found = {key: Location.objects.get(pk=pk) for key, pk in rows.items()}
    assert (found["id"].checkpoint, found["id"].staff_count) == (by_id, 8)
    assert (found["name"].checkpoint, found["name"].staff_count) == (by_name, None)
    assert found["code"].checkpoint == by_code
    assert found["twice"].checkpoint is None  # one location per checkpoint: the oldest
    assert found["ambiguous"].checkpoint is None
    assert found["unknown"].checkpoint is None
    assert "原对应卡点：已撤销的卡点" in found["unknown"].notes
    assert found["name"].notes == ""  # the reference was only its own name

    executor.loader.build_graph()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("supplies", "Location")
    assert old.objects.get(pk=rows["id"]).checkpoint_ref == "西城花园东门"
    assert old.objects.get(pk=rows["name"]).staff_count == 0
    assert old.objects.get(pk=rows["unknown"]).checkpoint_ref == ""
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _orphans(world) -> list[Location]:
    """A location whose checkpoint was deleted, and one the migration never matched."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    gate.delete()
    legacy = location(world.compound_b, "八一新苑西门", kind="checkpoint", staff=5)
    return [Location.objects.get(name="西城花园东门"), legacy]


def test_hq_edits_and_deactivates_a_location_whose_checkpoint_is_gone(world) -> None:
    client = world.client("hq")
    for place in _orphans(world):
        url = reverse("supplies:location_edit", args=[place.pk])
        page = client.get(url).content.decode()
        assert "原对应卡点已不存在" in page
        name, area = f"{place.name}（已撤）", place.area
        response = client.post(url, _form(name=name, area=area.pk, staff_count="2", active=""))
        assert response.status_code == 302, response.content.decode()[:3000]
        place.refresh_from_db()
        assert (place.name, place.area, place.staff_count, place.active) == (name, area, 2, False)
        assert (place.kind, place.checkpoint) == ("checkpoint", None)


def test_hq_relinks_a_location_whose_checkpoint_is_gone(world) -> None:
    _, legacy = _orphans(world)
    gate = make_checkpoint(world.compound_a, "西城花园新东门")
    response = world.client("hq").post(
        reverse("supplies:location_edit", args=[legacy.pk]),
        _form(checkpoint=gate.pk, name=legacy.name, area=legacy.area.pk, active="on"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    legacy.refresh_from_db()
    assert (legacy.checkpoint, legacy.area) == (gate, world.compound_a)


def test_a_linked_location_cannot_drop_its_checkpoint(world) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    place = Location.objects.get(checkpoint=gate)
    response = world.client("hq").post(
        reverse("supplies:location_edit", args=[place.pk]),
        _form(name="改名", area=world.compound_b.pk, active="on"),
    )
    assert response.status_code == 400
    assert "请选择对应卡点" in response.content.decode()
    place.refresh_from_db()
    assert (place.checkpoint, place.name, place.area) == (gate, "西城花园东门", world.compound_a)


def test_a_reviewed_plan_is_not_issued_to_a_checkpoint_closed_since(world) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    make_checkpoint(world.compound_b, "八一新苑东门")
    actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    Location.objects.exclude(checkpoint=None).update(staff_count=2)
    actions.receive_stock(item=item(), location=warehouse, quantity=1000, by=world.hq)
    plan, _ = actions.create_plan(
        area=world.subdistrict,
        title="卡点口罩",
        item=item(),
        source=warehouse,
        target=AllocationPlan.Target.CHECKPOINTS,
        by=world.hq,
    )
    actions.review_plan(plan=plan, by=world.hq)
    gate.active = False
    gate.save()

    client = world.client("hq")
    response = client.post(reverse("supplies:plan_issue", args=[plan.pk]))
    assert response.status_code == 400
    assert "西城花园东门已停用" in response.content.decode()
    assert "人数改为0" in response.content.decode()
    assert not plan.movements.exists()
    plan.refresh_from_db()
    assert plan.status == AllocationPlan.Status.REVIEWED


@pytest.mark.parametrize("synced", [False, True])
def test_a_reviewed_plan_is_not_issued_to_a_checkpoint_moved_out_of_its_area_since(
    world, synced
) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    make_checkpoint(world.compound_b, "八一新苑东门")
    actions.sync_checkpoint_locations(area=world.subdistrict, by=world.hq)
    Location.objects.exclude(checkpoint=None).update(staff_count=2)
    actions.receive_stock(item=item(), location=warehouse, quantity=1000, by=world.hq)
    plan, _ = actions.create_plan(
        area=world.subdistrict,
        title="卡点口罩",
        item=item(),
        source=warehouse,
        target=AllocationPlan.Target.CHECKPOINTS,
        by=world.hq,
    )
    actions.review_plan(plan=plan, by=world.hq)
    gate.area = child(world.district, "东风街道")
    gate.save()
    if synced:  # its location followed it
        actions.sync_checkpoint_locations(area=world.district, by=world.hq)
        assert Location.objects.get(checkpoint=gate).area == gate.area

    response = world.client("hq").post(reverse("supplies:plan_issue", args=[plan.pk]))
    assert response.status_code == 400
    text = response.content.decode()
    assert "西城花园东门已不在明湖街道辖区内" in text
    assert "人数改为0" in text
    assert not plan.movements.exists()
    plan.refresh_from_db()
    assert plan.status == AllocationPlan.Status.REVIEWED
