"""``shouwang serve``: stopping it stops gunicorn and the task worker with it; a worker
that exits is started again."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

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


@contextlib.contextmanager
def serving(tmp_path) -> Iterator[tuple[subprocess.Popen, int]]:
    """``shouwang serve`` on a migrated SQLite database, answering; killed with every
    child it started, whatever the test did."""
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
    started: set[psutil.Process] = set()
    try:
        wait_for(lambda: answers(port))
        yield serve, port
    finally:
        with contextlib.suppress(psutil.NoSuchProcess):
            started.update(psutil.Process(serve.pid).children(recursive=True))
        serve.kill()
        serve.wait()
        for process in started:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()


def test_a_sigterm_to_serve_stops_gunicorn_and_the_worker(tmp_path) -> None:
    with serving(tmp_path) as (serve, port):
        children = psutil.Process(serve.pid).children(recursive=True)
        assert any("gunicorn" in " ".join(c.cmdline()) for c in children)
        assert any("worker" in c.cmdline() for c in children)
        serve.send_signal(signal.SIGTERM)  # to serve alone, as `kill` or a supervisor does
        assert serve.wait(timeout=30) == 0
        gone, alive = psutil.wait_procs(children, timeout=20)
        assert not alive, [c.cmdline() for c in alive]
        assert not answers(port)


def workers_of(serve: subprocess.Popen) -> list[psutil.Process]:
    """The live task workers among serve's children (not one killed but not yet reaped)."""
    found = []
    for child in psutil.Process(serve.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.status() != psutil.STATUS_ZOMBIE and "worker" in child.cmdline():
                found.append(child)
    return found


def test_a_task_worker_that_exits_is_started_again(tmp_path) -> None:
    with serving(tmp_path) as (serve, port):
        [first] = workers_of(serve)
        first.kill()  # as an uncaught error, or the kernel's OOM killer, would end it
        wait_for(lambda: [w.pid for w in workers_of(serve)] not in ([], [first.pid]), 30)
        assert answers(port)
