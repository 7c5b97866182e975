"""SHOUWANG_REPORT_CUTOFF is read at start: a malformed value stops the start and names
the variable, instead of a 500 on every report and dashboard page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def start_with(tmp_path: Path, cutoff: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHOUWANG_VAR": str(tmp_path), "SHOUWANG_REPORT_CUTOFF": cutoff}
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.REPORT_CUTOFF)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "shouwang.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("typed", "read"), [("15:00", "15:00"), (" 8:30", "08:30")])
def test_a_time_of_day_is_read(tmp_path: Path, typed: str, read: str) -> None:
    done = start_with(tmp_path, typed)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == read


@pytest.mark.parametrize("typed", ["15:00:00", "15", "24:00", "3pm", "15：00", ""])
def test_anything_else_stops_the_start_naming_the_variable(tmp_path: Path, typed: str) -> None:
    done = start_with(tmp_path, typed)
    assert done.returncode != 0
    assert "ImproperlyConfigured: SHOUWANG_REPORT_CUTOFF must be a time of day HH:MM" in done.stderr
