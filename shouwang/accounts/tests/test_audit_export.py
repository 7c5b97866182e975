from __future__ import annotations

import io
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.personas import World

URL = reverse("accounts:audit_export")


def test_it_exports_the_filtered_log_as_xlsx_and_audits_the_export(world: World) -> None:
    Client().post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    Client().post(reverse("accounts:login"), {"username": "=cmd|'/c calc'!A1", "password": "x"})
    response = world.client("auditor").get(URL, {"action": "login_failed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "用户", "角色", "操作")
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|'/c calc'!A1"  # a typed formula is neutralised
    assert rows[1][3] == "登录失败"
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    local = timezone.localtime(event.at).replace(tzinfo=None)
    assert abs(rows[1][0] - local) < timedelta(seconds=1)  # a date-time cell, local time
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert export.user == world.auditor


def test_others_get_403(world: World) -> None:
    for persona in ("hq", "leader", "staff_a"):
        assert world.client(persona).get(URL).status_code == 403, persona
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
