from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from shouwang.core import pii

BATCH = 2000


class Command(BaseCommand):
    help = (
        "用最新密钥重新加密全部个人信息 / Re-encrypt every personal-data field under the "
        "newest key. Put the new key first in SHOUWANG_PII_KEYS (old keys after it), run "
        "this, then drop the old keys. Lookup hashes are unaffected. Apps re-encrypt what "
        "they keep outside the *_enc fields too (rows staged by imports awaiting "
        "confirmation)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="试运行：检查每一行都能用现有密钥解密，不写入任何数据",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        rotated = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if f.name.endswith("_enc")]
            if not fields:
                continue
            total = 0
            last_pk = None
            while True:
                qs = model._default_manager.order_by("pk").only("pk", *fields)
                if last_pk is not None:
                    qs = qs.filter(pk__gt=last_pk)
                rows = list(qs[:BATCH])
                if not rows:
                    break
                for row in rows:
                    for name in fields:
                        try:
                            setattr(row, name, pii.rotate(getattr(row, name)))
                        except InvalidToken:
                            raise CommandError(
                                f"{model._meta.label} id={row.pk} 的 {name} 无法用现有任何密钥"
                                "解密：SHOUWANG_PII_KEYS 缺少加密它的那把旧密钥？已轮换的批次"
                                "保持新密钥，补回旧密钥后可重新运行本命令"
                            ) from None
                if not dry_run:
                    with transaction.atomic():
                        model._default_manager.bulk_update(rows, fields, batch_size=500)
                total += len(rows)
                last_pk = rows[-1].pk
            rotated += total
            self.stdout.write(f"{model._meta.label}: {total} 行 ({', '.join(fields)})")
        # What the apps keep encrypted outside the fields (e.g. staged import rows).
        for config in apps.get_app_configs():
            rotate_files = getattr(config, "rotate_pii_files", None)
            if rotate_files is not None:
                self.stdout.write(rotate_files(dry_run=dry_run))
        if dry_run:
            self.stdout.write(
                f"试运行：以上 {rotated} 行都能用现有密钥解密，未写入任何数据；"
                "去掉 --dry-run 重新运行即轮换"
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已用最新密钥重新加密 {rotated} 行（及上列暂存行）。现在可以从 "
                    "SHOUWANG_PII_KEYS 中删去旧密钥、重启服务和后台任务进程，再销毁旧密钥"
                )
            )
