"""A later ``shouwang bootstrap`` (the auditor, a peer HQ admin) reuses the nodes and
says so: 已存在, not 已建立."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from shouwang.accounts.roles import Role
from shouwang.areas.models import Area


def bootstrap(username: str, subdistrict: str = "丰产路街道", **options) -> list[str]:
    out = StringIO()
    call_command(
        "bootstrap",
        district="金水区",
        subdistrict=subdistrict,
        username=username,
        stdout=out,
        **options,
    )
    return out.getvalue().splitlines()


def test_the_first_run_says_it_created_the_nodes(db) -> None:
    assert bootstrap("admin")[0] == "已建立 金水区 › 丰产路街道"


def test_a_second_run_says_the_nodes_already_existed(db) -> None:
    bootstrap("admin")
    lines = bootstrap("auditor", role=Role.AUDITOR)
    assert lines[0] == "已存在 金水区 › 丰产路街道"
    assert not any("已建立" in line for line in lines)
    assert Area.objects.count() == 2


def test_a_new_subdistrict_under_an_existing_district(db) -> None:
    bootstrap("admin")
    lines = bootstrap("admin2", subdistrict="明湖街道")
    assert lines[0] == "已存在 金水区，已建立 金水区 › 明湖街道"
    assert Area.objects.count() == 3
