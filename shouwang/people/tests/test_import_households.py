"""Rows at one flat make one household with one head: the 与户主关系 column when it
says, else the household's first row in the file (or the head the ledger has), the
others 其他. A re-import never demotes or promotes anyone."""

import pytest
from django.urls import reverse

from shouwang.people import importing
from shouwang.people.models import Change, Household, Person
from shouwang.people.tests.factories import (
    make_household,
    make_person,
    template_row,
    xlsx_upload,
)

ID1 = "410105199001011233"
ID2 = "41010519920304122X"
ID3 = "410105200105063527"
FREE_TEXT = ["姓名", "身份证号", "联系电话", "住址"]
HEAD, OTHER = Person.Relation.HEAD, Person.Relation.OTHER


def relations() -> dict[str, str]:
    return dict(Person.objects.values_list("name", "relation"))


def family_file():
    """A family of four kept the communities' way (address as free text), and a
    neighbour."""
    return xlsx_upload(
        [
            ["刘备", ID1, "13800138000", "1号楼2单元301"],
            ["关羽", ID2, "", "1号楼2单元301"],
            ["张飞", ID3, "", "西城花园1号楼2单元301室"],
            ["刘禅", "", "", "1号楼2单元301"],
            ["黄忠", "", "", "2号楼1单元101"],
        ],
        headers=FREE_TEXT,
    )


def test_a_family_kept_as_free_text_gets_one_household_and_one_head(world, importer):
    job = importer.upload(family_file())
    assert (job.new_persons, job.new_households) == (5, 2)
    assert (job.implicit_heads, job.implicit_others) == (2, 3)
    page = importer.page(job)
    assert "2 人是所在户在表中的第一行且该户尚无户主，登记为户主" in page
    assert "3 人登记为“其他”（同户已有户主）" in page
    importer.commit(job)
    assert Household.objects.count() == 2
    family = Household.objects.get(area=world.building_a)
    assert family.persons.count() == 4
    assert relations() == {"刘备": HEAD, "关羽": OTHER, "张飞": OTHER, "刘禅": OTHER, "黄忠": HEAD}
    page = world.client("staff_a").get(reverse("people:household", args=[family.pk]))
    assert page.content.decode().count('data-label="关系">户主<') == 1


def test_reimporting_the_family_updates_without_duplicates_or_new_heads(world, importer):
    importer.commit(importer.upload(family_file()))
    again = importer.upload(family_file())
    assert (again.new_persons, again.new_households) == (0, 0)
    assert (again.implicit_heads, again.implicit_others) == (0, 0)
    assert "登记为户主" not in importer.page(again)
    importer.commit(again)
    assert Person.objects.count() == 5
    assert relations() == {"刘备": HEAD, "关羽": OTHER, "张飞": OTHER, "刘禅": OTHER, "黄忠": HEAD}
    assert not Change.objects.filter(action=Change.Action.IMPORT_UPDATE).exists()


def test_a_reordered_reimport_demotes_and_promotes_nobody(world, importer):
    importer.commit(importer.upload(family_file()))
    upload = xlsx_upload(
        [["关羽", ID2, "", "1号楼2单元301"], ["刘备", ID1, "13800138000", "1号楼2单元301"]],
        headers=FREE_TEXT,
    )
    importer.commit(importer.upload(upload))
    assert relations()["关羽"] == OTHER
    assert relations()["刘备"] == HEAD


def test_newcomers_to_a_household_with_a_head_in_the_ledger_are_others(world, importer, ledger):
    # 张三丰 heads 1号楼2单元301 in the ledger.
    upload = xlsx_upload(
        [["关羽", ID2, "", "1号楼2单元301"], ["张飞", ID3, "", "1号楼2单元301"]],
        headers=FREE_TEXT,
    )
    job = importer.upload(upload)
    assert (job.implicit_heads, job.implicit_others) == (0, 2)
    importer.commit(job)
    assert ledger.home_a.persons.filter(relation=HEAD).get() == ledger.zhang
    assert relations()["关羽"] == relations()["张飞"] == OTHER


def test_a_member_without_a_head_is_not_promoted(world, importer, ledger):
    spouse = make_person(
        make_household(world.building_a2, unit="3", room="302"),
        "孙尚香",
        doc=ID1,
        relation=Person.Relation.SPOUSE,
    )
    upload = xlsx_upload(
        [["孙尚香", ID1, "", "2号楼3单元302"], ["刘禅", "", "", "2号楼3单元302"]],
        headers=FREE_TEXT,
    )
    job = importer.upload(upload)
    assert (job.implicit_heads, job.implicit_others) == (0, 1)
    importer.commit(job)
    spouse.refresh_from_db()
    assert spouse.relation == Person.Relation.SPOUSE
    assert relations()["刘禅"] == OTHER


def test_the_relation_column_is_used_and_a_named_head_is_the_only_one(world, importer):
    upload = xlsx_upload(
        [
            ["关羽", ID2, "1号楼2单元301", ""],
            ["刘备", ID1, "1号楼2单元301", "户主"],
            ["刘禅", "", "1号楼2单元301", "儿子"],
            ["张飞", ID3, "1号楼2单元301", ""],
        ],
        headers=["姓名", "身份证号", "住址", "与户主关系"],
    )
    job = importer.upload(upload)
    assert (job.implicit_heads, job.implicit_others) == (0, 2)
    importer.commit(job)
    assert relations() == {
        "刘备": HEAD,
        "关羽": OTHER,
        "刘禅": Person.Relation.CHILD,
        "张飞": OTHER,
    }


def test_the_template_with_empty_relations_gets_one_head_across_batches(
    world, importer, monkeypatch
):
    monkeypatch.setattr(importing, "BATCH", 2)  # the family spans three batches
    rows = [
        template_row(name, doc, relation="")
        for name, doc in (("刘备", ID1), ("关羽", ID2), ("张飞", ID3))
    ]
    rows.append(template_row("刘禅", "", relation=""))
    rows.append(template_row("黄忠", "", relation="", building="2号楼", unit="1", room="101"))
    job = importer.upload(xlsx_upload(rows))
    assert (job.implicit_heads, job.implicit_others) == (2, 3)
    importer.commit(job)
    assert Household.objects.count() == 2
    assert relations() == {"刘备": HEAD, "关羽": OTHER, "张飞": OTHER, "刘禅": OTHER, "黄忠": HEAD}


def test_a_person_moving_to_a_headed_flat_joins_it_as_other(world, importer):
    importer.commit(importer.upload(family_file()))
    upload = xlsx_upload([["刘备", ID1, "13800138000", "2号楼1单元101"]], headers=FREE_TEXT)
    job = importer.upload(upload)
    assert (job.implicit_heads, job.implicit_others) == (0, 1)
    importer.commit(job)
    liu = Person.objects.get(name="刘备")
    assert (liu.household.area, liu.relation) == (world.building_a2, OTHER)
    change = Change.objects.get(person=liu, action=Change.Action.IMPORT_UPDATE)
    assert ["与户主关系", "户主", "其他"] in change.changes


@pytest.mark.parametrize("relation", ["户主", "本人"])
def test_a_row_saying_head_is_the_head(world, importer, relation):
    upload = xlsx_upload(
        [["刘备", ID1, "1号楼2单元301", relation]], headers=["姓名", "身份证号", "住址", "关系"]
    )
    importer.commit(importer.upload(upload))
    assert relations() == {"刘备": HEAD}


RELATION_FILE = ["姓名", "身份证号", "住址", "与户主关系"]


def test_written_variants_of_a_relation_are_read_as_the_ledgers(world, importer):
    upload = xlsx_upload(
        [
            ["刘备", ID1, "1号楼2单元301", "户主（本人）"],
            ["孙尚香", ID2, "1号楼2单元301", "妻"],
            ["刘禅", "", "1号楼2单元301", "长子"],
            ["刘禅妻", "", "1号楼2单元301", "儿媳"],
            ["吴国太", "", "1号楼2单元301", "岳母"],
            ["孙权", "", "1号楼2单元301", "妻兄"],
            ["黄忠", ID3, "2号楼1单元101", "户主 (本人)"],
        ],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert problems(job) == []
    importer.commit(job)
    assert relations() == {
        "刘备": HEAD,
        "孙尚香": Person.Relation.SPOUSE,
        "刘禅": Person.Relation.CHILD,
        "刘禅妻": Person.Relation.CHILD,
        "吴国太": Person.Relation.PARENT,
        "孙权": OTHER,
        "黄忠": HEAD,
    }


def test_an_unrecognised_relation_is_a_problem_of_its_row_not_other(world, importer):
    upload = xlsx_upload(
        [["刘备", ID1, "1号楼2单元301", "户主"], ["关羽", ID2, "1号楼2单元301", "结义兄弟"]],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    message = (
        "与户主关系“结义兄弟”无法识别，应为 户主、配偶、子女、父母、孙辈、兄弟姐妹、租户 或 其他"
    )
    assert (job.valid_rows, job.problem_count) == (1, 1)
    assert problems(job) == [(3, "与户主关系", message)]
    assert message in importer.page(job)
    importer.commit(job)
    assert relations() == {"刘备": HEAD}


def problems(job) -> list[tuple[int, str, str]]:
    return list(job.problems.order_by("row").values_list("row", "column", "message"))


def test_two_heads_named_for_one_household_are_problems_of_both_rows(world, importer):
    upload = xlsx_upload(
        [
            ["刘备", ID1, "1号楼2单元301", "户主"],
            ["关羽", ID2, "1号楼2单元301", "户主"],
            ["张飞", ID3, "1号楼2单元301", "弟弟"],
            ["黄忠", "", "2号楼1单元101", "户主"],
        ],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert (job.valid_rows, job.problem_count) == (2, 2)
    message = "同一户只能有一位户主：第{}行也填为这一户的户主，请只在一行填写户主"
    assert problems(job) == [
        (2, "与户主关系", message.format(3)),
        (3, "与户主关系", message.format(2)),
    ]
    page = importer.page(job)
    assert message.format(3) in page
    assert "确认导入时只写入没有问题的 2 行" in page
    # Neither named head is imported: 张飞's household is left without one, a warning.
    assert "提醒：导入后有 1 户没有户主" in page
    assert "西城花园1号楼2单元301" in page
    importer.commit(job)
    assert job.status == job.Status.DONE
    assert relations() == {"张飞": Person.Relation.SIBLING, "黄忠": HEAD}


def test_two_named_heads_block_a_strict_import(world, importer):
    upload = xlsx_upload(
        [["刘备", ID1, "1号楼2单元301", "户主"], ["关羽", ID2, "1号楼2单元301", "本人"]],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload, strict=True)
    assert job.problem_count == 2
    assert "严格模式：请修改全部问题后重新上传" in importer.page(job)
    importer.commit(job)
    assert not Person.objects.exists()


def test_a_second_head_beside_the_ledgers_head_is_a_problem(world, importer, ledger):
    # 张三丰 heads 1号楼2单元301 in the ledger and stays.
    upload = xlsx_upload(
        [["刘备", ID1, "1号楼2单元301", "户主"], ["关羽", ID2, "1号楼2单元301", "其他"]],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert problems(job) == [
        (
            2,
            "与户主关系",
            "同一户只能有一位户主：台账中这一户的户主是张三丰。"
            "如要更换户主，请在表中把张三丰的与户主关系改为实际关系",
        )
    ]
    assert "台账中这一户的户主是张三丰" in importer.page(job)
    assert "没有户主" not in importer.page(job)
    importer.commit(job)
    assert ledger.home_a.persons.filter(relation=HEAD).get() == ledger.zhang
    assert not Person.objects.filter(name="刘备").exists()


def test_a_new_head_replacing_the_ledgers_head_in_the_same_file_is_imported(
    world, importer, ledger
):
    upload = xlsx_upload(
        [
            ["刘备", ID1, "1号楼2单元301", "户主"],
            ["张三丰", "410105194001011230", "1号楼2单元301", "父亲"],
        ],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert job.problem_count == 0
    importer.commit(job)
    assert ledger.home_a.persons.filter(relation=HEAD).get().name == "刘备"


def test_the_ledgers_head_named_again_is_no_problem(world, importer, ledger):
    upload = xlsx_upload(
        [["张三丰", "410105194001011230", "1号楼2单元301", "户主"]], headers=RELATION_FILE
    )
    job = importer.upload(upload)
    assert (job.problem_count, job.valid_rows, job.headless_households) == (0, 1, 0)


def test_a_household_left_without_a_head_is_a_warning_that_does_not_block(world, importer):
    upload = xlsx_upload(
        [
            ["关羽", ID2, "1号楼2单元301", "配偶"],
            ["刘禅", "", "1号楼2单元301", ""],
            ["张飞", ID3, "2号楼1单元101", "户主"],
        ],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload, strict=True)
    assert (job.problem_count, job.headless_households) == (0, 1)
    assert job.headless_addresses == "西城花园1号楼2单元301"
    page = importer.page(job)
    assert (
        "提醒：导入后有 1 户没有户主（表中和台账中都没有为其填写户主）：西城花园1号楼2单元301。"
        in page
    )
    assert "严格模式：请修改" not in page
    importer.commit(job)
    assert job.status == job.Status.DONE
    assert relations() == {"关羽": Person.Relation.SPOUSE, "刘禅": OTHER, "张飞": HEAD}


def test_the_first_row_made_head_leaves_no_household_headless(world, importer):
    job = importer.upload(family_file())
    assert job.headless_households == 0
    assert "没有户主" not in importer.page(job)


def test_a_reimport_swapping_the_head_with_a_member_is_imported(world, importer, ledger):
    # 张三丰 heads 1号楼2单元301; his son becomes the head and he the father.
    son = make_person(ledger.home_a, "张翠山", doc=ID1, relation=Person.Relation.CHILD)
    upload = xlsx_upload(
        [
            ["张翠山", ID1, "1号楼2单元301", "户主"],
            ["张三丰", "410105194001011230", "1号楼2单元301", "父亲"],
        ],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert job.problem_count == 0
    importer.commit(job)
    assert ledger.home_a.persons.filter(relation=HEAD).get() == son
    assert Person.objects.get(pk=ledger.zhang.pk).relation == Person.Relation.PARENT


def test_a_head_moving_to_another_flat_while_a_member_takes_over_is_imported(world, importer):
    # 刘备 heads 2单元302 and moves to 2单元303 as its head; 孙尚香 takes over 302. She
    # was registered first, so a single UPDATE may reach her row before his.
    home = make_household(world.building_a, unit="2", room="302")
    wife = make_person(home, "孙尚香", doc=ID2, relation=Person.Relation.SPOUSE)
    head = make_person(home, "刘备", doc=ID1, relation=HEAD)
    upload = xlsx_upload(
        [["孙尚香", ID2, "1号楼2单元302", "户主"], ["刘备", ID1, "1号楼2单元303", "户主"]],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert job.problem_count == 0
    importer.commit(job)
    wife.refresh_from_db()
    head.refresh_from_db()
    assert (wife.household, wife.relation) == (home, HEAD)
    assert (head.household.room, head.relation) == ("303", HEAD)


@pytest.fixture
def one_row_batches(monkeypatch):
    """Each staged row its own batch (transaction) when committing."""
    monkeypatch.setattr(importing, "BATCH", 1)


def test_a_new_head_staged_before_the_old_heads_move_is_imported(world, importer, one_row_batches):
    # 孙尚香's row, in a batch before 刘备's, takes over 302 while he still heads it.
    home = make_household(world.building_a, unit="2", room="302")
    wife = make_person(home, "孙尚香", doc=ID2, relation=Person.Relation.SPOUSE)
    head = make_person(home, "刘备", doc=ID1, relation=HEAD)
    upload = xlsx_upload(
        [["孙尚香", ID2, "1号楼2单元302", "户主"], ["刘备", ID1, "1号楼2单元303", "户主"]],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload, strict=True)
    assert job.problem_count == 0
    importer.commit(job)
    assert job.status == job.Status.DONE
    wife.refresh_from_db()
    head.refresh_from_db()
    assert (wife.household, wife.relation) == (home, HEAD)
    assert (head.household.room, head.relation) == ("303", HEAD)


def test_heads_moving_along_a_chain_of_flats_in_separate_batches_are_imported(
    world, importer, one_row_batches
):
    # 301's head moves to 302, whose head moves to 303, whose head moves to 304.
    ids = [ID1, ID2, ID3]
    for room, name, doc in zip(("301", "302", "303"), ("甲", "乙", "丙"), ids, strict=True):
        make_person(make_household(world.building_a, unit="2", room=room), name, doc=doc)
    upload = xlsx_upload(
        [
            ["甲", ID1, "1号楼2单元302", "户主"],
            ["乙", ID2, "1号楼2单元303", "户主"],
            ["丙", ID3, "1号楼2单元304", "户主"],
        ],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert job.problem_count == 0
    importer.commit(job)
    assert job.status == job.Status.DONE
    heads = Person.objects.filter(relation=HEAD).values_list("name", "household__room")
    assert dict(heads) == {"甲": "302", "乙": "303", "丙": "304"}


def test_two_heads_swapping_flats_in_separate_batches_are_imported(
    world, importer, one_row_batches
):
    make_person(make_household(world.building_a, unit="2", room="301"), "甲", doc=ID1)
    make_person(make_household(world.building_a, unit="2", room="302"), "乙", doc=ID2)
    upload = xlsx_upload(
        [["甲", ID1, "1号楼2单元302", "户主"], ["乙", ID2, "1号楼2单元301", "户主"]],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert job.problem_count == 0
    importer.commit(job)
    assert job.status == job.Status.DONE
    heads = Person.objects.filter(relation=HEAD).values_list("name", "household__room")
    assert dict(heads) == {"甲": "302", "乙": "301"}
