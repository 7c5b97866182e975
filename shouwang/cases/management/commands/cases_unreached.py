from django.core.management.base import BaseCommand, CommandParser

from shouwang.cases import actions


class Command(BaseCommand):
    help = (
        "重点区域住户前一天未联系上、次日全天无人随访的，记录并发出预警"
        "（幂等，可每15分钟运行一次）/ "
        "Raise the alert of key-area households tried without success one day and not "
        "tried at all the next (idempotent scheduled job)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=2,
            help="回看已结束的多少天（默认2：昨天和前天）",
        )

    def handle(self, *args, days: int, **options) -> None:
        created = actions.record_second_days_unreached(days=days)
        self.stdout.write(f"新增连续两天未联系上 {created} 户")
