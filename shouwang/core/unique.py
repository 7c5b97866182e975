"""Writes whose key a check found free, and that a unique constraint may still refuse.

Two people saving the same name (or username, code, address…) at the same moment both
pass the check: on PostgreSQL the second's INSERT or UPDATE waits on the unique index
and fails with an IntegrityError once the first commits. ``unique_write`` runs the write
in a savepoint, so the refused row leaves nothing behind, and runs the check again: it
now sees the committed row (read committed) and raises the ValidationError a sequential
duplicate gets. An IntegrityError the check does not explain goes on up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction


@contextmanager
def unique_write(check: Callable[[], object]) -> Iterator[None]:
    """Run the block in a savepoint; if a unique constraint refuses it, raise what
    ``check`` (the duplicate check made before) raises now."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        check()
        raise
