"""SHOUWANG_REPORT_GRACE_MINUTES is read at start: anything but a whole number of
minutes (0 or more) stops the start naming the variable. A bare int() stopped it with
"invalid literal for int()", naming nothing, and took -60 silently: every report, even
one submitted a minute after the cutoff, was marked 迟报."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def start_with(tmp_path: Path, grace: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHOUWANG_VAR": str(tmp_path), "SHOUWANG_REPORT_GRACE_MINUTES": grace}
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.REPORT_GRACE_MINUTES)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "shouwang.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("typed", "read"), [("60", "60"), (" 0 ", "0"), ("90", "90")])
def test_a_number_of_minutes_is_read(tmp_path: Path, typed: str, read: str) -> None:
    done = start_with(tmp_path, typed)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == read


@pytest.mark.parametrize("typed", ["-60", "1h", "60.5", "", "６０"])
def test_anything_else_stops_the_start_naming_the_variable(tmp_path: Path, typed: str) -> None:
    done = start_with(tmp_path, typed)
    assert done.returncode != 0
    assert "ImproperlyConfigured: SHOUWANG_REPORT_GRACE_MINUTES must be" in done.stderr
