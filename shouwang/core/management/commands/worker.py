from django.core.management.base import BaseCommand, CommandParser

from shouwang.core.worker import HeartbeatWorker


class Command(BaseCommand):
    help = (
        "后台任务进程（带心跳与定时任务）/ Run background tasks from the database queue and "
        "the scheduled jobs that are due, recording a heartbeat shown on the HQ home page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="逗号分隔的队列名，* 为全部")
        parser.add_argument("--interval", type=float, default=1.0, help="空闲时的轮询间隔（秒）")
        parser.add_argument(
            "--backend", default="default", dest="backend_name", help="任务后端（默认 default）"
        )
        parser.add_argument(
            "--once", action="store_true", help="执行一轮已就绪的任务和到期的定时任务后退出"
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="本进程不运行定时任务（日报汇总、催报、逾期随访、未联系住户、通行记录分区与过期信息清理）：须另有进程运行",
        )

    def handle(
        self,
        *args,
        queue_name: str,
        interval: float,
        backend_name: str,
        once: bool,
        no_schedule: bool,
        **options,
    ) -> None:
        worker = HeartbeatWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            backend_name=backend_name,
            scheduled=not no_schedule,
            # By hand, one round: a line per task and job run, and a summary.
            say=self.stdout.write if once else None,
        )
        worker.serve(once=once)
