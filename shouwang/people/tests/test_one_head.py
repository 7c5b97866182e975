"""A household has one head (户主) in register: the forms refuse a second, and a
registration from another workflow joins a headed household as 其他 (the database holds
the rule too: test_one_head_constraint.py)."""

from django.urls import reverse

from shouwang.people import actions
from shouwang.people.models import Person
from shouwang.people.tests.factories import (
    edit_form_data,
    make_household,
    make_person,
    next_id_card,
)

SECOND_HEAD = "这一户已有户主张三丰"


def _registration(**changes) -> dict:
    data = {
        "name": "张无忌",
        "doc_type": "id_card",
        "doc_number": next_id_card(),
        "relation": "head",
        "residence_type": "permanent",
    }
    return data | changes


def test_it_refuses_to_register_a_second_head(world, ledger):
    response = world.client("staff_a").post(
        reverse("people:person_create", args=[ledger.home_a.pk]), _registration()
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert SECOND_HEAD in page
    assert "请先把张三丰的与户主关系改为实际关系" in page
    assert not Person.objects.filter(name="张无忌").exists()


def test_the_registration_form_of_a_headed_household_does_not_offer_head_first(world, ledger):
    client = world.client("staff_a")
    page = client.get(reverse("people:person_create", args=[ledger.home_a.pk])).content.decode()
    assert '<option value="head" selected>' not in page
    empty = make_household(world.building_a, room="808")
    page = client.get(reverse("people:person_create", args=[empty.pk])).content.decode()
    assert '<option value="head" selected>' in page


def test_it_refuses_an_edit_making_a_second_head(world, ledger):
    wife = make_person(ledger.home_a, "殷素素", relation=Person.Relation.SPOUSE)
    url = reverse("people:person_edit", args=[wife.pk])
    response = world.client("staff_a").post(url, edit_form_data(wife, relation="head"))
    assert response.status_code == 400
    assert SECOND_HEAD in response.content.decode()
    wife.refresh_from_db()
    assert (wife.relation, wife.version) == (Person.Relation.SPOUSE, 1)


def test_the_head_can_be_changed_by_changing_the_old_heads_relation_first(world, ledger):
    client = world.client("staff_a")
    son = make_person(ledger.home_a, "张翠山", relation=Person.Relation.CHILD)
    edit = reverse("people:person_edit", args=[ledger.zhang.pk])
    assert client.post(edit, edit_form_data(ledger.zhang, relation="parent")).status_code == 302
    edit = reverse("people:person_edit", args=[son.pk])
    assert client.post(edit, edit_form_data(son, relation="head")).status_code == 302
    assert ledger.home_a.persons.get(relation=Person.Relation.HEAD) == son


def test_a_moved_out_head_does_not_count(world, ledger):
    client = world.client("staff_a")
    ledger.zhang.moved_out = True
    ledger.zhang.save()
    url = reverse("people:person_create", args=[ledger.home_a.pk])
    assert client.post(url, _registration()).status_code == 302


def test_restoring_a_former_head_beside_the_new_one_is_refused(world, ledger):
    client = world.client("staff_a")
    ledger.zhang.moved_out = True
    ledger.zhang.save()
    make_person(ledger.home_a, "张无忌", relation=Person.Relation.HEAD)
    url = reverse("people:person_restore", args=[ledger.zhang.pk])
    response = client.post(url, {"version": ledger.zhang.version}, follow=True)
    assert "这一户已有户主张无忌" in response.content.decode()
    ledger.zhang.refresh_from_db()
    assert ledger.zhang.moved_out


def test_another_workflow_registering_into_a_headed_household_adds_a_member(world, ledger):
    person = actions.create_person(
        household=ledger.home_a,
        name="宋青书",
        doc_type="id_card",
        doc_number=next_id_card(),
        fields={"notes": "卡点扫码自助登记，待核实"},
        by=None,
    )
    assert person.relation == Person.Relation.OTHER
    empty = make_household(world.building_a, room="909")
    person = actions.create_person(
        household=empty, name="周芷若", doc_type="id_card", doc_number=next_id_card(), by=None
    )
    assert person.relation == Person.Relation.HEAD


def test_a_move_in_as_a_second_head_is_refused_and_stays_open(world, ledger):
    client = world.client("staff_a")
    moved = reverse("people:person_move_out", args=[ledger.li.pk])
    assert client.post(moved, {"version": 1}).status_code == 302
    data = _registration(name="李小红", doc_number="41010519920304122X")
    response = client.post(reverse("people:person_move_in", args=[ledger.home_a.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert SECOND_HEAD + "。如要更换户主，请先把张三丰的与户主关系改为实际关系，再迁入" in page
    assert "确认迁入本户" in page
    ledger.li.refresh_from_db()
    assert (ledger.li.household, ledger.li.moved_out) == (ledger.home_a2, True)
    data["relation"] = "spouse"
    response = client.post(reverse("people:person_move_in", args=[ledger.home_a.pk]), data)
    assert response.status_code == 302
