from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from shouwang.accounts import actions
from shouwang.accounts.models import User
from shouwang.accounts.roles import Role
from shouwang.areas import actions as area_actions
from shouwang.areas.models import Area
from shouwang.core.text import place_name


class Command(BaseCommand):
    help = (
        "新部署的第一步：建立区县、街道两级节点和第一个指挥部管理员账号（随机密码）/ "
        "First step of a new deployment: the district and sub-district nodes and the first "
        "HQ admin, with a random password printed once. Existing nodes are reused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="区县名称，如 金水区")
        parser.add_argument("--subdistrict", required=True, help="街道/乡镇名称，如 明湖街道")
        parser.add_argument(
            "--username", required=True, help="新账号的用户名（指挥部管理员或审计员）"
        )
        parser.add_argument("--name", default="", help="管理员姓名")
        parser.add_argument(
            "--role",
            choices=[Role.HQ_ADMIN, Role.AUDITOR],
            default=Role.HQ_ADMIN,
            help="hq_admin（默认）或 auditor：审计员账号只在服务器上建立。"
            "除第一个账号外，打印的初始密码须在首次登录时修改",
        )

    @transaction.atomic
    def handle(
        self,
        *args,
        district: str,
        subdistrict: str,
        username: str,
        name: str,
        role: str = Role.HQ_ADMIN,
        **options,
    ) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"用户名“{username}”已存在；如需新密码，请由上级管理员在账号页面重置，"
                f"无人可重置时执行 shouwang resetpassword {username}"
            )
        top = Area.objects.filter(parent=None, name=place_name(district)).first()
        top_created = top is None
        if top_created:
            top = area_actions.create_area(name=district, kind=Area.Kind.DISTRICT, parent=None)
        area = Area.objects.filter(parent=top, name=place_name(subdistrict)).first()
        area_created = area is None
        if area_created:
            area = area_actions.create_area(
                name=subdistrict, kind=Area.Kind.SUBDISTRICT, parent=top
            )
        try:
            user, password = actions.create_user(
                by=None,
                username=username,
                full_name=name,
                role=role,
                area=area,
                # The deployment's first account is the operator's own; any later one is
                # handed to someone else, who replaces the printed password.
                temporary=User.objects.exists(),
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        nodes = f"{top.name} › {area.name}"
        if not area_created:
            said = f"已存在 {nodes}"
        elif top_created:
            said = f"已建立 {nodes}"
        else:
            said = f"已存在 {top.name}，已建立 {nodes}"
        self.stdout.write(self.style.SUCCESS(said))
        self.stdout.write(
            f"{user.get_role_display()} {user.username} 的初始密码（只显示这一次）：{password}"
        )
