"""Two HQ requests marking one compound at the same moment (a double click): one mark
is stored, the other is refused with the clash. Real threads with their own database
connections (PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from shouwang.cases.actions import mark_key_area
from shouwang.cases.models import KeyArea
from shouwang.core.tests.races import at_once


@pytest.mark.skipif(connection.vendor != "postgresql", reason="in-process threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_mark_is_stored_once(world) -> None:
    results = at_once(
        2,
        lambda i: mark_key_area(
            area=world.compound_a,
            level=KeyArea.Level.STRICT,
            reason="出现确诊病例",
            start_date=timezone.localdate(),
            by=world.hq,
        ),
    )
    assert KeyArea.objects.count() == 1
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1
    assert "已是重点区域" in refused[0].messages[0]
