"""The roll-up and presence benchmarks still load and run against today's schema: a tiny
run of each on the suite's database engine. Not a timing (the figures are the
benchmarks' to print); this catches a new constraint or a new non-null column that
would leave a benchmark failing on its first COPY, as a one-head-per-household
constraint and a JSON column once did unnoticed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(script: str, *args: str) -> dict:
    db = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    done = subprocess.run(
        [sys.executable, f"bench/{script}", "--db", db, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_rollup_benchmark_loads_and_rolls_up() -> None:
    figures = _run(
        "report_rollup.py", "--communities", "50", "--persons", "3000", "--checkins", "2000"
    )
    assert figures["communities"] == 50
    assert figures["persons"] == 3000
    assert figures["rollup_rows"] > 50
    assert figures["dashboard_ms"] > 0


def test_the_presence_benchmark_loads_and_traces() -> None:
    figures = _run(
        "presence.py", "--days", "2", "--rows-per-day", "3000", "--cases", "3", "--hop2-cases", "1"
    )
    assert figures["checkins"] >= 6000
    assert figures["cases"] == 3
    assert figures["avg_hits"] > 0
