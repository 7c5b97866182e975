"""An HQ admin manages the accounts below their own level, not another admin's at the
same level: one who could reset a peer's password would sign in as the peer and act
under their name. A peer admin's password, status, role and area are managed from the
level above, by a superuser, or on the server (shouwang resetpassword); every refusal
is audited. The auditor's account is not HQ's to create either: HQ would know its first
password and could sign in before the auditor does."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.accounts.tests.test_user_create import URL as CREATE_URL
from shouwang.accounts.tests.test_user_create import form
from shouwang.core.tests.personas import World

PEER_REFUSED = "不能管理同级或上级的指挥部管理员账号"


def _peer(world: World) -> User:
    return UserFactory(username="hq2", role=Role.HQ_ADMIN, area=world.subdistrict)


def _denied() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.DENIED))


def test_an_admin_cannot_reset_a_peer_admins_password(world: World) -> None:
    peer = _peer(world)
    before = User.objects.get(pk=peer.pk).password
    url = reverse("accounts:user_reset_password", kwargs={"pk": peer.pk})
    response = world.client("hq").post(url, follow=True)
    assert PEER_REFUSED in response.content.decode()
    assert "shouwang resetpassword" in response.content.decode()
    assert User.objects.get(pk=peer.pk).password == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD).exists()
    (event,) = _denied()
    assert (event.user, event.object_id, event.result) == (
        world.hq,
        str(peer.pk),
        AuditEvent.Result.DENIED,
    )
    assert event.detail.startswith("重置密码：")


def test_an_admin_cannot_disable_demote_or_move_a_peer_admin(world: World) -> None:
    peer = _peer(world)
    client = world.client("hq")
    url = reverse("accounts:user_toggle_active", kwargs={"pk": peer.pk})
    assert PEER_REFUSED in client.post(url, follow=True).content.decode()
    edit = reverse("accounts:user_edit", kwargs={"pk": peer.pk})
    data = {"full_name": peer.full_name, "role": Role.LEADER, "area": world.subdistrict.pk}
    response = client.post(edit, data)
    assert response.status_code == 400
    assert PEER_REFUSED in response.content.decode()
    peer.refresh_from_db()
    assert (peer.is_active, peer.role) == (True, Role.HQ_ADMIN)
    assert len(_denied()) == 2
    # The name is still HQ's to correct.
    data["role"] = Role.HQ_ADMIN
    data["full_name"] = "钱指挥"
    assert client.post(edit, data).status_code == 302


def test_the_list_offers_no_reset_or_disable_for_a_peer_admin(world: World) -> None:
    peer = _peer(world)
    page = world.client("hq").get(reverse("accounts:users")).content.decode()
    assert reverse("accounts:user_reset_password", kwargs={"pk": peer.pk}) not in page
    assert reverse("accounts:user_toggle_active", kwargs={"pk": peer.pk}) not in page


def test_an_admin_above_resets_the_password_of_an_admin_below(world: World) -> None:
    above = UserFactory(username="district", role=Role.HQ_ADMIN, area=world.subdistrict.parent)
    below = UserFactory(username="hq_a", role=Role.HQ_ADMIN, area=world.community_a)
    url = reverse("accounts:user_reset_password", kwargs={"pk": below.pk})
    assert world.client("hq").post(url).status_code == 200
    assert User.objects.get(pk=below.pk).password_temporary
    client = Client()
    client.force_login(above)
    url = reverse("accounts:user_reset_password", kwargs={"pk": world.hq.pk})
    assert client.post(url).status_code == 200


def test_a_superuser_resets_a_peer_admins_password(world: World) -> None:
    peer = _peer(world)
    User.objects.filter(pk=world.hq.pk).update(is_superuser=True)
    url = reverse("accounts:user_reset_password", kwargs={"pk": peer.pk})
    assert world.client("hq").post(url).status_code == 200


def test_hq_cannot_create_an_auditor(world: World) -> None:
    response = world.client("hq").post(CREATE_URL, form(world, role=Role.AUDITOR))
    assert response.status_code == 400
    page = response.content.decode()
    assert "审计员账号不能由指挥部管理员新建" in page
    assert "shouwang bootstrap" in page
    assert not User.objects.filter(username="wang_wu").exists()
    (event,) = _denied()
    assert event.detail.startswith("新建账号：")


def test_the_server_creates_an_auditor_who_sets_their_own_password(world: World) -> None:
    out = StringIO()
    call_command(
        "bootstrap",
        district=world.subdistrict.parent.name,
        subdistrict=world.subdistrict.name,
        username="shenji",
        name="孙审计",
        role=Role.AUDITOR,
        stdout=out,
    )
    auditor = User.objects.get(username="shenji")
    assert (auditor.role, auditor.area, auditor.is_staff) == (
        Role.AUDITOR,
        world.subdistrict,
        False,
    )
    assert auditor.password_temporary
    password = re.search(r"初始密码（只显示这一次）：(\S+)", out.getvalue()).group(1)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "shenji", "password": password})
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("accounts:password_change")


def test_hq_cannot_create_a_peer_admin_but_one_below(world: World) -> None:
    client = world.client("hq")
    data = form(world, role=Role.HQ_ADMIN, area=world.subdistrict.pk)
    response = client.post(CREATE_URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "不能新建与自己同级的指挥部管理员账号" in page
    assert "shouwang bootstrap" in page
    assert not User.objects.filter(username="wang_wu").exists()
    (event,) = _denied()
    assert event.detail.startswith("新建账号：")
    response = client.post(CREATE_URL, form(world, role=Role.HQ_ADMIN))  # community A
    assert response.status_code == 200
    assert User.objects.get(username="wang_wu").password_temporary


def test_a_second_admin_from_the_server_changes_the_printed_password(world: World) -> None:
    call_command(
        "bootstrap",
        district=world.subdistrict.parent.name,
        subdistrict=world.subdistrict.name,
        username="hq2",
        stdout=StringIO(),
    )
    assert User.objects.get(username="hq2").password_temporary


def test_hq_cannot_make_an_account_a_peer_admin(world: World) -> None:
    # A reset leader's password is known to HQ until changed: promoted to a peer admin,
    # the account would be one HQ can sign in as.
    edit = reverse("accounts:user_edit", kwargs={"pk": world.leader.pk})
    data = {"full_name": "李书记", "role": Role.HQ_ADMIN, "area": world.subdistrict.pk}
    response = world.client("hq").post(edit, data)
    assert response.status_code == 400
    assert "不能把账号改为与自己同级的指挥部管理员" in response.content.decode()
    assert User.objects.get(pk=world.leader.pk).role == Role.LEADER
    (event,) = _denied()
    assert event.detail.startswith("修改角色或辖区：")
    data["area"] = world.community_a.pk  # an admin below is HQ's to make
    assert world.client("hq").post(edit, data).status_code == 302
