"""Check-ins past the retention window are deleted, with their visitors' details."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from shouwang.checkpoints import actions
from shouwang.checkpoints.models import CheckIn, Visit

from .factories import make_checkin, make_checkpoint, make_person


def visit(checkin: CheckIn, name: str = "访客甲") -> Visit:
    row = Visit(checkin=checkin, name=name, visiting="3号楼", reason="送药")
    row.set_phone("13812345678")
    row.save()
    return row


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_checkins", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def timeline(world, settings):
    settings.CHECKIN_RETENTION_DAYS = 28
    gate = make_checkpoint(world.compound_a)
    person = make_person(world.building_a)
    now = timezone.now()
    rows = {
        "old": make_checkin(gate, person=person, at=now - timedelta(days=40)),
        "old_visitor": make_checkin(gate, visitor=True, at=now - timedelta(days=29)),
        "edge": make_checkin(gate, person=person, at=now - timedelta(days=27, hours=23)),
        "recent_visitor": make_checkin(gate, visitor=True, at=now - timedelta(days=1)),
        "today": make_checkin(gate, person=person, at=now),
    }
    visit(rows["old_visitor"])
    visit(rows["recent_visitor"], name="访客乙")
    return rows


def test_rows_past_retention_go_with_their_visitors(timeline) -> None:
    assert "已删除超过 28 天的通行记录 2 条（访客登记 1 条）" in purge()
    kept = set(CheckIn.objects.values_list("pk", flat=True))
    assert kept == {timeline[k].pk for k in ("edge", "recent_visitor", "today")}
    assert list(Visit.objects.values_list("name", flat=True)) == ["访客乙"]
    # Idempotent: nothing more to delete.
    assert "已删除超过 28 天的通行记录 0 条（访客登记 0 条）" in purge()


def test_a_dry_run_counts_and_keeps_everything(timeline) -> None:
    assert "将删除超过 28 天的通行记录 2 条（访客登记 1 条）" in purge("--dry-run")
    assert CheckIn.objects.count() == 5
    assert Visit.objects.count() == 2


def test_the_window_can_be_set_per_run(timeline) -> None:
    assert "通行记录 1 条" in purge("--days", "30")
    assert not CheckIn.objects.filter(pk=timeline["old"].pk).exists()
    assert CheckIn.objects.filter(pk=timeline["old_visitor"].pk).exists()


def test_a_window_shorter_than_an_incubation_period_is_refused(timeline, settings) -> None:
    with pytest.raises(CommandError, match="不能少于 14 天"):
        purge("--days", "7")
    settings.CHECKIN_RETENTION_DAYS = 3
    with pytest.raises(CommandError, match="不能少于 14 天"):
        purge()
    assert CheckIn.objects.count() == 5


def test_large_purges_go_in_batches(world, monkeypatch) -> None:
    monkeypatch.setattr(actions.retention, "PURGE_BATCH", 3)
    gate = make_checkpoint(world.compound_a)
    old = timezone.now() - timedelta(days=60)
    for i in range(8):
        row = make_checkin(gate, visitor=True, at=old + timedelta(minutes=i))
        visit(row, name=f"访客{i}")
    make_checkin(gate, at=timezone.now())
    purged = actions.purge_checkins(before=timezone.now() - timedelta(days=28))
    assert (purged.checkins, purged.visits) == (8, 8)
    assert CheckIn.objects.count() == 1
    assert not Visit.objects.exists()
