"""A disabled account signing in with its own password is told it is disabled, not
that the password is wrong: an administrator resetting the password would not help."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.personas import World

LOGIN = reverse("accounts:login")


def disable(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def test_the_right_password_of_a_disabled_account_says_it_is_disabled(
    client: Client, world: World
) -> None:
    disable(world.staff_a)
    response = client.post(LOGIN, {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 400
    page = response.content.decode()
    assert "该账号已停用，请联系指挥部管理员" in page
    assert "密码不正确" not in page
    assert not client.get(reverse("core:home")).wsgi_request.user.is_authenticated
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert (event.user, event.detail) == (world.staff_a, "账号已停用")


def test_the_phone_of_a_disabled_account_says_it_too(client: Client, world: World) -> None:
    disable(world.staff_a)
    response = client.post(LOGIN, {"username": "13800000002", "password": PASSWORD})
    assert "该账号已停用" in response.content.decode()


def test_a_wrong_password_does_not_tell_that_an_account_is_disabled(
    client: Client, world: World
) -> None:
    disable(world.staff_a)
    response = client.post(LOGIN, {"username": "staff_a", "password": "not-the-password"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "用户名/手机号或密码不正确" in page
    assert "停用" not in page


def test_a_reset_password_of_a_disabled_account_says_it_is_disabled(world: World) -> None:
    hq = world.client("hq")
    hq.post(reverse("accounts:user_toggle_active", kwargs={"pk": world.staff_a.pk}))
    response = hq.post(reverse("accounts:user_reset_password", kwargs={"pk": world.staff_a.pk}))
    password = response.context["password"]
    answer = Client().post(LOGIN, {"username": "staff_a", "password": password})
    assert "该账号已停用，请联系指挥部管理员" in answer.content.decode()
