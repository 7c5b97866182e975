"""``shouwang check --deploy`` warns when ALLOWED_HOSTS or SHOUWANG_PUBLIC_URL still
name only this machine (their defaults) with DEBUG off."""

from __future__ import annotations

import pytest
from django.core import checks
from django.test import override_settings

LOCAL_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PUBLIC = "https://fk.example.gov.cn"


def deploy_warnings() -> dict[str, checks.CheckMessage]:
    return {
        m.id: m
        for m in checks.run_checks(include_deployment_checks=True)
        if m.id.startswith("shouwang.")
    }


@override_settings(DEBUG=False, ALLOWED_HOSTS=LOCAL_HOSTS, SHOUWANG_PUBLIC_URL=PUBLIC)
def test_local_allowed_hosts_are_warned_of() -> None:
    warning = deploy_warnings()["shouwang.W001"]
    assert warning.level == checks.WARNING
    assert "ALLOWED_HOSTS" in warning.msg
    assert "ALLOWED_HOSTS=" in warning.hint


@pytest.mark.parametrize("public_url", ["", "http://127.0.0.1:8000", "http://localhost"])
@override_settings(DEBUG=False, ALLOWED_HOSTS=["fk.example.gov.cn"])
def test_a_local_or_missing_public_url_is_warned_of(settings, public_url: str) -> None:
    settings.SHOUWANG_PUBLIC_URL = public_url
    warning = deploy_warnings()["shouwang.W002"]
    assert "SHOUWANG_PUBLIC_URL" in warning.msg
    assert "SHOUWANG_PUBLIC_URL=" in warning.hint


@override_settings(
    DEBUG=False, ALLOWED_HOSTS=["fk.example.gov.cn", "localhost"], SHOUWANG_PUBLIC_URL=PUBLIC
)
def test_a_real_host_and_public_url_are_clean() -> None:
    assert deploy_warnings() == {}


@override_settings(DEBUG=True, ALLOWED_HOSTS=LOCAL_HOSTS, SHOUWANG_PUBLIC_URL="")
def test_a_development_configuration_is_not_warned_of() -> None:
    assert deploy_warnings() == {}


@override_settings(DEBUG=False, ALLOWED_HOSTS=LOCAL_HOSTS, SHOUWANG_PUBLIC_URL="")
def test_plain_check_without_deploy_does_not_warn() -> None:
    assert not [m for m in checks.run_checks() if m.id.startswith("shouwang.")]
