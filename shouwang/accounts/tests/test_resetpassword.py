"""The recovery route when nobody above can reset a password: ``shouwang resetpassword``
on the server prints a temporary password once and records it in the audit log."""

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
from shouwang.core.tests.personas import World


def test_it_prints_a_temporary_password_and_audits_the_reset(world: World) -> None:
    out = StringIO()
    call_command("resetpassword", "auditor", stdout=out)
    password = re.search(r"临时密码（只显示这一次）：(\S+)", out.getvalue()).group(1)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "auditor", "password": password})
    assert response.status_code == 302
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("accounts:password_change")
    (event,) = AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD)
    auditor = User.objects.get(username="auditor")
    assert (event.username, event.user, event.object_id) == ("system", None, str(auditor.pk))


def test_an_unknown_user_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="用户名“nobody”不存在"):
        call_command("resetpassword", "nobody", stdout=StringIO())
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD).exists()


def test_djangos_changepassword_is_refused_with_a_pointer_to_resetpassword(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    auditor = User.objects.get(username="auditor")
    before = auditor.password
    monkeypatch.setattr(sys, "argv", ["shouwang", "changepassword", "auditor"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "Another-secret-42")
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code != 0
    assert "shouwang resetpassword auditor" in capsys.readouterr().err
    auditor.refresh_from_db()
    assert auditor.password == before
