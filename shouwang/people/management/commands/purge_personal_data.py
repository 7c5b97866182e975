from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from shouwang.people import actions


class Command(BaseCommand):
    help = (
        "删除超过保存期限的个人信息 / Delete residents moved out longer ago than the "
        "retention period (PEOPLE_RETENTION_DAYS, default 365) with their history, "
        "imports and exports older than it with their problem lists and leftover files, "
        "and export files past PEOPLE_EXPORT_RETENTION_HOURS (default 24)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="保存天数（默认取设置）")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, days: int | None, dry_run: bool, **options) -> None:
        days = actions.retention_days() if days is None else days
        if days < 0:
            self.stderr.write("保存天数不能为负数")
            return
        before = timezone.now() - timedelta(days=days)
        result = actions.purge_personal_data(before=before, dry_run=dry_run)
        verb = "将删除" if dry_run else "已删除"
        self.stdout.write(
            f"{verb}：迁出超过 {days} 天的人员 {result.persons} 人，"
            f"导入记录 {result.imports} 个，临时文件 {result.files} 个，"
            f"导出记录 {result.exports} 个，导出文件 {result.export_files} 个；"
            f"因仍被其他记录引用而保留 {result.kept_referenced} 人"
        )
