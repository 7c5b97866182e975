"""`shouwang demo`: the supplies demo stocks the demo's real checkpoints (built by the
checkpoints demo before it) and allocates masks to every one of them in one plan."""

from __future__ import annotations

import io

from django.core.management import call_command

from shouwang.areas.models import Area
from shouwang.checkpoints.models import Checkpoint
from shouwang.supplies.models import AllocationPlan, Location


def test_the_demo_stocks_every_demo_checkpoint(db) -> None:
    call_command("demo", "--size", "tiny", "--no-serve", stdout=io.StringIO())
    subdistrict = Area.objects.get(name="明湖街道")
    checkpoints = set(Checkpoint.objects.within(subdistrict).active())
    places = Location.objects.of_kind(Location.Kind.CHECKPOINT).with_headcount()
    assert checkpoints
    assert {place.checkpoint for place in places} == checkpoints
    assert all(place.area_id == place.checkpoint.area_id for place in places)
    # Every post has its community's two guards (day and late shift) on its roster, and
    # counts them: no typed head count is needed.
    assert {(place.roster, place.staff_count) for place in places} == {(2, None)}
    assert {place.headcount for place in places} == {2}

    plan = AllocationPlan.objects.get(title="卡点口罩十日保障")
    assert {line.location for line in plan.lines.all()} == set(places)
    assert all(
        line.people == places.get(pk=line.location_id).headcount for line in plan.lines.all()
    )
    # Each plan reads in order on its page and in the list: drawn up, reviewed, issued.
    for plan in AllocationPlan.objects.all():
        assert plan.created_at < plan.reviewed_at < plan.issued_at
