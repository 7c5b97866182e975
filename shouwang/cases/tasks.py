"""Background work: the second hop of a presence trace."""

from django_tasks import task

from . import actions
from .models import Trace


@task()
def trace_second_hop(trace_id: int) -> int:
    """Run hop 2 of a trace; returns how many hits the trace has afterwards."""
    trace = Trace.objects.select_related("case", "requested_by").get(pk=trace_id)
    trace = actions.run_second_hop(trace=trace)
    return trace.hits.count()
