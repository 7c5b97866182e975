"""An audit export holds at most ``AuditEvent.EXPORT_LIMIT`` rows (100,000): a larger
filtered set is refused with a 400 on the log page asking to narrow the dates, nothing
exported and nothing cut off in silence; the log page says so before the export is
tried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.tests.personas import World

EXPORT = reverse("accounts:audit_export")
LOG = reverse("accounts:audit")


@pytest.fixture
def five_failures(world: World, monkeypatch) -> World:
    monkeypatch.setattr(AuditEvent, "EXPORT_LIMIT", 3)
    for n in range(5):
        audit.record(action=AuditEvent.Action.LOGIN_FAILED, username=f"guess{n}")
    return world


def test_an_export_over_the_limit_is_refused_asking_to_narrow_the_dates(five_failures) -> None:
    response = five_failures.client("auditor").get(EXPORT, {"action": "login_failed"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "未导出：筛选结果共 5 条，超过导出上限 3 条。请缩小起止日期范围" in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_log_page_warns_before_the_export(five_failures) -> None:
    client = five_failures.client("auditor")
    response = client.get(LOG, {"action": "login_failed"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "筛选结果共 5 条，超过导出上限 3 条" in page
    assert "未导出" not in page
    fragment = client.get(LOG, {"action": "login_failed"}, headers={"HX-Request": "true"})
    assert "超过导出上限 3 条" in fragment.content.decode()


def test_under_the_limit_the_page_says_nothing(world: World) -> None:
    for n in range(2):
        audit.record(action=AuditEvent.Action.LOGIN_FAILED, username=f"guess{n}")
    page = world.client("auditor").get(LOG).content.decode()
    assert "超过导出上限" not in page


def test_a_narrower_filter_exports_every_row(five_failures) -> None:
    client = five_failures.client("auditor")
    page = client.get(LOG, {"action": "login_failed", "q": "guess1"}).content.decode()
    assert "超过导出上限" not in page
    response = client.get(EXPORT, {"action": "login_failed", "q": "guess1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.get(EXPORT, {"end": yesterday}).status_code == 200


def test_exactly_the_limit_exports(five_failures, monkeypatch) -> None:
    monkeypatch.setattr(AuditEvent, "EXPORT_LIMIT", 5)
    response = five_failures.client("auditor").get(EXPORT, {"action": "login_failed"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1
