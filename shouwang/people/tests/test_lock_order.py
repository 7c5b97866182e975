"""A strict import is one transaction: its batches' locks last until the whole file is
in. Taken batch by batch they crossed those of a move into a building (the household,
then its persons in id order) or of a second strict import, and PostgreSQL cancelled
one of them in a deadlock. Now a strict import locks all its rows before its first
batch, in the ledger's one order (``core.locking``): the other side waits, then goes
on. Real threads with their own connections on PostgreSQL; SQLite serialises writers.

Whatever still ends in a deadlock is refused with a Chinese message and nothing
written, or written again (``is_lock_conflict``): those tests run on both engines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError

from shouwang.core.locking import LOCK_CONFLICT_MESSAGE
from shouwang.people import importing
from shouwang.people.actions import households
from shouwang.people.models import Household, ImportJob, Person
from shouwang.people.tests.factories import (
    move_into_building,
    template_row,
    unplaced_village,
    workbook_upload,
)
from shouwang.people.tests.rivals import Rival, on_postgresql


class AtSecondBatch(Rival):
    """Runs ``work`` in a thread of its own (its own connection) when the import is
    about to write its second batch, its first batch's locks held, and lets the import
    go on once ``work`` has finished or waits on a lock."""

    never_started = "the import never reached its second batch"
    join_seconds = 60

    def __init__(self, monkeypatch, work: Callable[[], Any]) -> None:
        super().__init__(work)
        self.batches = 0
        real = importing.Writer.write

        def write(writer: importing.Writer, records: list[dict[str, Any]]) -> None:
            self.batches += 1
            if self.batches == 2 and self.thread is None:
                self.start()
            real(writer, records)

        monkeypatch.setattr(importing.Writer, "write", write)


@pytest.fixture
def village(world):
    """王庄 (community A): a household at the compound, 王老五 then 王小二 (ids in that
    order), to move into 1号楼."""
    return unplaced_village(world.community_a)


@pytest.fixture
def one_row_batches(monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 1)


def _rows(*persons: Person, first_room: int = 302) -> list[list]:
    """One row a person, each to a flat of its own in 西城花园1号楼 (the import moves
    them out of 王庄)."""
    return [
        template_row(p.name, p.document_number, room=str(room))
        for room, p in enumerate(persons, start=first_room)
    ]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_strict_import_and_a_move_into_a_building_do_not_deadlock(
    world, village, importer, monkeypatch, one_row_batches
):
    home = village.households.get()
    wang, xiao = home.persons.order_by("pk")
    # Batch 1 locks 王小二, the move then locks the household and 王老五 and waits for
    # 王小二; batch 2 wants 王老五: a circle, unless the import held both already.
    job = importer.upload(workbook_upload(_rows(xiao, wang)), strict=True)
    assert job.problem_count == 0
    client = world.client("staff_a")
    rival = AtSecondBatch(monkeypatch, lambda: move_into_building(client, home))
    pauses: list[float] = []  # a deadlock, and the file written again after a pause
    monkeypatch.setattr(importing, "sleep", pauses.append)

    importer.commit(job)

    response = rival.result()
    assert pauses == []
    assert job.status == ImportJob.Status.DONE, job.message
    assert not isinstance(response, Exception), response
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.area == village.children.get()
    for person in (wang, xiao):
        person.refresh_from_db()
        assert person.household.area == world.building_a
        assert person.area == world.building_a


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_strict_imports_writing_the_same_persons_take_turns(
    world, village, importer, monkeypatch, one_row_batches
):
    wang, xiao = village.households.get().persons.order_by("pk")
    first = importer.upload(workbook_upload(_rows(xiao, wang)), strict=True)
    # Other flats: the second import does not wait on the first's new households.
    second = importer.upload(workbook_upload(_rows(wang, xiao, first_room=304)), strict=True)
    assert (first.problem_count, second.problem_count) == (0, 0)
    ImportJob.objects.filter(pk=second.pk).update(status=ImportJob.Status.COMMITTING)

    def commit_second() -> ImportJob:
        importing.commit(ImportJob.objects.get(pk=second.pk))
        return ImportJob.objects.get(pk=second.pk)

    rival = AtSecondBatch(monkeypatch, commit_second)
    pauses: list[float] = []  # a deadlock, and the file written again after a pause
    monkeypatch.setattr(importing, "sleep", pauses.append)
    importer.commit(first)
    second = rival.result()

    assert pauses == []

    assert not isinstance(second, Exception), second
    assert (first.status, second.status) == (ImportJob.Status.DONE, ImportJob.Status.DONE), (
        first.message,
        second.message,
    )
    assert Person.objects.get(pk=wang.pk).household.room == "304"  # the second import's
    assert Person.objects.get(pk=xiao.pk).household.room == "305"


def _deadlock() -> OperationalError:
    """What Django raises when PostgreSQL cancels a transaction in a deadlock."""

    class DeadlockDetected(Exception):
        sqlstate = "40P01"

    error = OperationalError("deadlock detected")
    error.__cause__ = DeadlockDetected("deadlock detected")
    return error


@pytest.mark.django_db(transaction=True)
def test_a_move_cancelled_in_a_deadlock_says_so_and_writes_nothing(world, village, monkeypatch):
    home = village.households.get()

    def cancelled(**kwargs: Any) -> Household:
        Household.objects.filter(pk=home.pk).update(area=village.children.get())
        raise _deadlock()

    monkeypatch.setattr(
        households,
        "_move_to_building",
        households.transaction.atomic(cancelled),
    )
    response = move_into_building(world.client("staff_a"), home)

    assert response.status_code == 409
    assert LOCK_CONFLICT_MESSAGE in response.content.decode()
    home.refresh_from_db()
    assert home.area == village


@pytest.mark.django_db(transaction=True)
def test_a_strict_import_cancelled_in_deadlocks_fails_whole_with_a_message(
    world, village, importer, monkeypatch
):
    wang, xiao = village.households.get().persons.order_by("pk")
    job = importer.upload(workbook_upload(_rows(xiao, wang)), strict=True)
    real, tries = importing.Writer._persons, []

    def cancelled(writer, records, homes):
        real(writer, records, homes)
        tries.append(1)
        raise _deadlock()

    monkeypatch.setattr(importing.Writer, "_persons", cancelled)
    monkeypatch.setattr(importing, "LOCK_CONFLICT_PAUSE", 0)
    importer.commit(job)

    assert job.status == ImportJob.Status.FAILED
    assert job.message == (
        "严格模式：写入时与他人同时进行的台账修改冲突，整份文件未导入。请稍后重新导入"
    )
    assert len(tries) == importing.LOCK_CONFLICT_TRIES  # the whole file, written again
    assert set(Person.objects.values_list("household_id", flat=True)) == {wang.household_id}
    assert Household.objects.count() == 1
    assert "整份文件未导入" in importer.page(job)


@pytest.mark.django_db(transaction=True)
def test_a_batch_cancelled_once_in_a_deadlock_is_written_again(
    world, village, importer, monkeypatch
):
    wang, xiao = village.households.get().persons.order_by("pk")
    job = importer.upload(workbook_upload(_rows(xiao, wang)))
    real, tries = importing.Writer._persons, []

    def cancelled_once(writer, records, homes):
        real(writer, records, homes)
        tries.append(1)
        if len(tries) == 1:
            raise _deadlock()

    monkeypatch.setattr(importing.Writer, "_persons", cancelled_once)
    monkeypatch.setattr(importing, "LOCK_CONFLICT_PAUSE", 0)
    importer.commit(job)

    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.updated_persons, job.new_households) == (2, 2)
    assert Person.objects.get(pk=wang.pk).household.room == "303"
