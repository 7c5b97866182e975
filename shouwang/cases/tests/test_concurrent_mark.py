"""Two HQ requests marking one compound at the same moment (a double click): one mark
is stored, the other is refused with the clash. Real threads with their own database
connections (PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from shouwang.cases.actions import mark_key_area
from shouwang.cases.models import KeyArea


@pytest.mark.skipif(connection.vendor != "postgresql", reason="in-process threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_mark_is_stored_once(world) -> None:
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = mark_key_area(
                area=world.compound_a,
                level=KeyArea.Level.STRICT,
                reason="出现确诊病例",
                start_date=timezone.localdate(),
                by=world.hq,
            )
        except Exception as exc:  # the outcome is what the test asserts
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert KeyArea.objects.count() == 1
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1
    assert "已是重点区域" in refused[0].messages[0]
