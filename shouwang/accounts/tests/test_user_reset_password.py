from __future__ import annotations

from django.contrib.auth import password_validation
from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent, LoginThrottle, User
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.accounts.tests.test_user_create import shown_password
from shouwang.core.tests.personas import World


def url(user: User) -> str:
    return reverse("accounts:user_reset_password", kwargs={"pk": user.pk})


def log_in(username: str, password: str) -> int:
    return (
        Client()
        .post(reverse("accounts:login"), {"username": username, "password": password})
        .status_code
    )


def test_it_sets_a_new_random_password_shown_once(world: World) -> None:
    response = world.client("hq").post(url(world.staff_a))
    assert response.status_code == 200
    password = shown_password(response)
    password_validation.validate_password(password, world.staff_a)  # the policy holds
    assert log_in("staff_a", PASSWORD) == 400
    assert log_in("staff_a", password) == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD)
    assert (event.user, event.object_id, event.detail) == (
        world.hq,
        str(world.staff_a.pk),
        "重置密码",
    )


def test_it_lifts_the_accounts_lock(world: World) -> None:
    for n in range(5):
        Client().post(
            reverse("accounts:login"),
            {"username": "staff_a", "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{n}",
        )
    assert LoginThrottle.objects.locked([f"user:{world.staff_a.pk}"]).exists()
    password = shown_password(world.client("hq").post(url(world.staff_a)))
    assert log_in("staff_a", password) == 302


def test_it_refuses_a_get(world: World) -> None:
    assert world.client("hq").get(url(world.staff_a)).status_code == 405


def test_its_confirmation_keeps_the_username_out_of_the_script(world: World) -> None:
    body = world.client("hq").get(reverse("accounts:users")).content.decode()
    assert 'data-confirm="确定重置 staff_a 的密码？"' in body
    assert "onsubmit" not in body  # shouwang/app.js asks, from the data attribute
    assert "confirm('确定重置" not in body


def test_an_admin_cannot_reset_their_own_password(world: World) -> None:
    client = world.client("hq")
    before = User.objects.get(pk=world.hq.pk).password
    response = client.post(url(world.hq), follow=True)
    assert response.redirect_chain == [(reverse("accounts:users"), 302)]
    assert "不能重置自己的密码" in response.content.decode()
    assert User.objects.get(pk=world.hq.pk).password == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD).exists()
    assert client.get(reverse("accounts:users")).status_code == 200  # still signed in


def test_the_accounts_list_finds_an_account_by_its_mobile(world: World) -> None:
    body = (
        world.client("hq")
        .get(reverse("accounts:users"), {"q": "138 0000 0002"}, headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "staff_a" in body
    assert "staff_b" not in body
