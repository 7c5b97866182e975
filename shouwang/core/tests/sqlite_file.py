"""What the ``sqlite_*race`` scripts share: a file-based SQLite database configured
exactly as in production (WAL, ``BEGIN IMMEDIATE``, busy timeout), a small tree, and
threads that write at once.

The test suite's SQLite database is in memory with a shared cache, where a second
writer fails at once instead of waiting and a long read never meets another
connection's write, so it cannot show how production behaves; a script run as its own
process (``python -m …``, from a test) can. Django is set up by ``production_sqlite``:
import models only after calling it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any


def production_sqlite(prefix: str) -> None:
    """Set Django up on a new, migrated SQLite file under a fresh ``SHOUWANG_VAR``."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["SHOUWANG_VAR"] = tempfile.mkdtemp(prefix=prefix)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouwang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def tree() -> dict[str, Any]:
    """区县 → 街道 → 社区 → 小区 → 楼栋, by kind."""
    from shouwang.areas.actions import create_area

    parent = None
    nodes: dict[str, Any] = {}
    for kind, name in (
        ("district", "示范区"),
        ("subdistrict", "明湖街道"),
        ("community", "西城社区"),
        ("compound", "西城花园"),
        ("building", "1号楼"),
    ):
        parent = nodes[kind] = create_area(name=name, kind=kind, parent=parent)
    return nodes


def outcomes(workers: int, work: Callable[[int], str], refusal: str) -> list[str]:
    """``races.at_once`` from a fresh connection: each outcome is what ``work``
    returned, ``"refused"`` for a ValidationError saying ``refusal``, or the error's
    repr (which the calling test reports and fails on)."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    from .races import at_once

    connection.close()

    def said(result: object) -> str:
        if isinstance(result, ValidationError):
            return "refused" if refusal in result.messages[0] else repr(result)
        return result if isinstance(result, str) else repr(result)

    return [said(result) for result in at_once(workers, work)]


def journal_mode() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        return cursor.execute("PRAGMA journal_mode").fetchone()[0]
