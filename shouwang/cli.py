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
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
    if len(sys.argv) > 1 and sys.argv[1] in REPLACED:
        username = next((a for a in sys.argv[2:] if not a.startswith("-")), "用户名")
        print(REPLACED[sys.argv[1]].format(username=username), file=sys.stderr)
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
