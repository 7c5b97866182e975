"""The ``shouwang`` command: Django's management command with our settings."""

import os
import sys

# Django's commands that would change an account without an audit row, and ours to use.
REPLACED = {
    "changepassword": (
        "shouwang changepassword 已停用：它设置的密码不是临时密码，也不记入审计日志。"
        "请执行 shouwang resetpassword {username}：打印一次随机临时密码并记入审计日志，"
        "本人在首次登录时修改"
    ),
    "createsuperuser": (
        "shouwang createsuperuser 已停用：它建立的账号没有角色和辖区，也不记入审计日志。"
        "请执行 shouwang bootstrap --district 区县名称 --subdistrict 街道名称 "
        "--username {username}："
        "建立（或沿用）区县、街道节点和该街道的指挥部管理员账号，打印一次随机密码并记入审计日志；"
        "审计员账号加 --role auditor"
    ),
}


def _username(args: list[str]) -> str:
    """The username the refused command was given (``name``, ``--username name`` or
    ``--username=name``), to repeat in the command to use instead."""
    for i, arg in enumerate(args):
        if arg.startswith("--username="):
            return arg.split("=", 1)[1] or "用户名"
        if arg == "--username":
            return args[i + 1] if i + 1 < len(args) else "用户名"
        if not arg.startswith("-") and (i == 0 or not args[i - 1].startswith("-")):
            return arg
    return "用户名"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
    if len(sys.argv) > 1 and sys.argv[1] in REPLACED:
        username = _username(sys.argv[2:])
        print(REPLACED[sys.argv[1]].format(username=username), file=sys.stderr)
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
