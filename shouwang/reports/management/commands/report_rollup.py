from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouwang.reports import days
from shouwang.reports.models import DailyFigure
from shouwang.reports.rollup import rollup


class Command(BaseCommand):
    help = (
        "汇总日报数字（幂等，建议每5分钟运行）/ Roll up the figures of the last closed day and "
        "of the day in progress (or of --day) into the pre-aggregated table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD；默认：今天，以及截止后尚未最终汇总的前一天")
        parser.add_argument("--back", type=int, default=0, help="再往前补汇总的天数")

    def handle(self, *args, day: str | None, back: int, **options) -> None:
        if day:
            try:
                wanted = [date.fromisoformat(day)]
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        else:
            # The day in progress every time; the day just closed once after its cutoff
            # (its final figures; later submissions update them as they come).
            wanted = [days.open_day()]
            closed = days.last_closed_day()
            final = DailyFigure.objects.filter(day=closed, computed_at__gte=days.window(closed).end)
            if not final.exists():
                wanted.append(closed)
        first = min(wanted)
        wanted += [first - timedelta(days=n) for n in range(1, back + 1)]
        for one in sorted(set(wanted)):
            result = rollup(one)
            self.stdout.write(
                f"{one.isoformat()}: {result.communities} 个社区，{result.areas} 行，"
                f"{result.seconds} 秒（统计 {result.compute_seconds}，写入 {result.store_seconds}）"
            )
