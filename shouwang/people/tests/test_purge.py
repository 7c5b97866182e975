"""``shouwang purge_personal_data``: residents moved out longer ago than the retention
period go, with their history; those still referenced stay; old imports go."""

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from shouwang.people.models import Change, ImportJob, Person
from shouwang.watch.models import Category, KeyPerson


def _move_out(person, days_ago: int) -> None:
    person.moved_out = True
    person.moved_out_at = timezone.now() - timedelta(days=days_ago)
    person.save()
    Change.objects.create(area=person.area, person=person, action=Change.Action.MOVE_OUT)


def test_it_deletes_residents_moved_out_before_the_retention_period(world, ledger, tmp_path):
    _move_out(ledger.zhang, 400)
    _move_out(ledger.li, 30)
    KeyPerson.objects.create(
        person=ledger.wang_b,
        area=world.building_b,
        category=Category.objects.get_or_create(name="境外返回")[0],
        source=KeyPerson.Source.SCREENING,
        measure=KeyPerson.Measure.HOME,
        start_date=timezone.localdate(),
        planned_end=timezone.localdate(),
    )
    _move_out(ledger.wang_b, 400)  # still referenced by a key-person record
    leftover = tmp_path / "old.jsonl"
    leftover.write_text("{}")
    old = ImportJob.objects.create(
        area=world.community_a, filename="旧.xlsx", stage_path=str(leftover), status="checked"
    )
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    recent = ImportJob.objects.create(area=world.community_a, filename="新.xlsx")

    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "将删除" in out.getvalue()
    assert Person.objects.count() == 3

    out = StringIO()
    call_command("purge_personal_data", "--days", "365", stdout=out)
    assert "已删除：迁出超过 365 天的人员 1 人" in out.getvalue()
    assert "保留 1 人" in out.getvalue()
    assert set(Person.objects.values_list("name", flat=True)) == {"李小红", "王大锤"}
    assert not Change.objects.filter(person_id=ledger.zhang.pk).exists()
    assert list(ImportJob.objects.all()) == [recent]
    assert not Path(leftover).exists()


def test_a_shorter_retention_from_settings(world, ledger, settings):
    settings.PEOPLE_RETENTION_DAYS = 7
    _move_out(ledger.li, 30)
    call_command("purge_personal_data", stdout=StringIO())
    assert not Person.objects.filter(pk=ledger.li.pk).exists()


def test_it_deletes_uploads_whose_preview_was_never_committed(world, ledger):
    from shouwang.core import uploads

    folder = uploads.upload_dir()
    abandoned, waiting = folder / "abandoned.xlsx", folder / "waiting.xlsx"
    checked = folder / "checked.xlsx"  # a ledger import's, checked and not yet confirmed
    old = (timezone.now() - timedelta(days=2)).timestamp()
    for path in (abandoned, waiting, checked):
        path.write_bytes(b"police list")
    for path in (abandoned, checked):
        os.utime(path, (old, old))
    ImportJob.objects.create(
        area=world.community_a, filename="台账.xlsx", upload_path=str(checked), status="checked"
    )
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "临时文件 1 个" in out.getvalue()
    assert not abandoned.exists()
    assert waiting.exists()
    assert checked.exists()
