from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from shouwang.watch import actions
from shouwang.watch.models import KeyPerson


class Command(BaseCommand):
    help = (
        "记录逾期未随访的时段并发出预警，为疑似失联人员发出预警（幂等，可每15分钟运行一次）/ "
        "Record missed follow-up slots and raise their alerts, and the alerts of key "
        "persons suspected lost (idempotent scheduled job)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=24,
            help="回看多少小时内截止的时段（默认24）",
        )

    def handle(self, *args, hours: int, **options) -> None:
        now = timezone.now()
        created = actions.record_overdue(now=now, since=now - timedelta(hours=hours))
        # Those a changed setting (随访设置, fewer slots) makes 疑似失联 without a new try.
        lost = actions.alert_suspected_lost(records=KeyPerson.objects.all())
        # One line: the HQ home page shows a scheduled job's last line.
        self.stdout.write(f"新增逾期随访 {created} 个，疑似失联预警 {lost} 个")
