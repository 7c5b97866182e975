"""The check-in benchmark still runs against today's app: a short run on the suite's
database engine with every request answered and every row stored. Not a timing: the
figures are the benchmark's to print (bench/checkin.py); this catches a change to the
app — a new limit, a renamed field — that would leave the benchmark measuring errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def two_free_ports() -> int:
    """A port whose successor is free too (the benchmark also binds port + 1)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def test_the_checkin_benchmark_runs_without_errors() -> None:
    # Enough residents that none taps past its 30 an hour (each server process counts
    # its own), however fast this machine.
    db = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    args = ["--db", db, "--seconds", "1", "--clients", "2", "--workers", "2", "--persons", "600"]
    args += ["--raw-seconds", "0.3", "--floor-seconds", "0.3", "--rollup-rows", "0"]
    done = subprocess.run(
        [sys.executable, "bench/checkin.py", *args, "--port", str(two_free_ports())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0, figures["first_error"]
    assert figures["checkins"] > 0
    assert figures["database_locked"] == 0
    assert figures["rows_match"]
