"""HQ creates accounts in its subtree; the initial password is random and shown once."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from shouwang.accounts import actions
from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.areas.tests.factories import child
from shouwang.core.tests.personas import World

URL = reverse("accounts:user_create")


def form(world: World, **overrides) -> dict:
    return {
        "username": "wang_wu",
        "full_name": "王五",
        "phone": "139 1234 5678",
        "role": Role.GRID_WORKER,
        "area": world.community_a.pk,
        **overrides,
    }


def shown_password(response) -> str:
    match = re.search(r'<p class="secret">([^<]+)</p>', response.content.decode())
    assert match, "the page shows the password"
    return match.group(1)


def test_it_shows_the_form(world: World) -> None:
    response = world.client("hq").get(URL)
    assert response.status_code == 200
    assert "新建账号" in response.content.decode()


def test_it_creates_an_account_with_a_printed_random_password(world: World) -> None:
    response = world.client("hq").post(URL, form(world))
    assert response.status_code == 200
    password = shown_password(response)
    user = User.objects.get(username="wang_wu")
    assert (user.full_name, user.role, user.area) == ("王五", Role.GRID_WORKER, world.community_a)
    assert user.phone == "13912345678"
    assert user.check_password(password)
    password_validation.validate_password(password, user)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert (event.user, event.object_id) == (world.hq, str(user.pk))


def test_the_new_account_can_log_in_with_the_printed_password(world: World) -> None:
    password = shown_password(world.client("hq").post(URL, form(world)))
    response = Client().post(
        reverse("accounts:login"), {"username": "13912345678", "password": password}
    )
    assert response.status_code == 302


def test_it_gives_two_accounts_different_passwords(world: World) -> None:
    client = world.client("hq")
    first = shown_password(client.post(URL, form(world)))
    second = shown_password(client.post(URL, form(world, username="zhao_liu", phone="")))
    assert first != second


def test_it_refuses_a_taken_username(world: World) -> None:
    response = world.client("hq").post(URL, form(world, username="staff_b"))
    assert response.status_code == 400
    assert "已被使用" in response.content.decode()
    assert User.objects.filter(username="staff_b").count() == 1


def test_it_refuses_a_taken_phone(world: World) -> None:
    response = world.client("hq").post(URL, form(world, phone="13800000002"))
    assert "该手机号已绑定其他账号" in response.content.decode()
    assert not User.objects.filter(username="wang_wu").exists()


def test_it_refuses_a_malformed_phone(world: World) -> None:
    response = world.client("hq").post(URL, form(world, phone="12345"))
    assert "手机号应为11位" in response.content.decode()
    assert not User.objects.filter(username="wang_wu").exists()


def test_it_cannot_create_an_account_outside_its_subtree(world: World) -> None:
    other = child(world.district, "东区街道")
    response = world.client("hq").post(URL, form(world, area=other.pk))
    assert response.status_code == 400
    assert not User.objects.filter(username="wang_wu").exists()
    with pytest.raises(ValidationError):
        actions.create_user(
            by=world.hq, username="wang_wu", full_name="王五", role=Role.LEADER, area=other
        )


def test_it_applies_the_password_policy_to_a_chosen_password(world: World) -> None:
    for weak in ("short", "password123", "12345678901234"):
        with pytest.raises(ValidationError):
            actions.create_user(
                by=world.hq,
                username="wang_wu",
                full_name="王五",
                role=Role.LEADER,
                area=world.subdistrict,
                password=weak,
            )
    assert not User.objects.filter(username="wang_wu").exists()


def test_community_staff_cannot_create_accounts(world: World) -> None:
    response = world.client("staff_a").post(URL, form(world))
    assert response.status_code == 403
    assert not User.objects.filter(username="wang_wu").exists()
    denial = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
    assert denial.user == world.staff_a
    assert "accounts.manage" in denial.detail


def test_it_refuses_a_mobile_number_as_username(world: World) -> None:
    # As a username, 13800000002 would take over the phone login of staff_a, whose number it is.
    for username in ("13800000002", "13912345678"):
        response = world.client("hq").post(URL, form(world, username=username, phone=""))
        assert response.status_code == 400
        assert "用户名不能是手机号" in response.content.decode()
        assert not User.objects.filter(username=username).exists()
    response = Client().post(
        reverse("accounts:login"), {"username": "13800000002", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_it_refuses_a_username_taken_in_other_letter_case(world: World) -> None:
    response = world.client("hq").post(URL, form(world, username="Staff_B"))
    assert response.status_code == 400
    assert "已被使用" in response.content.decode()
    assert not User.objects.filter(username="Staff_B").exists()


def test_it_refuses_a_name_of_unseen_characters_only(world: World) -> None:
    response = world.client("hq").post(URL, form(world, full_name="\u200b\u200d"))
    assert response.status_code == 400
    assert "姓名不能为空" in response.content.decode()
    assert not User.objects.filter(username="wang_wu").exists()


def test_it_keeps_the_name_without_unseen_characters(world: World) -> None:
    response = world.client("hq").post(URL, form(world, full_name="王\u200b五\ufeff"))
    assert response.status_code == 200
    assert User.objects.get(username="wang_wu").full_name == "王五"
