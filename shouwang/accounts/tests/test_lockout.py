"""Lockout after repeated failures, per account and per source IP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import AuditEvent, LoginThrottle
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.personas import World

LOGIN = reverse("accounts:login")
LOCKED = "登录失败次数过多"


def attempt(username: str, password: str, ip: str = "10.0.0.1"):
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(username: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        attempt(username, "wrong-password", ip)


def test_it_locks_an_account_after_five_failures(world: World) -> None:
    fail("staff_a", 4, ip="10.0.0.1")
    assert attempt("staff_a", PASSWORD, "10.0.0.2").status_code == 302
    fail("staff_a", 5, ip="10.0.0.3")  # a fresh address: the account's own count
    response = attempt("staff_a", PASSWORD, "10.0.0.2")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_it_counts_the_phone_and_the_username_as_one_account(world: World) -> None:
    fail("staff_a", 3, ip="10.0.0.1")
    fail("13800000002", 2, ip="10.0.0.3")
    assert LOCKED in attempt("staff_a", PASSWORD, "10.0.0.4").content.decode()


def test_it_audits_the_lockout(world: World) -> None:
    fail("staff_a", 5)
    lock = AuditEvent.objects.get(action=AuditEvent.Action.LOCKED_OUT)
    assert lock.user == world.staff_a
    attempt("staff_a", PASSWORD, "10.0.0.9")
    refused = AuditEvent.objects.filter(result=AuditEvent.Result.DENIED).get()
    assert refused.detail == "账号或IP已锁定"


def test_it_locks_an_ip_after_thirty_failures_across_accounts(world: World) -> None:
    for n in range(29):
        fail(f"a{n}", 1, ip="10.7.7.7")
    assert attempt("staff_b", PASSWORD, "10.7.7.7").status_code == 302
    fail("a29", 1, ip="10.7.7.7")
    assert LOCKED in attempt("staff_b", PASSWORD, "10.7.7.7").content.decode()
    assert attempt("staff_b", PASSWORD, "10.7.7.8").status_code == 302


def test_it_reads_the_limits_from_settings(world: World, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    fail("staff_a", 2)
    assert LOCKED in attempt("staff_a", PASSWORD, "10.0.0.5").content.decode()
    for n in range(2):
        fail(f"x{n}", 1, ip="10.0.0.6")
    assert attempt("staff_b", PASSWORD, "10.0.0.6").status_code == 302
    fail("x2", 1, ip="10.0.0.6")
    assert LOCKED in attempt("staff_b", PASSWORD, "10.0.0.6").content.decode()


def test_it_unlocks_after_the_window(world: World) -> None:
    fail("staff_a", 5)
    assert LoginThrottle.objects.locked([f"user:{world.staff_a.pk}"]).exists()
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert attempt("staff_a", PASSWORD, "10.0.0.2").status_code == 302


def test_it_forgets_failures_older_than_the_window(world: World, settings) -> None:
    fail("staff_a", 4)
    LoginThrottle.objects.update(
        updated_at=timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    )
    fail("staff_a", 1)
    assert attempt("staff_a", PASSWORD, "10.0.0.2").status_code == 302


@pytest.mark.parametrize("username", ["staff_a", "13800000002"])
def test_it_clears_the_account_count_on_success(world: World, username: str) -> None:
    fail("staff_a", 4, ip="10.0.0.1")
    assert attempt(username, PASSWORD, "10.0.0.2").status_code == 302
    fail("staff_a", 4, ip="10.0.0.3")
    assert attempt("staff_a", PASSWORD, "10.0.0.4").status_code == 302


def test_the_failure_that_locks_says_so(world: World, settings) -> None:
    fail("staff_a", 3)
    fourth = attempt("staff_a", "wrong-password").content.decode()
    assert "已锁定" not in fourth
    fifth = attempt("staff_a", "wrong-password").content.decode()
    assert "用户名/手机号或密码不正确" in fifth
    assert f"已锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟" in fifth


def test_an_unregistered_phone_typed_to_log_in_is_kept_masked(world: World) -> None:
    # A staff member trying the phone no account holds: the audit log is append-only
    # and read by auditors, the throttle table is a plain table; neither keeps the
    # number in clear, as no account's phone is kept in clear.
    fail("139 1234 5678", 5)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).get()
    assert event.username == "139****5678"
    keys = " ".join(LoginThrottle.objects.values_list("key", flat=True))
    assert "13912345678" not in keys
    assert "1234" not in keys
    assert LOCKED in attempt("13912345678", "wrong-password", "10.0.0.9").content.decode()
    auditor = Client()
    auditor.force_login(world.auditor)
    assert "13912345678" not in auditor.get(reverse("accounts:audit")).content.decode()
