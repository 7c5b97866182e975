"""Changing one's own password, under the password policy."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.personas import World

URL = reverse("accounts:password_change")


def change(client: Client, new: str):
    return client.post(URL, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})


def test_it_changes_the_password_and_keeps_the_session(world: World) -> None:
    client = world.client("staff_a")
    response = change(client, "Qing-shan-2020-lv")
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    world.staff_a.refresh_from_db()
    assert world.staff_a.check_password("Qing-shan-2020-lv")
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD)
    assert event.user == world.staff_a
    assert event.detail == "修改密码"


def test_it_refuses_a_short_password(world: World) -> None:
    response = change(world.client("staff_a"), "Ab3$xk")
    assert response.status_code == 400
    assert "密码太短" in response.content.decode()
    world.staff_a.refresh_from_db()
    assert world.staff_a.check_password(PASSWORD)


def test_it_refuses_a_common_password(world: World) -> None:
    response = change(world.client("staff_a"), "password123")
    assert response.status_code == 400
    assert "这个密码太常见了" in response.content.decode()
    world.staff_a.refresh_from_db()
    assert world.staff_a.check_password(PASSWORD)


def test_it_refuses_a_wrong_old_password(world: World) -> None:
    response = world.client("staff_a").post(
        URL,
        {
            "old_password": "nope",
            "new_password1": "Qing-shan-2020",
            "new_password2": "Qing-shan-2020",
        },
    )
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD).exists()


def test_it_reads_the_minimum_length_from_settings(world: World, settings) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "shouwang.accounts.passwords.MinimumLengthValidator",
            "OPTIONS": {"min_length": 20},
        }
    ]
    response = change(world.client("staff_a"), "Qing-shan-2020-lv")
    assert response.status_code == 400
    assert "密码太短" in response.content.decode()
