"""What the ledger benchmarks share: running a phase in a child process (a fresh Django
set up by its environment) and naming a scratch PostgreSQL database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit


def run_phase(script: str, name: str, env: dict, *args: str) -> dict:
    """Run ``script --phase name`` and return the JSON object on its last line."""
    out = subprocess.run(
        [sys.executable, script, "--phase", name, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stdout[-3000:] + out.stderr[-6000:])
        raise SystemExit(f"phase {name} failed")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{name}: {json.dumps(result, ensure_ascii=False)}", file=sys.stderr)
    return result


def postgres_urls() -> tuple[str, str, str]:
    """(server's admin URL, scratch database URL, scratch database name)."""
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    name = f"shouwang_bench_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name
