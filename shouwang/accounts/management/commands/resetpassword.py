from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouwang.accounts import actions
from shouwang.accounts.models import User


class Command(BaseCommand):
    help = (
        "找回密码：为账号设置随机临时密码（只显示一次，首次登录时须修改），记入审计日志 / "
        "Recovery when nobody above can reset a password: a random temporary password, "
        "printed once and audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户名“{username}”不存在")
        password = actions.reset_password_on_server(user=user)
        self.stdout.write(f"{user.username} 的临时密码（只显示这一次）：{password}")
        self.stdout.write("请交给本人，由其在首次登录时改为只有自己知道的密码")
