from django.core.management.base import BaseCommand, CommandParser

from shouwang.checkpoints import partitions


class Command(BaseCommand):
    help = (
        "通行记录按日分区维护：提前建好今后几天的分区，把默认分区中的记录移入各日分区 / "
        "Create the check-in table's day partitions ahead and move rows out of the "
        "DEFAULT partition (PostgreSQL; nothing to do on SQLite). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ahead", type=int, default=partitions.AHEAD_DAYS, help="提前建几天的分区"
        )

    def handle(self, *args, ahead: int, **options) -> None:
        if not partitions.partitioned():
            self.stdout.write("SQLite 数据库不分区，无需维护")
            return
        done = partitions.maintain(ahead=max(ahead, 0))
        made = "、".join(d.isoformat() for d in done.created) or "无"
        self.stdout.write(f"新建日分区：{made}；从默认分区移入 {done.moved} 条")
