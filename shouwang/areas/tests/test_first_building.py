"""A compound's own 应有户数 counts only while it has no buildings: the action that
gives it its first building clears the figure, records that, and says so."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.areas.tests.factories import child
from shouwang.areas.tests.test_import import COMMIT, UPLOAD, upload, xlsx
from shouwang.core.tests.personas import World

NOTICE = "“东城小区”已有楼栋，原填写的应有户数 120 已清除，请在各楼栋填写应有户数"


def _compound(world: World) -> Area:
    return child(world.community_a, "东城小区", expected_households=120)


def test_a_new_building_clears_the_compounds_households(world: World) -> None:
    compound = _compound(world)
    response = world.client("hq").post(
        reverse("areas:node_create", kwargs={"pk": compound.pk}),
        {"name": "1号楼", "expected_households": "30"},
        follow=True,
    )
    assert response.status_code == 200
    assert NOTICE in response.content.decode()
    compound.refresh_from_db()
    assert compound.expected_households is None
    assert compound.children.get().expected_households == 30
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, user=world.hq)
    assert NOTICE in event.detail


def test_a_second_building_leaves_the_compound_as_it_is(world: World) -> None:
    compound = _compound(world)
    client = world.client("hq")
    url = reverse("areas:node_create", kwargs={"pk": compound.pk})
    client.post(url, {"name": "1号楼"}, follow=True)
    response = client.post(url, {"name": "2号楼"}, follow=True)
    assert "应有户数" not in str(list(response.context["messages"]))
    assert compound.children.count() == 2


def test_a_building_moved_in_clears_the_compounds_households(world: World) -> None:
    compound = _compound(world)
    response = world.client("hq").post(
        reverse("areas:node_move", kwargs={"pk": world.building_b.pk}),
        {"new_parent": compound.pk, "confirmed": "True"},
        follow=True,
    )
    assert response.status_code == 200
    assert NOTICE in response.content.decode()
    compound.refresh_from_db()
    assert compound.expected_households is None
    assert Area.objects.get(pk=world.building_b.pk).parent == compound
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, user=world.hq)
    assert NOTICE in event.detail


def test_an_imported_building_clears_the_compounds_households(world: World) -> None:
    compound = _compound(world)
    client = world.client("hq")
    token = upload(client, xlsx([["", "", "西城社区", "东城小区", "1号楼", 30]])).context["token"]
    response = client.post(COMMIT, {"token": token}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入完成：新建 1 个节点" in page
    assert NOTICE in page
    compound.refresh_from_db()
    assert compound.expected_households is None
    assert compound.children.get().expected_households == 30
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert NOTICE in event.detail


WARNING = "“东城小区”将有第一个楼栋，原填写的应有户数 120 将清除，请在各楼栋填写应有户数"


def test_the_import_preview_names_the_compounds_whose_households_it_clears(
    world: World,
) -> None:
    compound = _compound(world)
    response = upload(world.client("hq"), xlsx([["", "", "西城社区", "东城小区", "1号楼", 30]]))
    assert response.status_code == 200
    assert response.context["plan"].households_to_clear == [WARNING]
    assert WARNING in response.content.decode()
    compound.refresh_from_db()
    assert compound.expected_households == 120  # the preview writes nothing
    assert not compound.children.exists()


def test_the_import_preview_names_the_compound_imported_into(world: World) -> None:
    compound = _compound(world)
    client = world.client("hq")
    response = client.post(
        f"{UPLOAD}?area={compound.pk}", {"file": xlsx([["", "", "", "", "1号楼"]])}
    )
    assert response.status_code == 200
    assert WARNING in response.content.decode()


def test_the_import_preview_warns_of_nothing_for_a_compound_with_buildings(world: World) -> None:
    response = upload(world.client("hq"), xlsx([["", "", "西城社区", "西城花园", "9号楼", 3]]))
    assert response.status_code == 200
    assert response.context["plan"].households_to_clear == []
    assert "将清除" not in response.content.decode()


def test_the_move_asks_first_when_it_clears_the_compounds_households(world: World) -> None:
    compound = _compound(world)
    building = child(child(world.community_a, "南院"), "9号楼")
    client = world.client("hq")
    url = reverse("areas:node_move", kwargs={"pk": building.pk})
    response = client.post(url, {"new_parent": compound.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert WARNING in page
    assert "确认移动" in page
    assert Area.objects.get(pk=building.pk).parent.name == "南院"  # nothing moved yet
    compound.refresh_from_db()
    assert compound.expected_households == 120
    response = client.post(url, {"new_parent": compound.pk, "confirmed": "True"}, follow=True)
    assert NOTICE in response.content.decode()
    assert Area.objects.get(pk=building.pk).parent == compound


def test_the_create_page_says_the_first_building_clears_the_households(world: World) -> None:
    compound = _compound(world)
    url = reverse("areas:node_create", kwargs={"pk": compound.pk})
    assert WARNING in world.client("hq").get(url).content.decode()
    child(compound, "1号楼")
    assert "将清除" not in world.client("hq").get(url).content.decode()
