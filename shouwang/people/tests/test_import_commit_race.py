"""The ledger changes between an import's preview and its commit: someone makes another
person the head of a household the file gives a head. The rows that now conflict are
not imported, each with a problem saying why; the rest of the file is (a strict import
imports nothing at all); no row is half written."""

import pytest
from django.urls import reverse

from shouwang.people import importing
from shouwang.people.models import Change, Person
from shouwang.people.tests.factories import (
    edit_form_data,
    make_household,
    make_person,
    xlsx_upload,
)

ID1 = "410105199001011233"
ID2 = "41010519920304122X"
ID3 = "410105200105063527"
RELATION_FILE = ["姓名", "身份证号", "住址", "与户主关系"]
HEAD = Person.Relation.HEAD
CONFLICT = (
    "此户在检查之后已由他人登记户主孙尚香，此行未导入（同一户只能有一位户主）。"
    "请核实谁是户主，改正表格后重新导入"
)


@pytest.fixture
def one_row_batches(monkeypatch):
    """Each staged row its own batch (transaction) when committing."""
    monkeypatch.setattr(importing, "BATCH", 1)


@pytest.fixture
def flat(world):
    """1号楼2单元302 without a head: 孙尚香 (配偶) and 关羽 (其他) live there. Another
    session of a worker of community A makes her the head while the import waits."""
    home = make_household(world.building_a, unit="2", room="302")
    make_person(home, "孙尚香", doc=ID2, relation=Person.Relation.SPOUSE)
    make_person(home, "关羽", doc=ID3, relation=Person.Relation.OTHER)
    return home


def make_her_head_meanwhile(world, flat) -> None:
    wife = flat.persons.get(name="孙尚香")
    url = reverse("people:person_edit", args=[wife.pk])
    response = world.client("staff_a").post(url, edit_form_data(wife, relation="head"))
    assert response.status_code == 302


def problems(job) -> list[tuple[int, str]]:
    return list(job.problems.order_by("row").values_list("row", "message"))


def _file():
    return xlsx_upload(
        [["黄忠", ID1, "2号楼1单元101", "户主"], ["刘备", "", "1号楼2单元302", "户主"]],
        headers=RELATION_FILE,
    )


def test_a_new_head_for_a_flat_headed_meanwhile_is_a_problem_and_the_rest_is_imported(
    world, importer, flat, one_row_batches
):
    job = importer.upload(_file())
    assert job.problem_count == 0
    make_her_head_meanwhile(world, flat)
    importer.commit(job)
    assert job.status == job.Status.DONE
    assert problems(job) == [(3, CONFLICT)]
    assert (job.new_persons, job.problem_count) == (1, 1)
    assert Person.objects.get(name="黄忠").relation == HEAD
    assert not Person.objects.filter(name="刘备").exists()
    assert flat.persons.get(relation=HEAD).name == "孙尚香"
    page = importer.page(job)
    assert CONFLICT in page
    assert "1 个问题所在的行未导入" in page


def test_a_member_made_head_of_a_flat_headed_meanwhile_is_not_half_updated(world, importer, flat):
    upload = xlsx_upload(
        [["关羽", ID3, "1号楼2单元302", "户主"], ["黄忠", ID1, "2号楼1单元101", "户主"]],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert job.problem_count == 0
    make_her_head_meanwhile(world, flat)
    importer.commit(job)
    assert job.status == job.Status.DONE
    assert problems(job) == [(2, CONFLICT)]
    guan = Person.objects.get(name="关羽")
    assert (guan.relation, guan.version) == (Person.Relation.OTHER, 1)
    assert not Change.objects.filter(person=guan, job=job).exists()
    assert Person.objects.get(name="黄忠").relation == HEAD


def test_a_strict_import_with_a_row_conflicting_meanwhile_imports_nothing(
    world, importer, flat, one_row_batches
):
    job = importer.upload(_file(), strict=True)
    assert job.problem_count == 0
    make_her_head_meanwhile(world, flat)
    persons = Person.objects.count()
    importer.commit(job)
    assert job.status == job.Status.FAILED
    assert job.message == (
        "严格模式：检查之后台账有变动，有 1 行与台账冲突（见问题清单），整份文件未导入。"
        "请改正后重新上传"
    )
    assert problems(job) == [(3, CONFLICT)]
    assert Person.objects.count() == persons
    assert not Person.objects.filter(name="黄忠").exists()
    assert not Change.objects.filter(job=job).exists()
    assert job.committed_rows == 0
    page = importer.page(job)
    assert job.message in page
    assert CONFLICT in page


def test_a_strict_import_failing_midway_leaves_nothing_written(
    world, importer, flat, one_row_batches, monkeypatch
):
    job = importer.upload(_file(), strict=True)
    persons_of = importing.Writer._persons
    calls = []

    def second_batch_fails(writer, records, homes):
        calls.append(records)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        persons_of(writer, records, homes)

    monkeypatch.setattr(importing.Writer, "_persons", second_batch_fails)
    importer.commit(job)
    assert job.status == job.Status.FAILED
    # 刘备 is the second staged row, on the sheet's row 3 (row 1 is the header).
    assert job.message == "写入第3行附近时出错，严格模式下整份文件未导入。请重新上传"
    assert not Person.objects.filter(name="黄忠").exists()


def test_an_import_failing_midway_names_the_sheet_row(
    world, importer, flat, one_row_batches, monkeypatch
):
    # Row 2 (张飞's number is wrong) is not staged: 刘备 is the second staged row,
    # on the sheet's row 4.
    upload = xlsx_upload(
        [
            ["张飞", "123", "2号楼1单元102", "户主"],
            ["黄忠", ID1, "2号楼1单元101", "户主"],
            ["刘备", "", "1号楼2单元302", "户主"],
        ],
        headers=RELATION_FILE,
    )
    job = importer.upload(upload)
    assert job.valid_rows == 2
    persons_of = importing.Writer._persons
    calls = []

    def second_batch_fails(writer, records, homes):
        calls.append(records)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        persons_of(writer, records, homes)

    monkeypatch.setattr(importing.Writer, "_persons", second_batch_fails)
    importer.commit(job)
    assert job.status == job.Status.FAILED
    assert job.message == (
        "写入第4行附近时出错，已写入 1 行。重新导入同一文件会按证件号码更新，不会产生重复"
    )
    assert Person.objects.filter(name="黄忠").exists()
    assert not Person.objects.filter(name="刘备").exists()
