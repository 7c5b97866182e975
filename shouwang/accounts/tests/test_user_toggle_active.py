from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.personas import World


def url(user: User) -> str:
    return reverse("accounts:user_toggle_active", kwargs={"pk": user.pk})


def test_it_disables_an_account_which_then_cannot_log_in(world: World) -> None:
    response = world.client("hq").post(url(world.staff_a))
    assert response.status_code == 302
    assert not User.objects.get(pk=world.staff_a.pk).is_active
    login = Client().post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert login.status_code == 400
    assert "该账号已停用，请联系指挥部管理员" in login.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.STATUS)
    assert (event.user, event.object_id, event.detail) == (world.hq, str(world.staff_a.pk), "停用")


def test_it_ends_the_disabled_users_open_session(world: World) -> None:
    session = world.client("staff_a")
    assert session.get(reverse("core:home")).status_code == 200
    world.client("hq").post(url(world.staff_a))
    assert session.get(reverse("core:home")).status_code == 302


def test_it_enables_a_disabled_account_again(world: World) -> None:
    client = world.client("hq")
    client.post(url(world.staff_a))
    client.post(url(world.staff_a))
    assert User.objects.get(pk=world.staff_a.pk).is_active


def test_an_admin_cannot_disable_itself(world: World) -> None:
    client = world.client("hq")
    response = client.post(url(world.hq), follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    assert User.objects.get(pk=world.hq.pk).is_active


def test_it_refuses_a_get(world: World) -> None:
    assert world.client("hq").get(url(world.staff_a)).status_code == 405


def test_disabling_hands_over_key_persons_to_the_grids_next_worker(world: World) -> None:
    from shouwang.accounts.roles import Role
    from shouwang.accounts.tests.factories import UserFactory
    from shouwang.watch.models import KeyPersonEvent
    from shouwang.watch.tests.factories import key_person

    record = key_person(world.building_a, "王五")
    assert record.responsible == world.grid_worker_a
    colleague = UserFactory(
        username="grid_a2", full_name="李四", role=Role.GRID_WORKER, area=world.community_a
    )
    world.grid_a.staff.add(colleague)
    client = world.client("hq")
    response = client.post(url(world.grid_worker_a))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.responsible == colleague
    world.grid_worker_a.refresh_from_db()
    line = f"{world.grid_worker_a}负责的重点人员 1 人改由{colleague}负责"
    event = KeyPersonEvent.objects.get(key_person=record, kind=KeyPersonEvent.Kind.ASSIGNED)
    assert event.note == f"辖区调整：{world.grid_worker_a} → {colleague}"
    assert event.by == world.hq
    audit = AuditEvent.objects.get(action=AuditEvent.Action.STATUS)
    assert audit.detail == f"停用；{line}"
    shown = client.get(response["Location"]).content.decode()
    assert line in shown


def test_disabling_takes_the_user_off_checkpoint_rosters(world: World) -> None:
    from shouwang.checkpoints.tests.factories import make_checkpoint

    post = make_checkpoint(world.compound_a, "西城花园东门")
    post.staff.add(world.guard_a)
    client = world.client("hq")
    response = client.post(url(world.guard_a))
    assert list(post.staff.all()) == []
    world.guard_a.refresh_from_db()
    shown = client.get(response["Location"]).content.decode()
    assert f"{world.guard_a}不再值守卡点“西城花园东门”" in shown


def test_disabling_with_nobody_to_take_over_leaves_the_record_unassigned(world: World) -> None:
    from shouwang.watch.tests.factories import key_person

    record = key_person(world.building_a, "王五")
    response = world.client("hq").post(url(world.grid_worker_a), follow=True)
    record.refresh_from_db()
    assert record.responsible is None
    # The record stays in its community, which assigns it: no "new community" here.
    world.grid_worker_a.refresh_from_db()
    line = f"{world.grid_worker_a}负责的重点人员 1 人改由（未分配，待所在社区指定）负责"
    assert line in response.content.decode()
    # Enabling again hands nothing back: the record stays with whoever took it up.
    world.client("hq").post(url(world.grid_worker_a))
    record.refresh_from_db()
    assert record.responsible is None
