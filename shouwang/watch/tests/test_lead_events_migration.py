"""Migration 0017: a lead decided before leads had a history gets its step (已排除 or
已确认, who, when, the note); a pending lead, or one with a history, gets none."""

from importlib import import_module

import pytest
from django.apps import apps

from shouwang.watch import actions
from shouwang.watch.models import LeadEvent

from . import factories as f

pytestmark = pytest.mark.django_db

fill = import_module("shouwang.watch.migrations.0017_fill_lead_events")


def test_each_decided_lead_gets_its_step(world) -> None:
    dismissed = f.lead(world.building_a)
    actions.dismiss_lead(lead=dismissed, by=world.staff_a, note="误报")
    pending = f.lead(world.building_a)
    LeadEvent.objects.all().delete()  # as before the history existed
    fill.fill(apps, None)
    event = LeadEvent.objects.get(lead=dismissed)
    dismissed.refresh_from_db()
    assert (event.kind, event.note, event.by, event.at) == (
        LeadEvent.Kind.DISMISSED,
        "误报",
        world.staff_a,
        dismissed.decided_at,
    )
    assert not LeadEvent.objects.filter(lead=pending).exists()
    fill.fill(apps, None)  # a lead with a history is left as it is
    assert LeadEvent.objects.filter(lead=dismissed).count() == 1
