"""``shouwang serve``: stopping it stops gunicorn and the task worker with it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def test_a_sigterm_to_serve_stops_gunicorn_and_the_worker(tmp_path) -> None:
    env = {**os.environ, "SHOUWANG_VAR": str(tmp_path), "DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "shouwang.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True)
    port = free_port()
    serve = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[psutil.Process] = []
    try:
        wait_for(lambda: answers(port))
        children = psutil.Process(serve.pid).children(recursive=True)
        assert any("gunicorn" in " ".join(c.cmdline()) for c in children)
        assert any("worker" in c.cmdline() for c in children)
        serve.send_signal(signal.SIGTERM)  # to serve alone, as `kill` or a supervisor does
        assert serve.wait(timeout=30) == 0
        gone, alive = psutil.wait_procs(children, timeout=20)
        assert not alive, [c.cmdline() for c in alive]
        assert not answers(port)
    finally:  # nothing left behind, whatever failed
        if serve.poll() is None:
            serve.kill()
        for process in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
