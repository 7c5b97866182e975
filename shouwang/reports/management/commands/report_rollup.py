from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouwang.reports import days
from shouwang.reports.rollup import due_days, rollup

# --back: a year of days at most (a typo of 10000 would roll up for hours).
MAX_BACK = 366


class Command(BaseCommand):
    help = (
        "汇总日报数字（幂等，建议每5分钟运行）/ Roll up the figures of the last closed day and "
        "of the day in progress (or of --day) into the pre-aggregated table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--day",
            help="YYYY-MM-DD；默认：今天、截止后尚未最终汇总的前一天，"
            "以及近7天中最久未重新汇总的一天（补上离线迟传的数据）",
        )
        parser.add_argument(
            "--back", type=int, default=0, help="再往前补汇总的天数（自 --day 或今天起）"
        )

    def handle(self, *args, day: str | None, back: int, **options) -> None:
        if not 0 <= back <= MAX_BACK:
            raise CommandError(f"--back {back} 无效：请填 0 到 {MAX_BACK} 之间的天数")
        if day:
            try:
                wanted = [days.parse(day)]
            except ValueError as exc:
                raise CommandError(
                    f"日期“{day[:30]}”无效：请按 YYYY-MM-DD 填写一个有前一天的日期，"
                    f"如 {days.last_closed_day().isoformat()}"
                ) from exc
            if wanted[0] > days.open_day():
                # Nothing happened on it yet: its rows would be zeros dated ahead.
                today = days.open_day().isoformat()
                raise CommandError(f"{day} 尚未开始，没有可汇总的数字：今天的统计日是 {today}")
            # Each day rolled up needs the day before it (its window starts then).
            if (wanted[0] - date.min).days <= back:
                raise CommandError(f"--back {back} 超出了日历的第一天")
        else:
            wanted = due_days()
        # --back counts from --day, or from the day in progress.
        first = wanted[0] if day else days.open_day()
        wanted += [first - timedelta(days=n) for n in range(1, back + 1)]
        for one in sorted(set(wanted)):
            result = rollup(one)
            self.stdout.write(
                f"{one.isoformat()}: {result.communities} 个社区，{result.areas} 行，"
                f"{result.seconds} 秒（统计 {result.compute_seconds}，写入 {result.store_seconds}）"
            )
