"""``shouwang check --deploy`` is clean with the production variables of docs/deploy.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRODUCTION = {
    "SECRET_KEY": "k" * 10 + "Zq3-v8RmT1pXwYe5LuN0sA7dGfHjKcBo2iVbE4nM6lQrS9tU",
    "ALLOWED_HOSTS": "fk.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://fk.example.gov.cn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_COOKIES": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "BEHIND_PROXY": "1",
    "SHOUWANG_PUBLIC_URL": "https://fk.example.gov.cn",
}


def check_deploy(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    # Not inherited: the production variables under test, and what the browser fixture
    # sets for Playwright in this process.
    dropped = {*PRODUCTION, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env |= {"SHOUWANG_VAR": str(tmp_path), **extra}
    return subprocess.run(
        [sys.executable, "-m", "shouwang.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_is_clean_with_the_production_variables(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_warns_without_them(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, {})
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "shouwang.W001" in result.stderr
    assert "shouwang.W002" in result.stderr
