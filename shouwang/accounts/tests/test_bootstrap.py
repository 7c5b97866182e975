from __future__ import annotations

import getpass
import re
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from shouwang import cli
from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.roles import Role
from shouwang.areas.models import Area


def bootstrap(**options) -> str:
    out = StringIO()
    defaults = {"district": "金水区", "subdistrict": "丰产路街道", "username": "admin"}
    call_command("bootstrap", name="王主任", stdout=out, **{**defaults, **options})
    return out.getvalue()


def test_it_creates_the_top_of_the_tree_and_an_admin_who_can_log_in(db) -> None:
    output = bootstrap()
    password = re.search(r"初始密码（只显示这一次）：(\S+)", output).group(1)
    admin = User.objects.get(username="admin")
    assert (admin.role, admin.area.name, admin.area.parent.name) == (
        Role.HQ_ADMIN,
        "丰产路街道",
        "金水区",
    )
    assert admin.is_staff
    response = Client().post(reverse("accounts:login"), {"username": "admin", "password": password})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, username="system").exists()


def test_it_reuses_existing_nodes(db) -> None:
    bootstrap()
    call_command(
        "bootstrap",
        district="金水区",
        subdistrict="丰产路街道",
        username="admin2",
        stdout=StringIO(),
    )
    assert Area.objects.count() == 2
    assert User.objects.get(username="admin2").area == User.objects.get(username="admin").area


def test_it_refuses_an_existing_username(db) -> None:
    bootstrap()
    with pytest.raises(CommandError, match="已存在"):
        bootstrap()


def test_it_refuses_a_username_the_account_form_refuses(db) -> None:
    """A quote in a username reached a confirm() in the users page's JavaScript."""
    with pytest.raises(CommandError, match="用户名只能包含"):
        call_command(
            "bootstrap",
            district="金水区",
            subdistrict="丰产路街道",
            username="x');alert(1);('",
            name="王主任",
            stdout=StringIO(),
        )
    assert not User.objects.exists()


def test_a_second_admin_for_the_same_sub_district_typed_with_a_space(db) -> None:
    bootstrap()
    bootstrap(username="admin2", subdistrict="丰产路 街道")
    assert User.objects.get(username="admin2").area == User.objects.get(username="admin").area


def test_it_refuses_a_mobile_number_as_username(db) -> None:
    with pytest.raises(CommandError, match="用户名不能是手机号"):
        bootstrap(username="13812345678")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("argv", "username"),
    [
        (["createsuperuser", "--email", "", "--username", "root", "--noinput"], "root"),
        (["createsuperuser", "--username=root", "--noinput"], "root"),
        (["createsuperuser"], "用户名"),
    ],
)
def test_djangos_createsuperuser_is_refused_with_a_pointer_to_bootstrap(
    db,
    argv: list[str],
    username: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """It made an account of no role and no area, and no audit row."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Another-secret-42")
    monkeypatch.setattr(sys, "argv", ["shouwang", *argv])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "Another-secret-42")
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert "shouwang bootstrap --district" in err
    assert f"--username {username}：" in err
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()
