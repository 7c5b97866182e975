"""Logging in: by username or phone, session rotation, audit rows, safe redirects."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.tests.factories import PASSWORD, UserFactory
from shouwang.core.tests.personas import World

LOGIN = reverse("accounts:login")


def post_login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_it_shows_the_login_page_in_chinese(client: Client, world: World) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "用户名或手机号" in response.content.decode()


def test_it_logs_in_by_username(client: Client, world: World) -> None:
    response = post_login(client, "staff_a")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).context["user"] == world.staff_a


def test_it_logs_in_by_phone(client: Client, world: World) -> None:
    response = post_login(client, "13800000002")
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["user"] == world.staff_a


@pytest.mark.parametrize(
    "typed",
    [
        "１３８０００００００２",
        "138 0000 0002",
        "138-0000-0002",
        "+86 138 0000 0002",
        "8613800000002",
        "0086 13800000002",
    ],
)
def test_it_logs_in_by_phone_typed_as_the_account_form_takes_it(
    client: Client, world: World, typed: str
) -> None:
    """Full-width digits (a Chinese IME), spaces, dashes and the country code: the user
    form stores the number from them, so the login finds it from them too."""
    response = post_login(client, typed)
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["user"] == world.staff_a


def test_a_phone_typed_oddly_counts_against_its_account(client: Client, world: World) -> None:
    post_login(client, "138 0000 0002", "not-the-password")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.user == world.staff_a


def test_it_refuses_a_wrong_password(client: Client, world: World) -> None:
    response = post_login(client, "staff_a", "not-the-password")
    assert response.status_code == 400
    assert "用户名/手机号或密码不正确" in response.content.decode()
    assert not client.get(reverse("core:home")).wsgi_request.user.is_authenticated


def test_it_refuses_an_empty_form_in_chinese(client: Client, world: World) -> None:
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 400
    assert "此项必填" in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_it_rotates_the_session_key(client: Client, world: World) -> None:
    session = client.session
    session["before_login"] = "x"
    session.save()
    old_key = session.session_key
    post_login(client, "staff_a")
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()


def test_it_audits_a_successful_login(client: Client, world: World) -> None:
    post_login(client, "staff_a", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.user == world.staff_a
    assert event.role == "community_staff"
    assert event.area == world.community_a
    assert event.ip == "10.1.2.3"
    assert event.result == AuditEvent.Result.OK


def test_it_audits_a_failed_login_of_a_known_account(client: Client, world: World) -> None:
    post_login(client, "13800000002", "wrong-password")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.user == world.staff_a
    assert event.area == world.community_a
    assert event.result == AuditEvent.Result.FAILED


def test_it_audits_a_failed_login_of_an_unknown_name(client: Client, world: World) -> None:
    post_login(client, "nobody", "wrong-password")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.user is None
    assert event.username == "nobody"
    assert event.area is None


def test_it_follows_a_local_next(client: Client, world: World) -> None:
    response = client.post(f"{LOGIN}?next=/areas/", {"username": "staff_a", "password": PASSWORD})
    assert response["Location"] == "/areas/"


def test_a_next_pointing_at_sign_out_leads_home(client: Client, world: World) -> None:
    # A session that ended on the sign-out page: a GET there would be a 405.
    response = post_login(client, "staff_a", QUERY_STRING=f"next={reverse('accounts:logout')}")
    assert response["Location"] == reverse("core:home")


def test_it_refuses_an_offsite_next(client: Client, world: World) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = Client().post(
            f"{LOGIN}?next={target}", {"username": "staff_a", "password": PASSWORD}
        )
        assert response["Location"] == reverse("core:home"), target


def test_it_sends_a_signed_in_user_home(world: World) -> None:
    response = world.client("staff_a").get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_it_uses_the_proxys_address_behind_a_proxy(client: Client, world: World, settings) -> None:
    settings.BEHIND_PROXY = True
    post_login(
        client,
        "staff_a",
        "wrong",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 10.9.8.7",
    )
    assert AuditEvent.objects.get().ip == "10.9.8.7"


def test_it_ignores_a_forged_address(client: Client, world: World, settings) -> None:
    settings.BEHIND_PROXY = True
    post_login(client, "staff_a", "wrong", HTTP_X_FORWARDED_FOR="not-an-address")
    assert AuditEvent.objects.get().ip is None


def test_a_phone_keyboard_does_not_capitalize_the_username(client: Client, world: World) -> None:
    page = client.get(LOGIN).content.decode()
    assert 'autocapitalize="none"' in page
    assert 'autocomplete="username"' in page


def test_it_logs_in_by_username_typed_in_another_letter_case(client: Client, world: World) -> None:
    response = post_login(client, "Staff_A")
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["user"] == world.staff_a
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).user == world.staff_a


def test_a_wrong_password_under_another_letter_case_counts_against_the_account(
    client: Client, world: World
) -> None:
    post_login(client, "STAFF_A", "not-the-password")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert (event.user, event.username) == (world.staff_a, "staff_a")


def test_two_older_accounts_differing_by_case_are_only_found_exactly(
    client: Client, world: World
) -> None:
    twin = UserFactory(username="Staff_a", area=world.community_a)
    assert post_login(client, "STAFF_A").status_code == 400
    post_login(client, "Staff_a")
    assert client.get(reverse("core:home")).context["user"] == twin
