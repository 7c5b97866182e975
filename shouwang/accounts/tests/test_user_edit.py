from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.areas.tests.factories import child
from shouwang.checkpoints.tests.factories import make_checkpoint
from shouwang.core.tests.personas import World
from shouwang.watch.tests.factories import key_person


def url(user: User) -> str:
    return reverse("accounts:user_edit", kwargs={"pk": user.pk})


def test_it_shows_the_account(world: World) -> None:
    response = world.client("hq").get(url(world.staff_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "编辑账号 staff_a" in body
    assert "当前 138****0002，留空则不修改" in body
    assert "13800000002" not in body


def test_it_changes_role_and_area(world: World) -> None:
    response = world.client("hq").post(
        url(world.staff_a),
        {"full_name": "张三", "phone": "", "role": Role.GRID_WORKER, "area": world.community_b.pk},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=world.staff_a.pk)
    assert (user.full_name, user.role, user.area, user.phone) == (
        "张三",
        Role.GRID_WORKER,
        world.community_b,
        "13800000002",
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert "角色 社区工作人员→网格员" in event.detail
    assert "辖区 西城社区→八一社区" in event.detail


def test_a_promoted_admin_gets_the_back_office(world: World) -> None:
    world.client("hq").post(
        url(world.staff_a),
        {"full_name": "张三", "phone": "", "role": Role.HQ_ADMIN, "area": world.community_a.pk},
    )
    assert User.objects.get(pk=world.staff_a.pk).is_staff


def test_it_cannot_move_an_account_outside_its_subtree(world: World) -> None:
    other = child(world.district, "东区街道")
    world.client("hq").post(
        url(world.staff_a),
        {"full_name": "张三", "phone": "", "role": Role.LEADER, "area": other.pk},
    )
    assert User.objects.get(pk=world.staff_a.pk).area == world.community_a


def test_it_answers_404_for_an_account_outside_its_subtree(world: World) -> None:
    other = child(world.district, "东区街道")
    outsider = User.objects.create(username="outsider", role=Role.LEADER, area=other)
    assert world.client("hq").get(url(outsider)).status_code == 404


def test_it_replaces_the_phone(world: World) -> None:
    world.client("hq").post(
        url(world.staff_a),
        {
            "full_name": "张三",
            "phone": "13900000009",
            "role": Role.COMMUNITY_STAFF,
            "area": world.community_a.pk,
        },
    )
    assert User.objects.get(pk=world.staff_a.pk).phone == "13900000009"
    assert AuditEvent.objects.get(action=AuditEvent.Action.UPDATE).detail == "手机号"


def test_a_worker_moved_to_another_community_leaves_the_grids_of_the_old_one(
    world: World,
) -> None:
    world.client("hq").post(
        url(world.grid_worker_a),
        {
            "full_name": "陈网格",
            "phone": "",
            "role": Role.GRID_WORKER,
            "area": world.community_b.pk,
        },
    )
    assert list(world.grid_a.staff.all()) == []
    # The grid saves again as it is (it no longer names a worker of another community).
    response = world.client("hq").post(
        reverse("areas:grid_edit", kwargs={"pk": world.grid_a.pk}),
        {"name": world.grid_a.name, "community": world.community_a.pk},
    )
    assert response.status_code == 302


def test_a_worker_moved_within_the_community_keeps_the_grid(world: World) -> None:
    world.client("hq").post(
        url(world.grid_worker_a),
        {"full_name": "陈网格", "phone": "", "role": Role.GRID_WORKER, "area": world.compound_a.pk},
    )
    assert list(world.grid_a.staff.all()) == [world.grid_worker_a]


def test_an_admin_cannot_change_their_own_role_or_area(world: World) -> None:
    """As an admin cannot disable their own account: demoting themselves or narrowing
    their own area would lock them out of the accounts they manage, with no way back."""
    client = world.client("hq")
    for role, area in ((Role.LEADER, world.subdistrict), (Role.HQ_ADMIN, world.community_a)):
        response = client.post(
            url(world.hq), {"full_name": "指挥部", "phone": "", "role": role, "area": area.pk}
        )
        assert response.status_code == 400  # the form again, as for other refusals
        assert "不能修改自己的角色或辖区" in response.content.decode()
        assert response.context["form"]["full_name"].value() == "指挥部"  # input kept
    user = User.objects.get(pk=world.hq.pk)
    assert (user.role, user.area) == (Role.HQ_ADMIN, world.subdistrict)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_an_admin_changes_their_own_name(world: World) -> None:
    response = world.client("hq").post(
        url(world.hq),
        {"full_name": "王主任", "phone": "", "role": Role.HQ_ADMIN, "area": world.subdistrict.pk},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.hq.pk).full_name == "王主任"


def test_it_refuses_a_phone_that_is_another_accounts_username(world: World) -> None:
    # An account named by a number, from before such names were refused.
    User.objects.filter(pk=world.staff_b.pk).update(username="13900000009")
    response = world.client("hq").post(
        url(world.staff_a),
        {
            "full_name": "张三",
            "phone": "13900000009",
            "role": Role.COMMUNITY_STAFF,
            "area": world.community_a.pk,
        },
    )
    assert response.status_code == 400
    assert "该手机号已是其他账号的用户名" in response.content.decode()
    assert User.objects.get(pk=world.staff_a.pk).phone != "13900000009"


def test_it_refuses_a_name_of_unseen_characters_only(world: World) -> None:
    before = world.staff_a.full_name
    response = world.client("hq").post(
        url(world.staff_a),
        {
            "full_name": "\u200b",
            "phone": "",
            "role": Role.GRID_WORKER,
            "area": world.community_a.pk,
        },
    )
    assert response.status_code == 400
    assert "姓名不能为空" in response.content.decode()
    user = User.objects.get(pk=world.staff_a.pk)
    assert (user.full_name, user.role) == (before, Role.COMMUNITY_STAFF)


def _edit(world: World, **fields) -> dict:
    return {
        "full_name": "张三",
        "phone": "",
        "role": Role.COMMUNITY_STAFF,
        "area": world.community_a.pk,
    } | fields


def test_it_offers_to_clear_a_phone_only_when_there_is_one(world: World) -> None:
    client = world.client("hq")
    assert "清除手机号" in client.get(url(world.staff_a)).content.decode()
    assert "清除手机号" not in client.get(url(world.guard_a)).content.decode()
    assert "清除手机号" not in client.get(reverse("accounts:user_create")).content.decode()


def test_it_clears_the_phone_and_the_login_by_it_stops(world: World) -> None:
    response = world.client("hq").post(url(world.staff_a), _edit(world, clear_phone="on"))
    assert response.status_code == 302
    user = User.objects.get(pk=world.staff_a.pk)
    assert (user.phone, user.phone_enc, user.phone_hash) == ("", "", "")
    assert AuditEvent.objects.get(action=AuditEvent.Action.UPDATE).detail == "清除手机号"
    page = world.client("hq").get(url(world.staff_a)).content.decode()
    assert "当前 138****0002" not in page
    login = Client().post(
        reverse("accounts:login"), {"username": "13800000002", "password": PASSWORD}
    )
    assert login.status_code == 400
    assert "用户名/手机号或密码不正确" in login.content.decode()
    by_name = Client().post(
        reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}
    )
    assert by_name.status_code == 302


def test_a_cleared_phone_can_be_bound_to_another_account(world: World) -> None:
    client = world.client("hq")
    client.post(url(world.staff_a), _edit(world, clear_phone="on"))
    response = client.post(
        url(world.staff_b),
        _edit(world, full_name="李四", phone="13800000002", area=world.community_b.pk),
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.staff_b.pk).phone == "13800000002"


def test_it_refuses_a_new_phone_and_clearing_at_once(world: World) -> None:
    response = world.client("hq").post(
        url(world.staff_a), _edit(world, phone="13900000009", clear_phone="on")
    )
    assert response.status_code == 400
    assert "请只选其中一项" in response.content.decode()
    assert User.objects.get(pk=world.staff_a.pk).phone == "13800000002"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_blank_phone_without_the_box_still_keeps_the_number(world: World) -> None:
    world.client("hq").post(url(world.staff_a), _edit(world))
    assert User.objects.get(pk=world.staff_a.pk).phone == "13800000002"


def test_a_worker_given_a_role_that_answers_for_no_grid_leaves_its_grids(world: World) -> None:
    world.client("hq").post(
        url(world.grid_worker_a),
        {"full_name": "陈网格", "phone": "", "role": Role.LEADER, "area": world.community_a.pk},
    )
    assert list(world.grid_a.staff.all()) == []


def test_a_worker_moved_to_another_community_hands_over_what_they_can_no_longer_see(
    world: World,
) -> None:
    # As a move of their compound would (docs/areas.md): nobody keeps answering for
    # what they can no longer open, and the old community sees it is unassigned.
    record = key_person(world.building_a, "王五")
    assert record.responsible == world.grid_worker_a
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    gate.staff.add(world.guard_a)
    hq = world.client("hq")
    for user in (world.grid_worker_a, world.guard_a):
        response = hq.post(
            url(user),
            {
                "full_name": user.full_name,
                "phone": "",
                "role": user.role,
                "area": world.community_b.pk,
            },
        )
        assert response.status_code == 302
    record.refresh_from_db()
    assert record.responsible is None
    assert list(gate.staff.all()) == []
    details = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).values_list("detail", flat=True)
    )
    assert details == [
        f"辖区 西城社区→八一社区；{world.guard_a}不再值守卡点“西城花园东门”",
        f"辖区 西城社区→八一社区；{world.grid_worker_a}负责的重点人员 1 人改由"
        "（未分配，待所在社区指定）负责",
    ]


def test_a_worker_given_a_wider_area_keeps_what_they_answer_for(world: World) -> None:
    record = key_person(world.building_a, "王五")
    world.client("hq").post(
        url(world.grid_worker_a),
        {
            "full_name": "陈网格",
            "phone": "",
            "role": Role.GRID_WORKER,
            "area": world.subdistrict.pk,
        },
    )
    record.refresh_from_db()
    assert record.responsible == world.grid_worker_a


def test_a_worker_given_a_role_that_does_no_follow_ups_hands_over_their_key_persons(
    world: World,
) -> None:
    # A leader reads the records but does no follow-up: left responsible, the record
    # would show a worker who never comes.
    record = key_person(world.building_a, "王五")
    hq = world.client("hq")
    response = hq.post(
        url(world.grid_worker_a),
        {"full_name": "陈网格", "phone": "", "role": Role.LEADER, "area": world.community_a.pk},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.responsible is None
    world.grid_worker_a.refresh_from_db()
    line = f"{world.grid_worker_a}负责的重点人员 1 人改由（未分配，待所在社区指定）负责"
    audit = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert audit.detail == f"角色 网格员→领导；{line}"
    assert line in hq.get(response["Location"]).content.decode()


def test_a_guard_made_community_staff_stays_on_the_roster(world: World) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    gate.staff.add(world.guard_a)
    world.client("hq").post(
        url(world.guard_a),
        {
            "full_name": "卡点",
            "phone": "",
            "role": Role.COMMUNITY_STAFF,
            "area": world.community_a.pk,
        },
    )
    assert list(gate.staff.all()) == [world.guard_a]
