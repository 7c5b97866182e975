"""Definitions seeded at the old places move to the new ones (the cases' after the
fevers, the supplies' after the ledger), unless HQ moved them; and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0005_report_value_reason_as_long_as_amendment_reason")]
AFTER = [("reports", "0006_indicator_order_by_module")]


def orders(state):
    model = state.apps.get_model("reports", "IndicatorDefinition")
    return dict(model.objects.values_list("code", "order"))


@pytest.mark.django_db(transaction=True)
def test_seeded_orders_move_and_move_back_but_hqs_own_stay():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("reports", "IndicatorDefinition")
    old.objects.all().delete()
    for code, order in (("suspected_new", 30), ("masks_on_hand", 60), ("masks_used", 5)):
        old.objects.create(code=code, label=code, source="auto", order=order)

    executor.loader.build_graph()
    executor.migrate(AFTER)
    moved = orders(executor.loader.project_state(AFTER))
    assert moved == {"suspected_new": 25, "masks_on_hand": 70, "masks_used": 5}

    executor.loader.build_graph()
    executor.migrate(BEFORE)
    back = orders(executor.loader.project_state(BEFORE))
    assert back == {"suspected_new": 30, "masks_on_hand": 60, "masks_used": 5}
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
