from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shouwang.checkpoints import actions


class Command(BaseCommand):
    help = (
        "删除超过保存期限的卡点通行记录（含访客登记）/ Delete check-ins older than "
        "CHECKIN_RETENTION_DAYS (default 28) with their visitor details. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="保存天数（默认取设置）")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, days: int | None, dry_run: bool, **options) -> None:
        days = settings.CHECKIN_RETENTION_DAYS if days is None else days
        if days < actions.MIN_RETENTION_DAYS:
            raise CommandError(
                f"保存天数不能少于 {actions.MIN_RETENTION_DAYS} 天（追踪密接需要回溯一个潜伏期）"
            )
        before = timezone.now() - timedelta(days=days)
        purged = actions.purge_checkins(before=before, dry_run=dry_run)
        verb = "将删除" if dry_run else "已删除"
        self.stdout.write(
            f"{verb}超过 {days} 天的通行记录 {purged.checkins} 条（访客登记 {purged.visits} 条）"
        )
