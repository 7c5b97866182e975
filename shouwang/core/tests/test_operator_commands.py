"""What an operator reads from our own management commands on the server: every option
explained in ``--help``, and an answer that says what was done and what to do next."""

import io
import re

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command, get_commands, load_command_class

# Our commands, by the app that holds them (Django's own and the libraries' are theirs).
OURS = sorted((name, app) for name, app in get_commands().items() if app.startswith("shouwang."))
# Django's own options of every command, explained by Django in English.
DJANGO_OPTIONS = {
    "help",
    "version",
    "verbosity",
    "settings",
    "pythonpath",
    "traceback",
    "no_color",
    "force_color",
    "skip_checks",
}


@pytest.mark.parametrize(("name", "app"), OURS, ids=[name for name, _ in OURS])
def test_every_option_of_our_commands_has_a_help_text(name, app):
    parser = load_command_class(app, name).create_parser("shouwang", name)
    unexplained = [
        action.option_strings[0] if action.option_strings else action.dest
        for action in parser._actions
        if action.dest not in DJANGO_OPTIONS and not action.help
    ]
    assert unexplained == []


def test_our_commands_are_found():
    assert {"bootstrap", "resetpassword", "serve", "worker", "rotate_pii_key"} <= {
        name for name, _ in OURS
    }


def test_a_dry_run_of_the_key_rotation_says_nothing_was_written(db, settings):
    settings.PII_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.PII_ENCRYPTION_KEYS]
    out = io.StringIO()
    call_command("rotate_pii_key", dry_run=True, stdout=out)
    assert "试运行" in out.getvalue()
    assert "未写入" in out.getvalue()


def test_the_key_rotation_says_when_the_old_keys_can_go(db, settings):
    settings.PII_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.PII_ENCRYPTION_KEYS]
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert re.search(r"已用最新密钥重新加密 \d+ 行", last)
    assert "SHOUWANG_PII_KEYS" in last


def test_bootstrap_of_a_taken_username_points_to_resetpassword(db):
    options = {"district": "金水区", "subdistrict": "明湖街道", "username": "admin"}
    call_command("bootstrap", stdout=io.StringIO(), **options)
    with pytest.raises(CommandError, match=r"shouwang resetpassword admin"):
        call_command("bootstrap", stdout=io.StringIO(), **options)


def test_serve_says_what_it_does_before_the_long_collectstatic(monkeypatch):
    """collectstatic takes half a minute on a loaded server: serve must not sit silent."""
    from shouwang.core.management.commands import serve

    out = io.StringIO()

    def collectstatic(*args, **kwargs):
        raise RuntimeError(out.getvalue())

    monkeypatch.setattr(serve, "call_command", collectstatic)
    monkeypatch.setattr(serve, "_check_free", lambda host, port: None)
    with pytest.raises(RuntimeError, match="正在收集静态文件"):
        call_command("serve", port=8699, stdout=out)


def test_serve_on_a_taken_port_names_both_ways_to_choose_another():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError) as refused:
            call_command("serve", host="127.0.0.1", port=port, stdout=io.StringIO())
    assert f"端口 {port} 已被占用" in str(refused.value)
    assert "shouwang serve --port" in str(refused.value)
    assert "make demo PORT=" in str(refused.value)
