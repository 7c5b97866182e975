"""One order for row locks, and telling a lock conflict from other database errors.

Workflows that lock rows of several ledger tables in one transaction take them in one
order, so that two of them never wait on each other in a circle (a deadlock):

1. areas (the compounds an import writes households at), then
2. households, then
3. persons, then
4. the rows other apps keep about those persons (key-person records, alerts, cases,
   contacts),

each table's rows in one statement (or consecutive statements) in id order. A move into
a building (``people.actions.move_to_building``: the household, then its persons, then
what follows them), a person registered without a document (``create_person``: the
household, then the person), an import batch (``people.importing.Writer``: compounds,
households, persons) and a strict import (all of its rows' compounds, households and
persons before its first batch: its locks last until its whole commit ends) keep to it.

What can still meet in a circle — a row inserted by someone else after a strict import
took its locks ahead, then locked by one of its batches — is detected by PostgreSQL,
which cancels one side with a deadlock error (or a serialization failure). That side's
transaction is rolled back whole; ``is_lock_conflict`` tells it apart so that the
workflow retries or refuses with ``LOCK_CONFLICT_MESSAGE``, never a server error.
"""

from __future__ import annotations

# deadlock_detected, serialization_failure
LOCK_CONFLICT_STATES = frozenset({"40P01", "40001"})

LOCK_CONFLICT_MESSAGE = "保存时与他人同时进行的修改冲突，未保存任何内容，请稍后重试"


def is_lock_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` (a Django database error, or what caused it) is PostgreSQL
    cancelling a transaction caught in a deadlock or a serialization failure."""
    seen: BaseException | None = exc
    while seen is not None:
        state = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if state in LOCK_CONFLICT_STATES:
            return True
        seen = seen.__cause__
    return False
