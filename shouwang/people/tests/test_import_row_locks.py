"""An import batch and a person form (or another import) writing the same persons at
the same moment on PostgreSQL: the batch locks the persons it may write, and the
households it adds persons without a document to, before reading them. A save that
came first is read and kept; one that comes while the batch writes waits for it and
is refused as stale when the batch changed the person, or finds the person the batch
added. Real threads with their own connections; on SQLite ``BEGIN IMMEDIATE``
serialises writers, so the race cannot happen there."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouwang.people import importing
from shouwang.people.models import ImportJob, Person
from shouwang.people.tests.factories import edit_form_data, template_row, workbook_upload
from shouwang.people.tests.rivals import Rival, on_postgresql

ADDRESS = {"compound": "西城花园", "building": "1号楼", "unit": "2", "room": "301"}


class Meanwhile(Rival):
    """Runs ``work`` in a thread of its own (its own connection) the first time the
    import reaches ``Writer.<step>``, and lets the import go on once ``work`` has
    finished or waits on a lock."""

    def __init__(self, monkeypatch, step: str, work: Callable[[], Any]) -> None:
        super().__init__(work)
        real = getattr(importing.Writer, step)

        def step_meanwhile(*args: Any, **kwargs: Any) -> Any:
            if self.thread is None:
                self.start()
            return real(*args, **kwargs)

        static = isinstance(inspect.getattr_static(importing.Writer, step), staticmethod)
        monkeypatch.setattr(
            importing.Writer, step, staticmethod(step_meanwhile) if static else step_meanwhile
        )


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_person_form_saved_while_the_import_writes_them_is_not_overwritten(
    world, ledger, importer, monkeypatch
):
    zhang = ledger.zhang
    job = importer.upload(
        workbook_upload([template_row("张三丰", zhang.document_number, "13600001111")])
    )
    assert job.problem_count == 0
    form = edit_form_data(zhang, notes="行动不便，需上门")
    client = world.client("grid_a")
    url = reverse("people:person_edit", args=[zhang.pk])
    rival = Meanwhile(monkeypatch, "_update_person", lambda: client.post(url, form))
    importer.commit(job)
    assert job.status == ImportJob.Status.DONE
    response = rival.result()
    zhang.refresh_from_db()
    assert zhang.phone == "13600001111"
    # The form was opened before the import changed the person: refused as stale,
    # never silently undone by the import.
    assert response.status_code == 409, response
    assert "保存失败：这条记录刚被" in response.content.decode()
    assert zhang.notes == ""
    assert zhang.version == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_person_without_a_document_registered_while_the_import_adds_them_is_one_row(
    world, ledger, importer, monkeypatch
):
    job = importer.upload(workbook_upload([template_row("张小宝", "", relation="孙子")]))
    assert job.problem_count == 0
    data = {"name": "张小宝", "doc_type": "id_card", "relation": "grandchild"}
    data |= {"residence_type": "permanent"}
    client = world.client("grid_a")
    url = reverse("people:person_create", args=[ledger.home_a.pk])
    rival = Meanwhile(monkeypatch, "_headed", lambda: client.post(url, data))
    importer.commit(job)
    assert (job.status, job.new_persons) == (ImportJob.Status.DONE, 1)
    response = rival.result()
    assert response.status_code == 400, response
    assert "本户已登记没有证件号码的“张小宝”，请勿重复登记" in response.content.decode()
    assert ledger.home_a.persons.filter(name="张小宝").count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_imports_adding_the_same_person_without_a_document_add_one_row(
    world, ledger, importer, monkeypatch
):
    upload = [template_row("张小宝", "", relation="孙子")]
    first, second = (
        importer.upload(workbook_upload(upload)),
        importer.upload(workbook_upload(upload)),
    )
    ImportJob.objects.filter(pk=second.pk).update(status=ImportJob.Status.COMMITTING)

    def commit_second() -> ImportJob:
        importing.commit(ImportJob.objects.get(pk=second.pk))
        return ImportJob.objects.get(pk=second.pk)

    rival = Meanwhile(monkeypatch, "_headed", commit_second)
    importer.commit(first)
    second = rival.result()
    assert (first.status, second.status) == (ImportJob.Status.DONE, ImportJob.Status.DONE)
    assert sorted([first.new_persons, second.new_persons]) == [0, 1]
    assert ledger.home_a.persons.filter(name="张小宝").count() == 1


@on_postgresql
@pytest.mark.django_db
def test_a_batch_locks_its_households_and_persons_in_one_statement_each(world, ledger, importer):
    rows = [
        template_row("张三丰", ledger.zhang.document_number, "13600001111"),
        template_row("张小宝", "", relation="孙子"),
        template_row("李小红", ledger.li.document_number, unit="1", room="101", building="2号楼"),
    ]
    job = importer.upload(workbook_upload(rows))
    assert job.problem_count == 0
    with CaptureQueriesContext(connection) as queries:
        importer.commit(job)
    assert job.status == ImportJob.Status.DONE
    locks = [q["sql"] for q in queries if re.search(r"FOR (NO KEY )?UPDATE", q["sql"])]
    persons = [sql for sql in locks if 'FROM "people_person"' in sql]
    households = [sql for sql in locks if 'FROM "people_household"' in sql]
    assert len(persons) == 1, locks
    assert len(households) == 1, locks
    assert f'"people_household"."id" IN ({ledger.home_a.pk})' in households[0]
    assert "FOR NO KEY UPDATE" in households[0]
    assert 'ORDER BY "people_person"."id"' in persons[0]
    assert 'FOR NO KEY UPDATE OF "people_person"' in persons[0]
    assert Person.objects.get(pk=ledger.zhang.pk).version == 2
