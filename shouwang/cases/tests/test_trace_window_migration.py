"""Traces made before ``Trace.window_from`` get the window start of the dates their case
had when they ran: the case's dates now, with the changes its history records since
undone; and the migrations go back."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from shouwang.areas.tests.factories import AreaFactory, child
from shouwang.cases.models import CaseEvent, Trace

from .factories import make_case, make_trace

BEFORE = [("cases", "0008_trace_window_from")]
AFTER = [("cases", "0010_trace_window_from_required")]


@pytest.mark.django_db(transaction=True)
def test_old_traces_get_the_window_of_their_time_and_it_goes_back(today):
    community = child(AreaFactory(), "社区")
    moved = make_case(community, onset_date=today - timedelta(days=4))
    still = make_case(community, onset_date=None, report_date=today - timedelta(days=1))
    before_change = make_trace(moved)
    after_change = make_trace(still)
    later = make_trace(moved)
    now = timezone.now()
    Trace.objects.filter(pk=before_change.pk).update(created_at=now - timedelta(hours=3))
    Trace.objects.filter(pk=later.pk).update(created_at=now)
    Trace.objects.filter(pk=after_change.pk).update(created_at=now - timedelta(hours=3))
    # The onset was 7 days ago, then 6, then (an hour ago) 4 days ago.
    for hours, old, new in ((2, 7, 6), (1, 6, 4)):
        CaseEvent.objects.create(
            case=moved,
            at=now - timedelta(hours=hours),
            from_classification="confirmed",
            to_classification="confirmed",
            changes={
                "发病日期": [
                    (today - timedelta(days=old)).isoformat(),
                    (today - timedelta(days=new)).isoformat(),
                ],
                "备注": ["—", "核实"],
            },
            reason="流调核实",
        )
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("cases", "Trace")
    old.objects.update(window_from=None)

    executor.loader.build_graph()
    executor.migrate(AFTER)
    starts = dict(Trace.objects.values_list("pk", "window_from"))
    assert starts[before_change.pk] == today - timedelta(days=9)  # onset 7 days ago then
    assert starts[later.pk] == today - timedelta(days=6)  # the case's dates now
    assert starts[after_change.pk] == today - timedelta(days=3)  # from the report date

    executor.loader.build_graph()
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Trace.objects.count() == 3
