from django.core.management.base import BaseCommand

from shouwang.reports.actions import send_reminders


class Command(BaseCommand):
    help = (
        "提醒未上报日报的社区（幂等，建议每15分钟运行）/ Leave a reminder for each community "
        "that has not reported the last closed day (once per day and kind)."
    )

    def handle(self, *args, **options) -> None:
        created = send_reminders()
        self.stdout.write(f"新增提醒 {created} 条")
