import random
import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from shouwang.accounts.roles import Role
from shouwang.core.demo import SIZES, DemoContext
from shouwang.core.modules import app_modules


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width, counting a Chinese character as two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


class Command(BaseCommand):
    help = "建立演示街道（幂等）并启动服务 / Build the demo sub-district, then serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size", choices=sorted(SIZES), default="default", help="演示数据规模（默认 default）"
        )
        parser.add_argument("--no-serve", action="store_true", help="只建数据，不启动服务")
        parser.add_argument(
            "--port", type=int, default=None, help="服务端口（默认环境变量 PORT，否则 8000）"
        )
        parser.add_argument(
            "--seed", type=int, default=2020, help="随机数种子：同一种子生成同样的演示数据"
        )

    def handle(
        self, *args, size: str, no_serve: bool, port: int | None, seed: int, **options
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        ctx = DemoContext(size_name=size, rng=random.Random(seed), out=self.stdout)
        for _config, module in app_modules("demo"):
            build = getattr(module, "build", None)  # core.demo holds the context only
            if build is not None:
                with transaction.atomic():
                    build(ctx)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。登录账号（密码每次运行重新生成）："))
        for username, password in ctx.passwords.items():
            user = ctx.users[username]
            role = _pad(Role(user.role).label, 14)
            self.stdout.write(f"  {role}{username:<10} {password}   （{user.area.name}）")
        if not no_serve:
            call_command("serve", port=port)
