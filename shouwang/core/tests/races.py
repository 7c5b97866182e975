"""Races in tests: threads released together (``at_once``), and losing a race on
purpose, deterministically, in one test process.

Two people saving the same key at once both pass the duplicate check; on PostgreSQL
the second's write then meets the first's committed row in the unique index. A test
makes that happen by putting the rival row in the database first and letting the
request's checks see the database as it was a moment before: ``rival_after_checks``
(checks made with ``QuerySet.exists`` or ``first``) and ``stale_first_call`` (any
other check).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.db import connection, models
from django.db.models.signals import pre_save


def at_once(workers: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``workers`` threads released together, each on its own
    database connection (closed after); each result is what ``work`` returned or the
    exception it raised, which the test asserts on."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@contextmanager
def rival_after_checks(model: type[models.Model]) -> Iterator[None]:
    """Every ``exists()`` and ``first()`` on ``model`` (the form's unique checks, the
    action's, a get-or-create's lookup) finds nothing until the request saves a row of
    ``model``; afterwards they are real."""
    real_exists, real_first = models.QuerySet.exists, models.QuerySet.first
    blind = True

    def exists(qs: models.QuerySet) -> bool:
        return False if blind and issubclass(qs.model, model) else real_exists(qs)

    def first(qs: models.QuerySet) -> Any:
        return None if blind and issubclass(qs.model, model) else real_first(qs)

    def saving(**kwargs: Any) -> None:
        nonlocal blind
        blind = False

    pre_save.connect(saving, sender=model, weak=False, dispatch_uid="rival_after_checks")
    try:
        with (
            mock.patch.object(models.QuerySet, "exists", exists),
            mock.patch.object(models.QuerySet, "first", first),
        ):
            yield
    finally:
        pre_save.disconnect(sender=model, dispatch_uid="rival_after_checks")


@contextmanager
def stale_first_call(owner: Any, name: str, stale: Callable[..., Any]) -> Iterator[None]:
    """The first call of ``owner.name`` answers ``stale(*args)`` (what it would have
    answered before the rival row); later calls are real."""
    real = getattr(owner, name)
    calls = 0

    def patched(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return stale(*args, **kwargs) if calls == 1 else real(*args, **kwargs)

    with mock.patch.object(owner, name, patched):
        yield
