"""迁入: a person who moved out of community A is registered by community B on their
own row (one person per document), history kept and audited, without B learning
anything of A's household; a person still registered in A is refused with the
community to ask for the move-out."""

from __future__ import annotations

from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.people.models import Change, Person

LI = "41010519920304122X"  # 李小红, 西城花园2号楼1单元101 (community A)


def _form(**changes) -> dict:
    return {
        "name": "李小红",
        "doc_type": "id_card",
        "doc_number": LI,
        "phone": "",
        "relation": "spouse",
        "residence_type": "permanent",
    } | changes


def _moved_out_of_a(world, ledger) -> None:
    response = world.client("staff_a").post(
        reverse("people:person_move_out", args=[ledger.li.pk]), {"version": 1}
    )
    assert response.status_code == 302
    ledger.li.refresh_from_db()
    assert ledger.li.moved_out


def test_b_is_offered_the_move_in_of_a_person_who_moved_out_of_a(world, ledger):
    _moved_out_of_a(world, ledger)
    response = world.client("staff_b").post(
        reverse("people:person_create", args=[ledger.home_b.pk]), _form()
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "此人曾在其他社区登记，已迁出" in page
    assert "确认迁入本户" in page
    assert reverse("people:person_move_in", args=[ledger.home_b.pk]) in page
    # Nothing of A's household, nor of the person's record there.
    for secret in ("西城", "2号楼", "1单元101", "13987654321", "李小红，"):
        assert secret not in page
    assert Person.objects.with_document(LI).get().household == ledger.home_a2


def test_b_moves_the_person_in_and_their_history_stays_with_the_row(world, ledger):
    _moved_out_of_a(world, ledger)
    client = world.client("staff_b")
    response = client.post(
        reverse("people:person_move_in", args=[ledger.home_b.pk]),
        _form(notes="从外区搬来", tags=[]),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:household", args=[ledger.home_b.pk])
    person = Person.objects.with_document(LI).get()
    assert person.pk == ledger.li.pk  # the same row: one person per document
    assert (person.household, person.area) == (ledger.home_b, world.building_b)
    assert (person.moved_out, person.moved_out_at) == (False, None)
    assert (person.relation, person.residence_type) == ("spouse", "permanent")
    assert person.notes == "从外区搬来"
    assert person.phone == "13987654321"  # none given: the one on record is kept
    assert person.version == 3
    # The whole history is kept; the entry B wrote says 其他社区, not A's address.
    actions = list(Change.objects.filter(person=person).order_by("at", "id"))
    assert [c.action for c in actions] == [Change.Action.MOVE_OUT, Change.Action.MOVE_IN]
    move_in = actions[-1]
    assert move_in.area == world.building_b
    assert ["状态", "已迁出", "在册"] in move_in.changes
    assert ["户", "其他社区（已迁出）", "八一新苑1号楼1单元501"] in move_in.changes
    assert "西城" not in str(move_in.changes)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, detail__startswith="迁入")
    assert (audit.user, audit.object_id) == (world.staff_b, str(person.pk))
    # B's pages show the person with B's history only; A no longer reaches them.
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "八一新苑1号楼1单元501" in page
    assert "迁入" in page
    assert "西城" not in page
    assert (
        world.client("staff_a").get(reverse("people:person", args=[person.pk])).status_code == 404
    )
    hq_page = world.client("hq").get(reverse("people:person", args=[person.pk])).content.decode()
    assert "迁出" in hq_page
    assert "迁入" in hq_page


def test_a_new_phone_and_tags_replace_the_old_ones(world, ledger, default_tags):
    ledger.li.tags.add(default_tags["低保"])
    _moved_out_of_a(world, ledger)
    world.client("staff_b").post(
        reverse("people:person_move_in", args=[ledger.home_b.pk]),
        _form(phone="13600001234", tags=[default_tags["孕产妇"].pk]),
    )
    person = Person.objects.with_document(LI).get()
    assert person.household == ledger.home_b
    assert person.phone == "13600001234"
    assert [t.name for t in person.tags.all()] == ["孕产妇"]


def test_a_person_still_registered_in_a_is_refused_with_the_community_to_ask(world, ledger):
    client = world.client("staff_b")
    for url in ("people:person_create", "people:person_move_in"):
        response = client.post(reverse(url, args=[ledger.home_b.pk]), _form())
        page = response.content.decode()
        assert response.status_code == 400
        assert "此人仍在西城社区在册" in page
        assert "请联系西城社区先办理迁出" in page
        assert "确认迁入本户" not in page
        for secret in ("李小红，", "2号楼", "1单元101", "西城花园"):
            assert secret not in page
    person = Person.objects.with_document(LI).get()
    assert (person.household, person.moved_out, person.version) == (ledger.home_a2, False, 1)
    assert not Change.objects.filter(action=Change.Action.MOVE_IN).exists()


def test_the_name_must_be_the_one_on_record(world, ledger):
    """A mistyped number must not move someone else's record: the name is checked (and
    the one on record is not shown)."""
    _moved_out_of_a(world, ledger)
    response = world.client("staff_b").post(
        reverse("people:person_move_in", args=[ledger.home_b.pk]), _form(name="李小白")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "所填姓名与该证件号码登记的姓名不一致" in page
    assert "确认迁入本户" in page
    assert "李小红" not in page
    assert Person.objects.with_document(LI).get().household == ledger.home_a2


def test_a_number_not_in_the_ledger_is_registered_normally(world, ledger):
    from shouwang.people.tests.factories import next_id_card

    response = world.client("staff_b").post(
        reverse("people:person_move_in", args=[ledger.home_b.pk]),
        _form(doc_number=next_id_card(), name="新来的"),
    )
    assert response.status_code == 400
    assert "台账中没有这个证件号码，请直接登记" in response.content.decode()
    assert "确认迁入本户" not in response.content.decode()
    assert not Person.objects.filter(name="新来的").exists()


def test_a_move_in_within_the_users_own_jurisdiction(world, ledger):
    """Moved out of one household of community A and into another: staff of A see the
    details (their own jurisdiction) and are offered the move-in as well."""
    _moved_out_of_a(world, ledger)
    client = world.client("staff_a")
    response = client.post(reverse("people:person_create", args=[ledger.home_a.pk]), _form())
    page = response.content.decode()
    assert response.status_code == 400
    assert "已迁出，可在其页面恢复在册" in page
    assert "确认迁入本户" in page
    response = client.post(reverse("people:person_move_in", args=[ledger.home_a.pk]), _form())
    assert response.status_code == 302
    person = Person.objects.with_document(LI).get()
    assert person.household == ledger.home_a
    change = Change.objects.get(person=person, action=Change.Action.MOVE_IN)
    assert ["户", "西城花园2号楼1单元101", "西城花园1号楼2单元301"] in change.changes


def test_the_move_in_needs_the_edit_capability_and_the_household_in_scope(world, ledger):
    _moved_out_of_a(world, ledger)
    url = reverse("people:person_move_in", args=[ledger.home_b.pk])
    assert world.client("guard_a").post(url, _form()).status_code == 403
    assert world.client("staff_a").post(url, _form()).status_code == 404
    assert world.client("staff_b").get(url).status_code == 405
    assert Person.objects.with_document(LI).get().household == ledger.home_a2


# The import ------------------------------------------------------------------------------

WANG = "410105198506071253"  # 王大锤, 八一新苑1号楼1单元501 (community B)


def _moved_out_of_b(world, ledger) -> None:
    response = world.client("staff_b").post(
        reverse("people:person_move_out", args=[ledger.wang_b.pk]), {"version": 1}
    )
    assert response.status_code == 302


def test_an_import_lists_a_move_in_in_its_preview_and_moves_them_in_on_commit(
    world, ledger, importer
):
    from shouwang.people.tests.factories import next_id_card, template_row, xlsx_upload

    _moved_out_of_b(world, ledger)
    other = next_id_card()
    rows = [
        template_row("刘备", other),
        template_row("王大锤", WANG, phone="13600005678", room="302", relation="租户"),
    ]
    job = importer.upload(xlsx_upload(rows))
    assert (job.valid_rows, job.problem_count) == (2, 0)
    assert (job.new_persons, job.updated_persons, job.moved_in_persons) == (1, 0, 1)
    assert [(m.row, m.name) for m in job.move_ins.all()] == [(3, "王大锤")]
    page = importer.page(job)
    assert "迁入 1 人" in page
    assert "迁入人员" in page
    assert "王大锤" in page
    assert "八一" not in page
    # The signed-in user's factory name (用户5013) may hold the digits too.
    assert "501" not in page.replace(world.staff_a.full_name, "")
    assert Person.objects.with_document(WANG).get().household == ledger.home_b

    importer.commit(job)
    assert job.status == job.Status.DONE
    assert (job.new_persons, job.updated_persons, job.moved_in_persons) == (1, 0, 1)
    wang = Person.objects.with_document(WANG).get()
    assert wang.pk == ledger.wang_b.pk
    assert (wang.household.address, wang.area) == ("西城花园1号楼2单元302", world.building_a)
    assert (wang.moved_out, wang.moved_out_at, wang.relation) == (False, None, "tenant")
    assert wang.phone == "13600005678"
    change = Change.objects.get(person=wang, action=Change.Action.MOVE_IN)
    assert (change.job, change.area) == (job, world.building_a)
    assert ["户", "其他社区（已迁出）", "西城花园1号楼2单元302"] in change.changes
    assert Change.objects.filter(person=wang, action=Change.Action.MOVE_OUT).exists()
    assert "迁入 1 人" in importer.page(job)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert "迁入 1 人" in audit.detail


def test_an_import_refuses_a_person_still_registered_elsewhere_naming_the_community(
    world, ledger, importer
):
    from shouwang.people.tests.factories import template_row, xlsx_upload

    job = importer.upload(xlsx_upload([template_row("王大锤", WANG)]))
    (problem,) = job.problems.all()
    assert (problem.row, problem.column) == (2, "证件号码")
    assert "此人仍在八一社区在册" in problem.message
    assert "请联系八一社区先办理迁出" in problem.message
    assert "八一新苑" not in problem.message
    assert (job.valid_rows, job.moved_in_persons) == (0, 0)


def test_an_import_row_whose_name_differs_is_not_moved_in(world, ledger, importer):
    from shouwang.people.tests.factories import template_row, xlsx_upload

    _moved_out_of_b(world, ledger)
    job = importer.upload(xlsx_upload([template_row("王小锤", WANG)]))
    (problem,) = job.problems.all()
    assert problem.column == "姓名"
    assert "所填姓名与该证件号码登记的姓名不一致" in problem.message
    assert "王大锤" not in problem.message
    assert (job.valid_rows, job.moved_in_persons) == (0, 0)


def test_a_person_restored_in_their_community_after_the_check_is_not_moved_in(
    world, ledger, importer
):
    from shouwang.people.tests.factories import next_id_card, template_row, xlsx_upload

    _moved_out_of_b(world, ledger)
    rows = [template_row("刘备", next_id_card()), template_row("王大锤", WANG, room="302")]
    job = importer.upload(xlsx_upload(rows))
    assert job.moved_in_persons == 1
    world.client("staff_b").post(
        reverse("people:person_restore", args=[ledger.wang_b.pk]), {"version": 2}
    )
    importer.commit(job)
    assert job.status == job.Status.DONE
    assert (job.new_persons, job.moved_in_persons, job.problem_count) == (1, 0, 1)
    assert Person.objects.with_document(WANG).get().household == ledger.home_b
    problem = job.problems.get()
    assert (problem.row, problem.column) == (3, "证件号码")
    assert "恢复在册或重新登记" in problem.message


def test_another_app_adding_a_person_who_moved_out_elsewhere_is_told_where_to_move_them_in(
    world, ledger
):
    """A key-person registration (no household yet) cannot move anyone in: its message
    sends the worker to the ledger."""
    import pytest
    from django.core.exceptions import ValidationError

    from shouwang.people import actions

    _moved_out_of_a(world, ledger)
    with pytest.raises(ValidationError) as refused:
        actions.create_person(
            area=world.community_b,
            name="李小红",
            doc_type="id_card",
            doc_number=LI,
            by=world.staff_b,
        )
    (message,) = refused.value.messages
    assert message.startswith("此人曾在其他社区登记，已迁出。")
    assert "确认迁入" in message
    assert not isinstance(refused.value, actions.MoveInOffered)
    assert Person.objects.with_document(LI).get().household == ledger.home_a2
