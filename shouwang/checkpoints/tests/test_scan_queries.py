"""A staff scan of a personal pass looks for a retry of itself (its client id) and for
the holder's pending self-scan in one read of the passages, not two."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from .. import tokens
from ..models import CheckIn
from .factories import make_pass, make_person
from .test_console_queries import statements
from .test_scan_confirms_self_scan import self_scanned

pytestmark = pytest.mark.django_db

# The session, the user, the user's area, the checkpoint, the pass with its person; the
# passages: a retry of this scan (its client id) or the holder's pending self-scan here;
# the pass's latest declaration (the recent days, then every day kept); whether the
# holder is a key person; the INSERT.
NOTHING_PENDING = 10


def scan_data(pass_, **fields) -> dict[str, str]:
    return {
        "client_id": str(uuid.uuid4()),
        "token": tokens.phone_token(pass_.code),
        "direction": "in",
        **fields,
    }


def test_a_scan_with_nothing_pending_is_ten_statements(world, gate) -> None:
    guard = world.client("guard_a")
    scan = reverse("checkpoints:console_scan", args=[gate.pk])
    warm = make_pass(make_person(world.building_a, "张三", room="201"))
    guard.post(scan, scan_data(warm))  # the session, the rule and key-area caches
    pass_ = make_pass(make_person(world.building_a, "李四", room="202"))
    data = scan_data(pass_, temperature="36.5")
    with statements() as seen:
        response = guard.post(scan, data)
    assert response.status_code == 302
    assert len(seen.sql) == NOTHING_PENDING, seen.sql
    # One read for a retry or a pending self-scan, two for the latest declaration.
    # (On PostgreSQL the INSERT travels with its lock and retry check, a SELECT.)
    reads = [s for s in seen.row_reads if s not in seen.row_inserts]
    assert len(reads) == 3, seen.sql
    assert len(seen.row_inserts) == 1, seen.sql
    stored = CheckIn.objects.get(pass_used=pass_)
    assert (stored.status, stored.temperature) == ("confirmed", Decimal("36.5"))


def test_the_scan_sent_again_is_found_by_the_same_read(world, gate) -> None:
    guard = world.client("guard_a")
    scan = reverse("checkpoints:console_scan", args=[gate.pk])
    data = scan_data(make_pass(make_person(world.building_a)))
    first = guard.post(scan, data)
    with statements() as seen:
        again = guard.post(scan, data)
    assert again["Location"] == first["Location"]
    assert len(seen.row_reads) == 1, seen.sql
    assert not seen.row_inserts
    assert CheckIn.objects.count() == 1


def test_a_scan_confirming_the_self_scan_reads_the_passages_once(world, gate) -> None:
    row = self_scanned(world, gate)
    data = scan_data(row.pass_used, direction=row.direction)
    with statements() as seen:
        response = world.client("guard_a").post(
            reverse("checkpoints:console_scan", args=[gate.pk]), data
        )
    assert response["Location"].endswith(f"?last={row.pk}")
    assert (len(seen.row_reads), len(seen.row_writes)) == (1, 1), seen.sql
    row.refresh_from_db()
    assert (row.status, str(row.confirm_client_id)) == ("confirmed", data["client_id"])
