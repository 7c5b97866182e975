"""A password an administrator sets (a new account, a reset) is known to them: the user
changes it at the first sign-in before anything else."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import User
from shouwang.accounts.tests.test_user_create import URL as CREATE_URL
from shouwang.accounts.tests.test_user_create import form, shown_password
from shouwang.core.tests.personas import World

CHANGE = reverse("accounts:password_change")
NEW = "Qing-shan-2020"


def _signed_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client


def _must_change_then_may_work(client: Client, password: str) -> None:
    response = client.get(reverse("core:home"))
    assert (response.status_code, response["Location"]) == (302, CHANGE)
    page = client.get(CHANGE).content.decode()
    assert "您的密码是管理员设置的临时密码，请先改为只有您自己知道的密码" in page
    assert (
        client.post(
            CHANGE, {"old_password": password, "new_password1": NEW, "new_password2": NEW}
        ).status_code
        == 302
    )
    assert client.get(reverse("core:home")).status_code == 200


def test_a_new_account_changes_the_password_hq_printed_before_anything_else(world: World):
    password = shown_password(world.client("hq").post(CREATE_URL, form(world)))
    client = _signed_in("wang_wu", password)
    _must_change_then_may_work(client, password)
    assert not User.objects.get(username="wang_wu").password_temporary


def test_a_reset_password_is_changed_at_the_next_sign_in(world: World):
    reset = reverse("accounts:user_reset_password", kwargs={"pk": world.staff_a.pk})
    password = shown_password(world.client("hq").post(reset))
    _must_change_then_may_work(_signed_in("staff_a", password), password)


def test_the_first_administrator_from_the_console_is_not_sent_to_change(world: World):
    # `shouwang bootstrap` prints the password to whoever runs the server: no one else.
    from shouwang.accounts import actions

    user, password = actions.create_user(
        by=None, username="admin", full_name="管理员", role="hq_admin", area=world.subdistrict
    )
    assert not user.password_temporary
    assert _signed_in("admin", password).get(reverse("core:home")).status_code == 200
