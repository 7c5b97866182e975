import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# How often serve looks at its children, and the least time between two starts of the
# task worker.
SUPERVISE_SECONDS = 1.0
RESTART_SECONDS = 10.0


def _check_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"端口 {port} 已被占用，请换一个端口"
                "（shouwang serve --port 8080，或 make demo PORT=8080）"
            ) from exc


class Command(BaseCommand):
    help = "用 gunicorn 启动服务，并启动后台任务进程 / Serve with gunicorn plus a task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST", "127.0.0.1"),
            help="监听地址（默认环境变量 HOST，否则 127.0.0.1：只接受本机前置 nginx 转来的请求）",
        )
        parser.add_argument(
            "--port", type=int, default=None, help="监听端口（默认环境变量 PORT，否则 8000）"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1)))),
            help="gunicorn 进程数（默认环境变量 WEB_CONCURRENCY，否则 2 × CPU 核数）",
        )
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
        parser.add_argument(
            "--access-log",
            action="store_true",
            default=os.environ.get("SHOUWANG_ACCESS_LOG", "") not in ("", "0"),
            help="每个请求写一行访问日志（默认关闭：由前置 nginx 记录）",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int | None,
        workers: int,
        no_worker: bool,
        access_log: bool,
        **options,
    ) -> None:
        port = port or int(os.environ.get("PORT", "8000"))
        _check_free(host, port)
        self.stdout.write("正在收集静态文件（可能需要半分钟）……")
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "shouwang.settings",
            "SHOUWANG_VAR": str(settings.VAR_DIR),
        }
        worker = (
            None if no_worker else Supervised([sys.executable, "-m", "shouwang.cli", "worker"], env)
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "shouwang.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--graceful-timeout",
                "5",
                *(["--access-logfile", "-"] if access_log else []),
            ],
            env=env,
        )
        self.stdout.write(self.style.SUCCESS(f"守望已启动：http://{host}:{port}/  （Ctrl+C 停止）"))
        # Stopped by Ctrl+C or by a SIGTERM to this process alone (kill, a supervisor):
        # either way gunicorn and the worker stop with it, and the port is free again.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            while (status := server.poll()) is None:
                if worker is not None and worker.exited():
                    self.stderr.write(
                        f"后台任务进程已退出（{worker.process.returncode}），正在重启"
                    )
                    worker.restart()
                time.sleep(SUPERVISE_SECONDS)
        except KeyboardInterrupt:
            status = _stop(server, timeout=15)
        finally:
            if worker is not None:
                _stop(worker.process, timeout=10)
        if status not in (0, -signal.SIGINT, -signal.SIGTERM):
            raise CommandError(f"gunicorn 异常退出（{status}），端口 {port} 是否已被占用？")


class Supervised:
    """A child process started again when it exits, at most once per
    ``RESTART_SECONDS`` (a worker that cannot start does not spin)."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command, self.env = command, env
        self.process = subprocess.Popen(command, env=env)
        self.started = time.monotonic()

    def exited(self) -> bool:
        return self.process.poll() is not None

    def restart(self) -> None:
        time.sleep(max(0.0, RESTART_SECONDS - (time.monotonic() - self.started)))
        self.process = subprocess.Popen(self.command, env=self.env)
        self.started = time.monotonic()


def _stop(process: subprocess.Popen, *, timeout: float) -> int:
    """SIGTERM (a graceful stop), then SIGKILL after ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
