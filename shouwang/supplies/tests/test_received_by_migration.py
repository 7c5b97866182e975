"""Migration 0019 fills who received each gift received before it (经办人) from the
audit row written at its arrival; a gift without one stays blank. Reversing clears it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from shouwang.accounts.models import AuditEvent
from shouwang.supplies.models import Donation

BEFORE = [("supplies", "0018_donation_received_by_void")]


@pytest.mark.django_db(transaction=True)
def test_it_fills_the_receiver_from_the_audit_and_reverses(world) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old_donor, old_gift = (apps.get_model("supplies", m) for m in ("Donor", "Donation"))
    donor = old_donor.objects.create(area_id=world.subdistrict.pk, kind="person", name="李顺喜")

    def gift(receipt_no: str) -> int:
        return old_gift.objects.create(
            donor=donor,
            area_id=world.subdistrict.pk,
            kind="cash",
            amount=100,
            channel="bank",
            status="received",
            pledged_on=timezone.localdate(),
            receipt_no=receipt_no,
            created_by_id=world.hq.pk,
        ).pk

    audited, silent = gift("JZ2026000001"), gift("JZ2026000002")
    AuditEvent.objects.create(
        user=world.staff_a,
        action=AuditEvent.Action.STATUS,
        object_type="supplies.Donation",
        object_id=str(audited),
        detail="捐赠到账/入库，收据 JZ2026000001",
    )
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Donation.objects.get(pk=audited).received_by == world.staff_a
    assert Donation.objects.get(pk=silent).received_by is None

    executor.loader.build_graph()
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old_gift = apps.get_model("supplies", "Donation")
    assert old_gift.objects.get(pk=audited).received_by_id is None
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
