"""One ledger row per document: the database refuses a second person with a document
already on a row (moved-out rows included: the ledger keeps them and restores them, an
import updates them), persons without a document are not limited, and a registration
that loses a race gets the same clear message as one that did not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from shouwang.people import actions
from shouwang.people.models import ImportJob, Person
from shouwang.people.tests.factories import make_person, next_id_card, template_row, xlsx_upload


def test_the_database_keeps_one_person_per_document(world, ledger):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(ledger.home_a2, "张三丰", doc=ledger.zhang.document_number)
    Person.objects.filter(pk=ledger.zhang.pk).update(moved_out=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(ledger.home_a2, "张三丰", doc=ledger.zhang.document_number)
    for name in ("新生儿甲", "新生儿乙", "新生儿丙"):
        make_person(ledger.home_a, name, doc="", phone="")
    assert Person.objects.without_document().count() == 3


def _registered_meanwhile(monkeypatch, household, number: str) -> None:
    """Another worker's registration of ``number`` commits just after this one's
    check found the number free (what two simultaneous saves do on PostgreSQL): the
    check is made to see the ledger as it was a moment before."""
    make_person(household, "王同时", doc=number)
    check = actions.persons._check_document_free
    calls = []

    def a_moment_before(doc_hash, **kwargs):
        calls.append(doc_hash)
        if len(calls) > 1:
            check(doc_hash, **kwargs)

    monkeypatch.setattr(actions.persons, "_check_document_free", a_moment_before)


def test_a_registration_that_loses_a_race_gets_a_message_not_a_500(world, ledger, monkeypatch):
    number = next_id_card()
    _registered_meanwhile(monkeypatch, ledger.home_a2, number)
    response = world.client("staff_a").post(
        reverse("people:person_create", args=[ledger.home_a.pk]),
        {
            "name": "王同时",
            "doc_type": "id_card",
            "doc_number": number,
            "relation": "other",
            "residence_type": "permanent",
        },
    )
    assert response.status_code == 400
    assert "该证件号码已登记：王同时，西城花园2号楼1单元101" in response.content.decode()
    assert Person.objects.with_document(number).get().household == ledger.home_a2


def test_an_edit_that_loses_a_race_gets_a_message_not_a_500(world, ledger, monkeypatch):
    number = next_id_card()
    _registered_meanwhile(monkeypatch, ledger.home_b, number)
    response = world.client("staff_a").post(
        reverse("people:person_edit", args=[ledger.li.pk]),
        {
            "version": 1,
            "name": "李小红",
            "doc_type": "id_card",
            "doc_number": number,
            "relation": ledger.li.relation,
            "residence_type": ledger.li.residence_type,
        },
    )
    assert response.status_code == 400
    assert "该证件号码已在您辖区以外登记" in response.content.decode()
    assert "王同时" not in response.content.decode()
    ledger.li.refresh_from_db()
    assert (ledger.li.version, ledger.li.document_number) == (1, "41010519920304122X")


def test_a_moved_out_persons_document_points_to_their_row(world, ledger):
    client = world.client("staff_a")
    client.post(reverse("people:person_move_out", args=[ledger.li.pk]), {"version": 1})
    response = client.post(
        reverse("people:person_create", args=[ledger.home_a.pk]),
        {
            "name": "李小红",
            "doc_type": "id_card",
            "doc_number": "41010519920304122X",
            "relation": "other",
            "residence_type": "permanent",
        },
    )
    assert response.status_code == 400
    assert "已迁出，可在其页面恢复在册" in response.content.decode()
    response = client.post(reverse("people:person_restore", args=[ledger.li.pk]), {"version": 2})
    ledger.li.refresh_from_db()
    assert not ledger.li.moved_out


def test_another_app_adding_a_person_who_lost_a_race_gets_the_message(world, ledger, monkeypatch):
    number = next_id_card()
    _registered_meanwhile(monkeypatch, ledger.home_a2, number)
    with pytest.raises(ValidationError, match="该证件号码已登记：王同时"):
        actions.create_person(
            area=world.community_a,
            name="王同时",
            doc_type="id_card",
            doc_number=number,
            by=world.hq,
        )
    assert Person.objects.with_document(number).count() == 1


# The import -----------------------------------------------------------------------------


def test_a_document_registered_elsewhere_after_the_check_is_a_problem_of_its_row(
    world, ledger, importer
):
    """Checked at 9:00, confirmed at 11:00: meanwhile community B registered one of the
    file's residents. That row is not imported (it cannot be updated from here), the
    others are, and the page says which row and why."""
    first, second = next_id_card(), next_id_card()
    rows = [template_row("刘备", first), template_row("关羽", second, room="302")]
    job = importer.upload(xlsx_upload(rows))
    assert (job.valid_rows, job.problem_count, job.new_persons) == (2, 0, 2)
    make_person(ledger.home_b, "关羽", doc=second)
    importer.commit(job)
    assert job.status == ImportJob.Status.DONE
    assert (job.new_persons, job.problem_count) == (1, 1)
    assert Person.objects.with_document(first).get().household.room == "301"
    assert Person.objects.with_document(second).get().household == ledger.home_b
    problem = job.problems.get()
    assert (problem.row, problem.column) == (3, "证件号码")
    assert "您辖区以外登记" in problem.message
    page = importer.page(job)
    assert "新增 1 人" in page
    assert "1 个问题所在的行未导入" in page


def test_a_batch_that_collides_with_a_registration_at_that_moment_is_written_again(
    world, ledger, importer, monkeypatch
):
    """The unique constraint refuses an insert whose number was registered between the
    batch's lookup and its insert: the batch is rolled back and written once more,
    counting each row once."""
    from shouwang.people import bulk

    numbers = [next_id_card(), next_id_card()]
    rows = [template_row("刘备", numbers[0]), template_row("关羽", numbers[1], room="302")]
    job = importer.upload(xlsx_upload(rows))
    insert = bulk.BulkInsert.insert
    collided = []

    def collide_once(self, rows, **kwargs):
        if self.db_table == Person._meta.db_table and not collided:
            collided.append(True)
            make_person(ledger.home_a2, "同时登记", doc=numbers[1])
        return insert(self, rows, **kwargs)

    monkeypatch.setattr(bulk.BulkInsert, "insert", collide_once)
    importer.commit(job)
    assert collided
    assert job.status == ImportJob.Status.DONE
    assert (job.new_persons, job.new_households, job.problem_count) == (2, 1, 0)
    assert all(Person.objects.with_document(n).count() == 1 for n in numbers)
