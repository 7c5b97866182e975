"""One head (户主) per household in register is held by the database itself
(``person_one_head``), not only by the actions' check: two saves at the same moment
both pass the check, and the second is refused by the index with the message the check
gives, never a 500. A moved-out head does not count. Migration 0016 lists households
that already have several heads before 0017 builds the index."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from shouwang.core.tests.races import at_once, stale_first_call
from shouwang.people import actions
from shouwang.people.actions import persons
from shouwang.people.models import Household, Person
from shouwang.people.tests.factories import (
    edit_form_data,
    make_household,
    make_person,
    next_id_card,
)

HEAD = Person.Relation.HEAD
SECOND_HEAD = "这一户已有户主张三丰"


def test_the_database_refuses_a_second_head_in_register(world, ledger):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(ledger.home_a, "张无忌", relation=HEAD)
    ledger.zhang.moved_out = True
    ledger.zhang.save()
    make_person(ledger.home_a, "张无忌", relation=HEAD)  # a moved-out head does not count
    # Persons not yet in a household are no household's head.
    Person.objects.create(name="甲", area=world.community_a, relation=HEAD)
    Person.objects.create(name="乙", area=world.community_a, relation=HEAD)


def _late():
    """The actions' check of one head as made by a save that checked before another
    save of a head committed: passed the first time, the truth after."""
    return stale_first_call(persons, "_check_one_head", lambda person, **kwargs: None)


def _registration(**changes) -> dict:
    data = {
        "name": "张无忌",
        "doc_type": "id_card",
        "doc_number": next_id_card(),
        "relation": "head",
        "residence_type": "permanent",
    }
    return data | changes


def test_a_head_registered_at_the_same_moment_gets_the_message_not_a_500(world, ledger):
    url = reverse("people:person_create", args=[ledger.home_a.pk])
    with _late():
        response = world.client("staff_a").post(url, _registration())
    assert response.status_code == 400
    assert SECOND_HEAD in response.content.decode()
    assert not Person.objects.filter(name="张无忌").exists()


def test_an_edit_to_head_at_the_same_moment_gets_the_message(world, ledger):
    wife = make_person(ledger.home_a, "殷素素", relation=Person.Relation.SPOUSE)
    url = reverse("people:person_edit", args=[wife.pk])
    with _late():
        response = world.client("staff_a").post(url, edit_form_data(wife, relation="head"))
    assert response.status_code == 400
    assert SECOND_HEAD in response.content.decode()
    wife.refresh_from_db()
    assert (wife.relation, wife.version) == (Person.Relation.SPOUSE, 1)


def test_a_restore_at_the_same_moment_gets_the_message(world, ledger):
    old = make_household(world.building_a, room="909")
    former = make_person(old, "张三丰", relation=HEAD, moved_out=True)
    make_person(old, "张无忌", relation=HEAD)
    url = reverse("people:person_restore", args=[former.pk])
    with _late():
        response = world.client("staff_a").post(url, {"version": former.version}, follow=True)
    assert response.status_code == 200
    assert "这一户已有户主张无忌" in response.content.decode()
    former.refresh_from_db()
    assert former.moved_out


BEFORE = [("people", "0015_importjob_headless")]
AFTER = [("people", "0017_person_one_head")]


@pytest.mark.django_db(transaction=True)
def test_several_heads_are_listed_then_the_constraint_is_built_and_dropped_again(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    OldHousehold = apps.get_model("people", "Household")
    OldPerson = apps.get_model("people", "Person")
    home = OldHousehold.objects.create(area_id=world.building_a.pk, unit="2", room="301")

    def head(name, **fields):
        return OldPerson.objects.create(
            name=name,
            area_id=world.building_a.pk,
            household_id=home.pk,
            relation="head",
            **fields,
        )

    head("张三丰")
    second = head("张翠山")
    head("张无忌", moved_out=True)

    executor.loader.build_graph()
    with pytest.raises(CommandError) as refused:
        executor.migrate(AFTER)
    message = str(refused.value)
    assert "1 户登记了多位户主" in message
    assert f"/people/household/{home.pk}/（1号楼2单元301：张三丰、张翠山）" in message

    OldPerson.objects.filter(pk=second.pk).update(relation="child")
    executor.loader.build_graph()
    executor.migrate(AFTER)
    OldPerson = executor.loader.project_state(AFTER).apps.get_model("people", "Person")
    with pytest.raises(IntegrityError), transaction.atomic():
        head("宋远桥")

    executor.loader.build_graph()
    executor.migrate(BEFORE)
    OldPerson = executor.loader.project_state(BEFORE).apps.get_model("people", "Person")
    extra = head("宋远桥")
    OldPerson.objects.filter(pk=extra.pk).delete()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_another_workflow_registering_at_the_same_moment_adds_a_member(world, ledger):
    # A resident's self-registration at a checkpoint found the flat without a head, and
    # another registration made one meanwhile: this one joins as 其他, not refused.
    with (
        mock.patch.object(Household, "newcomer_relation", return_value=HEAD),
        _late(),
    ):
        person = actions.create_person(
            household=ledger.home_a,
            name="宋青书",
            doc_type="id_card",
            doc_number=next_id_card(),
            by=None,
        )
    assert person.relation == Person.Relation.OTHER
    assert ledger.home_a.persons.filter(relation=HEAD).get() == ledger.zhang


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="in-process threads need PostgreSQL"
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_into_an_empty_flat_make_one_head(world) -> None:
    def register(home, i: int, **fields) -> Person:
        return actions.create_person(
            household=home,
            name=f"王同时{i}",
            doc_type="id_card",
            doc_number=next_id_card(),
            fields=fields,
            by=world.staff_a,
        )

    # Without a relation given, the first heads the flat and the others join it.
    home = make_household(world.building_a, room="606")
    results = at_once(4, lambda i: register(home, i))
    assert all(isinstance(r, Person) for r in results), results
    assert home.persons.filter(relation=HEAD).count() == 1
    # Each saying 户主: one is, the others are told who is.
    home = make_household(world.building_a, room="607")
    results = at_once(4, lambda i: register(home, i, relation=HEAD))
    assert len([r for r in results if isinstance(r, Person)]) == 1, results
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 3, results
    assert all("这一户已有户主王同时" in r.messages[0] for r in refused)
