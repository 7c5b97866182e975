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
    assert "用户名/手机号或密码不正确" in login.content.decode()
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
