"""Households and persons through the pages: create, edit, history, move out,
optimistic locking, jurisdiction."""

import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shouwang.accounts.models import AuditEvent
from shouwang.core import pii
from shouwang.people.actions import create_person
from shouwang.people.models import Change, Household, Person, Tag, clean_name
from shouwang.people.tests.factories import edit_form_data, next_id_card


def test_it_lists_a_buildings_households_with_their_persons(
    world, ledger, django_assert_max_num_queries
):
    client = world.client("staff_a")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:area", args=[world.building_a.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "2单元301" in text
    assert "张三丰" in text
    assert "410105********1230" in text
    assert "王大锤" not in text


def test_the_crumbs_of_a_building_and_a_compound_lead_to_pages_that_exist(world):
    # A compound's parent is a community: its crumb is the ledger filtered by it (the
    # households page is for compounds and buildings only; it linked to a 404).
    client = world.client("staff_a")
    for area in (world.building_a, world.compound_a):
        page = client.get(reverse("people:area", args=[area.pk])).content.decode()
        crumbs = page.split('<nav class="crumbs">')[1].split("</nav>")[0]
        links = re.findall(r'href="([^"]+)"', crumbs)
        assert len(links) == 2
        for link in links:
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_a_compound_with_buildings_counts_its_households_through_them(world, ledger):
    # 西城花园's own 应有户数 (100, from an import row naming no building) is not what
    # coverage counts: its buildings' figures are (4 + 4), and its households are in
    # them (张三丰's, 李小红's). The page said 已登记 0 户，应有 100 户，还差 100 户.
    world.compound_a.expected_households = 100
    world.compound_a.save(update_fields=["expected_households"])
    page = world.client("staff_a").get(reverse("people:area", args=[world.compound_a.pk]))
    text = page.content.decode()
    assert '各楼栋合计：已登记 2 户，应有 8 户，<span class="bad">还差 6 户</span>' in text
    assert "应有 100 户" not in text


def test_a_room_with_a_number_typed_after_it_is_refused(world):
    response = world.client("staff_a").post(
        reverse("people:household_create", args=[world.building_a.pk]),
        {"unit": "3", "room": "502 13611112222", "housing_type": "owned"},
    )
    assert response.status_code == 400
    assert "房号的数字之间有空格" in response.content.decode()
    assert not Household.objects.filter(area=world.building_a).exists()


@pytest.mark.parametrize("room", ["-", "室", "—", "#", "- 室"])
def test_a_room_without_a_number_is_refused(world, room):
    response = world.client("staff_a").post(
        reverse("people:household_create", args=[world.building_a.pk]),
        {"unit": "3", "room": room, "housing_type": "owned"},
    )
    assert response.status_code == 400
    assert "房号里没有门牌号码" in response.content.decode()
    assert not Household.objects.filter(area=world.building_a).exists()


def test_a_rooms_own_name_is_kept(world):
    # A village house may be 东院 or 西院: a name, not a number, but not empty either.
    response = world.client("staff_a").post(
        reverse("people:household_create", args=[world.building_a.pk]),
        {"unit": "", "room": "东院", "housing_type": "owned"},
    )
    assert response.status_code == 302
    assert Household.objects.get(area=world.building_a).room == "东院"


def test_it_registers_a_household_and_a_person(world):
    client = world.client("staff_a")
    response = client.post(
        reverse("people:household_create", args=[world.building_a.pk]),
        {
            "unit": "3单元",
            "room": "502室",
            "housing_type": "rented",
            "landlord_name": "赵房东",
            "landlord_phone": "13611112222",
        },
    )
    household = Household.objects.get(area=world.building_a, room="502")
    assert response.status_code == 302
    assert household.unit == "3"
    assert household.landlord_phone_masked == "136****2222"
    response = client.post(
        reverse("people:person_create", args=[household.pk]),
        {
            "name": " 刘 备 ".replace(" ", ""),
            "doc_type": "id_card",
            "doc_number": "410105199001011233",
            "phone": "138 0013 8000",
            "relation": "tenant",
            "residence_type": "temporary",
            "tags": [Tag.objects.get_or_create(name="慢性病")[0].pk],
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="刘备")
    assert person.birth_date.isoformat() == "1990-01-01"
    assert person.sex == "M"
    assert person.name_initials == "lb"
    assert person.phone_last4 == "8000"
    assert person.area == world.building_a
    assert Change.objects.filter(person=person, action=Change.Action.CREATE).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="people.Person"
    ).exists()


def test_an_id_and_a_phone_typed_in_full_width_are_stored_as_digits(world, ledger):
    client = world.client("staff_a")
    response = client.post(
        reverse("people:person_create", args=[ledger.home_a.pk]),
        {
            "name": "赵云",
            "doc_type": "id_card",
            "doc_number": "４１０１０５１９９００１０１１２３３",
            "phone": "１３８００１３８０００",
            "relation": "other",
            "residence_type": "permanent",
        },
    )
    assert response.status_code == 302
    zhao = Person.objects.get(name="赵云")
    assert (zhao.document_number, zhao.phone, zhao.doc_tail, zhao.phone_last4) == (
        "410105199001011233",
        "13800138000",
        pii.tail_hash("1233"),
        "8000",
    )
    assert set(Person.objects.with_document("410105199001011233")) == {zhao}


def test_it_refuses_a_bad_id_with_a_chinese_message(world, ledger):
    client = world.client("staff_a")
    response = client.post(
        reverse("people:person_create", args=[ledger.home_a.pk]),
        {
            "name": "赵云",
            "doc_type": "id_card",
            "doc_number": "410105199001011234",
            "relation": "head",
            "residence_type": "permanent",
        },
    )
    assert response.status_code == 400
    assert "校验位不正确" in response.content.decode()
    assert not Person.objects.filter(name="赵云").exists()


@pytest.mark.parametrize("tag", ["9" * 25, str(2**63)])
def test_a_tampered_tag_is_refused_and_nothing_is_saved(world, ledger, tag):
    response = world.client("staff_a").post(
        reverse("people:person_create", args=[ledger.home_a.pk]),
        {
            "name": "赵云",
            "doc_type": "id_card",
            "doc_number": "",
            "relation": "head",
            "residence_type": "permanent",
            "tags": [tag],
        },
    )
    assert response.status_code == 400
    assert "所选标签不在可选范围内或已不存在" in response.content.decode()
    assert not Person.objects.filter(name="赵云").exists()


def test_it_refuses_a_document_already_registered(world, ledger):
    client = world.client("staff_a")
    data = {
        "name": "张三丰",
        "doc_type": "id_card",
        "relation": "other",
        "residence_type": "permanent",
    }
    response = client.post(
        reverse("people:person_create", args=[ledger.home_a2.pk]),
        data | {"doc_number": "410105194001011230"},
    )
    assert response.status_code == 400
    assert "已登记：张三丰" in response.content.decode()
    response = client.post(
        reverse("people:person_create", args=[ledger.home_a2.pk]),
        data | {"doc_number": "410105198506071253"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "辖区以外登记" in text
    assert "王大锤" not in text


def test_a_registration_without_a_document_sent_twice_registers_one_person(world, ledger):
    client = world.client("staff_a")
    url = reverse("people:person_create", args=[ledger.home_a.pk])
    data = {"name": "张小宝", "doc_type": "id_card", "relation": "grandchild"}
    data |= {"residence_type": "permanent"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 400
    assert "本户已登记没有证件号码的“张小宝”，请勿重复登记" in response.content.decode()
    assert ledger.home_a.persons.filter(name="张小宝").count() == 1
    assert Change.objects.filter(person__name="张小宝").count() == 1

    # Another household may have its own 张小宝; one with a document is told apart by it.
    other = reverse("people:person_create", args=[ledger.home_a2.pk])
    assert client.post(other, data).status_code == 302
    assert client.post(url, data | {"doc_number": next_id_card()}).status_code == 302
    assert Person.objects.filter(name="张小宝").count() == 3


def test_it_keeps_a_history_of_changes_with_masked_values(world, ledger):
    client = world.client("staff_a")
    url = reverse("people:person_edit", args=[ledger.zhang.pk])
    response = client.post(url, edit_form_data(ledger.zhang, phone="13900009999", notes="行动不便"))
    assert response.status_code == 302
    change = Change.objects.filter(person=ledger.zhang, action=Change.Action.UPDATE).get()
    assert ["手机号", "135****5678", "139****9999"] in change.changes
    assert ["备注", "", "行动不便"] in change.changes
    page = client.get(reverse("people:person", args=[ledger.zhang.pk])).content.decode()
    assert "139****9999" in page
    assert "行动不便" in page
    assert "13900009999" not in page


def test_a_note_longer_than_the_import_takes_is_refused_and_nothing_is_saved(world, ledger):
    # The ledger's export goes back in through the import, which takes notes of up to
    # 1,000 characters: the forms take no more, so an exported row always imports.
    client = world.client("staff_a")
    url = reverse("people:person_edit", args=[ledger.zhang.pk])
    response = client.post(url, edit_form_data(ledger.zhang, notes="长" * 1001))
    assert response.status_code == 400
    assert "最多 1000 个字" in response.content.decode()
    ledger.zhang.refresh_from_db()
    assert ledger.zhang.notes == ""
    assert ledger.zhang.version == 1
    assert client.post(url, edit_form_data(ledger.zhang, notes="长" * 1000)).status_code == 302

    url = reverse("people:household_edit", args=[ledger.home_a.pk])
    data = {"version": 1, "unit": "2", "room": "301", "housing_type": "owned", "notes": "长" * 1001}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "最多 1000 个字" in response.content.decode()
    ledger.home_a.refresh_from_db()
    assert ledger.home_a.notes == ""


def test_the_second_of_two_concurrent_saves_is_refused(world, ledger):
    first, second = world.client("staff_a"), world.client("grid_a")
    url = reverse("people:person_edit", args=[ledger.zhang.pk])
    loaded = edit_form_data(ledger.zhang)  # both opened the form at the same version
    assert first.post(url, loaded | {"notes": "第一次"}).status_code == 302
    response = second.post(url, loaded | {"notes": "第二次"})
    assert response.status_code == 409
    assert "刚被" in response.content.decode()
    assert "未保存" in response.content.decode()
    ledger.zhang.refresh_from_db()
    assert ledger.zhang.notes == "第一次"
    assert ledger.zhang.version == 2


def test_two_people_editing_the_same_household_do_not_lose_an_update(world, ledger):
    url = reverse("people:household_edit", args=[ledger.home_a.pk])
    loaded = {
        "version": 1,
        "unit": "2",
        "room": "301",
        "housing_type": "owned",
        "landlord_name": "",
        "notes": "",
    }
    assert world.client("staff_a").post(url, loaded | {"notes": "一楼有狗"}).status_code == 302
    response = world.client("hq").post(url, loaded | {"housing_type": "rented"})
    assert response.status_code == 409
    assert "刚被" in response.content.decode()
    ledger.home_a.refresh_from_db()
    assert ledger.home_a.notes == "一楼有狗"
    assert ledger.home_a.housing_type == "owned"


def test_moving_out_keeps_the_person(world, ledger):
    client = world.client("staff_a")
    response = client.post(reverse("people:person_move_out", args=[ledger.li.pk]), {"version": 1})
    assert response.status_code == 302
    ledger.li.refresh_from_db()
    assert ledger.li.moved_out
    assert ledger.li.moved_out_at is not None
    listing = client.get(reverse("people:index")).content.decode()
    assert "李小红" not in listing
    moved = client.get(reverse("people:index"), {"status": "moved_out"}).content.decode()
    assert "李小红" in moved
    response = client.post(reverse("people:person_restore", args=[ledger.li.pk]), {"version": 2})
    ledger.li.refresh_from_db()
    assert not ledger.li.moved_out
    actions = list(Change.objects.filter(person=ledger.li).values_list("action", flat=True))
    assert actions == [Change.Action.RESTORE, Change.Action.MOVE_OUT]


def test_a_stale_move_out_is_refused(world, ledger):
    client = world.client("staff_a")
    client.post(
        reverse("people:person_edit", args=[ledger.li.pk]), edit_form_data(ledger.li, notes="x")
    )
    response = client.post(
        reverse("people:person_move_out", args=[ledger.li.pk]), {"version": 1}, follow=True
    )
    assert "刚被" in response.content.decode()
    ledger.li.refresh_from_db()
    assert not ledger.li.moved_out


def test_rows_of_another_community_are_not_found(world, ledger):
    client = world.client("staff_a")
    for name in ("people:person", "people:person_edit"):
        assert client.get(reverse(name, args=[ledger.wang_b.pk])).status_code == 404
    assert client.get(reverse("people:household", args=[ledger.home_b.pk])).status_code == 404


def test_read_only_roles_cannot_edit(world, ledger):
    for persona in ("leader", "auditor", "guard_a"):
        client = world.client(persona)
        response = client.post(
            reverse("people:person_edit", args=[ledger.zhang.pk]),
            edit_form_data(ledger.zhang, notes="x"),
        )
        assert response.status_code == 403
    assert (
        world.client("leader").get(reverse("people:person", args=[ledger.zhang.pk])).status_code
        == 200
    )


def test_other_apps_add_a_person_without_a_household_with_history_and_audit(world, ledger):
    person = create_person(
        area=world.community_a,
        name=" 赵六 ",
        doc_type="id_card",
        doc_number=next_id_card(),
        phone="13600000000",
        note="流调新增人员",
        by=world.hq,
    )
    person.refresh_from_db()
    assert (person.name, person.area, person.household) == ("赵六", world.community_a, None)
    assert person.phone == "13600000000"
    assert person.doc_enc
    assert person.document_number not in person.doc_enc  # stored encrypted
    assert Change.objects.get(person=person).action == Change.Action.CREATE
    event = AuditEvent.objects.get(object_type="people.Person", object_id=str(person.pk))
    assert (event.action, event.detail) == ("create", "流调新增人员")


def test_a_person_without_a_household_needs_a_place_and_a_free_document(world, ledger):
    fields = {"name": "赵六", "doc_type": "id_card", "by": world.hq}
    with pytest.raises(ValidationError, match="楼栋、小区或社区"):
        create_person(area=world.subdistrict, doc_number=next_id_card(), **fields)
    with pytest.raises(ValidationError, match="该证件号码已登记：张三丰"):
        create_person(area=world.community_a, doc_number=ledger.zhang.document_number, **fields)
    with pytest.raises(ValidationError, match="请填写姓名"):
        create_person(area=world.community_a, doc_number=next_id_card(), **{**fields, "name": " "})
    assert Person.objects.count() == 3


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("张 三", "张三"),  # a two-character name padded to line up with three
        ("王\u3000五", "王五"),  # the full-width space of a Chinese input method
        (" 欧阳  修 ", "欧阳修"),
        ("买买提 · 艾力", "买买提·艾力"),
        ("John  Smith", "John Smith"),
        ("赵\u200b小丰", "赵小丰"),  # a zero-width space pasted from a chat
        ("\ufeff李四\x07", "李四"),  # a byte-order mark, a bell
    ],
)
def test_a_name_padded_with_spaces_is_stored_as_the_name_and_found(world, ledger, typed, stored):
    client = world.client("staff_a")
    household = Household.objects.filter(area=world.building_a).first()
    response = client.post(
        reverse("people:person_create", args=[household.pk]),
        {"name": typed, "doc_type": "id_card", "relation": "other", "residence_type": "permanent"},
    )
    assert response.status_code == 302
    person = Person.objects.get(name=stored)
    response = client.post(reverse("people:index"), {"q": stored}, HTTP_HX_REQUEST="true")
    assert person in response.context["persons"]


def test_a_name_of_invisible_characters_only_is_no_name(world, ledger):
    household = Household.objects.filter(area=world.building_a).first()
    before = Person.objects.count()
    response = world.client("staff_a").post(
        reverse("people:person_create", args=[household.pk]),
        {
            "name": "\u200b\x07\u200d",
            "doc_type": "id_card",
            "relation": "other",
            "residence_type": "permanent",
        },
    )
    assert response.status_code == 400
    assert "请填写姓名" in response.content.decode()
    assert Person.objects.count() == before


@given(st.text(max_size=40))
def test_a_cleaned_name_has_no_invisible_characters_and_stays_as_it_is(text):
    name = clean_name(text)
    assert clean_name(name) == name
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    assert name == name.strip()


def test_names_stored_with_spaces_are_cleaned_by_the_migration(world, ledger):
    from importlib import import_module

    from django.apps import apps

    person = Person.objects.first()
    Person.objects.filter(pk=person.pk).update(name="张\u3000三 丰")
    import_module("shouwang.people.migrations.0008_names_without_spaces").clean_names(apps, None)
    person.refresh_from_db()
    assert (person.name, person.name_initials) == ("张三丰", "zsf")


def test_a_person_under_observation_is_not_moved_out_behind_the_record(world, ledger):
    """The grid worker would go on following up a resident the ledger says has left:
    the key-person record is ended first (已离开辖区), then the person moved out."""
    from shouwang.watch import actions as watch_actions
    from shouwang.watch.tests import factories as watch_factories

    today = ledger.li.created_at.date()
    watch_actions.register_key_person(
        person=ledger.li,
        category=watch_factories.category(),
        source="police",
        measure="home",
        start_date=today,
        by=world.staff_a,
    )
    client = world.client("staff_a")
    url = reverse("people:person_move_out", args=[ledger.li.pk])
    page = client.post(url, {"version": 1}, follow=True).content.decode()
    assert "重点人员管控中" in page
    ledger.li.refresh_from_db()
    assert not ledger.li.moved_out
    assert not Change.objects.filter(person=ledger.li, action=Change.Action.MOVE_OUT).exists()
