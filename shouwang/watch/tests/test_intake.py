"""Police-list intake: matched, unmatched, already tracked and duplicate rows; preview
before commit with nothing written; the community's 待查找 list."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas.tests.factories import child
from shouwang.core.tests.sheets import broken_sheet, messy_workbook
from shouwang.people.documents import LOST_ZERO_MESSAGE
from shouwang.people.models import Change, Person
from shouwang.watch.intake import HEADERS
from shouwang.watch.models import Intake, KeyPerson, LocateTask
from shouwang.watch.tests import factories as f
from shouwang.watch.tests.test_status import IMPLAUSIBLE_ARRIVALS, _days_ago

pytestmark = pytest.mark.django_db


def sheet(rows, headers=HEADERS) -> SimpleUploadedFile:
    return f.intake_sheet(rows, headers, "公安名单.xlsx")


@pytest.fixture
def rows(world):
    """A list of four: one in the ledger, one unknown, one already tracked, and the
    ledger person's row repeated."""
    arrived = timezone.localdate() - timedelta(days=2)
    known = f.person(world.building_a, "陈一")
    tracked = f.key_person(world.building_a, "陈二").person
    unknown = f.id_number()
    return {
        "known": known,
        "tracked": tracked,
        "unknown": unknown,
        "arrived": arrived,
        "rows": [
            ["陈一", known.document_number, "13700000001", arrived, "湖北武汉", "西城花园1号楼"],
            ["陈三", unknown, "13700000003", arrived.isoformat(), "湖北孝感", "西城花园2号楼"],
            ["陈二", tracked.document_number, "", arrived, "湖北武汉", ""],
            ["陈一", known.document_number.lower(), "", arrived, "湖北武汉", ""],
        ],
    }


def upload(client, upload_file, **data):
    from shouwang.watch.tests.factories import category

    data = {"file": upload_file, "category": category().pk, "measure": "home", **data}
    return client.post(reverse("watch:intake"), data)


def test_the_preview_classifies_every_row_and_writes_nothing(world, rows) -> None:
    before = KeyPerson.objects.count()
    response = upload(world.client("staff_a"), sheet(rows["rows"]))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [r.outcome for r in plan.rows] == ["found", "locate", "tracked", "duplicate"]
    page = response.content.decode()
    assert "已匹配 1 人" in page
    assert "待查找 1 人" in page
    assert "重复行 1 人" in page
    assert rows["known"].document_number not in page  # masked in the preview
    # the ledger's address names the compound: "1号楼…" alone fits every compound
    assert plan.rows[0].detail.startswith(f"西城花园1号楼{rows['known'].household.door}")
    assert rows["known"].document_masked in page
    assert KeyPerson.objects.count() == before
    assert not LocateTask.objects.exists()
    assert not Intake.objects.exists()


def test_the_lists_phone_is_the_number_the_grid_worker_calls(world, rows) -> None:
    """The police give the number the returnee carries; the ledger had another (or
    none): the worker's 拨打 dialled the ledger's. The list's number becomes the
    ledger's, its history and the audit log say who changed it."""
    known = rows["known"]
    assert known.phone == "13912345678"
    client = world.client("staff_a")
    plan = upload(client, sheet(rows["rows"]))
    assert "手机号与台账不同，导入后更新为名单号码" in plan.content.decode()
    commit = plan.context["commit"]
    response = client.post(
        reverse("watch:intake_commit"),
        {
            "token": commit["token"],
            "category": commit["category"].pk,
            "measure": "home",
            "community": world.community_a.pk,
        },
    )
    assert response.status_code == 302
    record = KeyPerson.objects.get(person=known)
    card = world.client("grid_a").get(reverse("watch:today"))
    assert "137****0001" in card.content.decode()
    dial = world.client("grid_a").post(reverse("watch:call", args=[record.pk]))
    assert dial["Location"] == "tel:13700000001"
    change = Change.objects.filter(person=known).latest("at")
    assert ["手机号", "139****5678", "137****0001"] in change.changes
    assert change.by == world.staff_a


def test_a_row_with_the_ledgers_phone_or_none_changes_nothing_in_the_ledger(world) -> None:
    known = f.person(world.building_a, "陈一")
    arrived = timezone.localdate() - timedelta(days=1)
    client = world.client("staff_a")
    plan = upload(
        client, sheet([["陈一", known.document_number, "", arrived, "湖北武汉", "西城花园"]])
    ).context["commit"]
    client.post(
        reverse("watch:intake_commit"),
        {"token": plan["token"], "category": plan["category"].pk, "measure": "home"},
    )
    assert KeyPerson.objects.filter(person=known).exists()
    assert Person.objects.get(pk=known.pk).phone == "13912345678"
    assert not Change.objects.filter(person=known).exists()


def test_commit_distributes_found_rows_to_grids_and_unmatched_to_locate(world, rows) -> None:
    client = world.client("staff_a")
    plan = upload(client, sheet(rows["rows"])).context
    response = client.post(
        reverse("watch:intake_commit"),
        {
            "token": plan["commit"]["token"],
            "category": plan["commit"]["category"].pk,
            "measure": "home",
            "community": world.community_a.pk,
        },
    )
    assert response.status_code == 302
    record = KeyPerson.objects.get(person=rows["known"])
    assert record.source == KeyPerson.Source.POLICE
    assert record.grid == world.grid_a
    assert record.responsible == world.grid_worker_a
    assert record.start_date == rows["arrived"]
    assert record.origin == "湖北武汉"
    assert record.planned_end == rows["arrived"] + timedelta(days=14)
    task = LocateTask.objects.get()
    assert task.community == world.community_a
    assert task.name == "陈三"
    assert task.document_number == rows["unknown"]
    assert task.status == LocateTask.Status.PENDING
    assert KeyPerson.objects.filter(person=rows["tracked"]).count() == 1
    intake = Intake.objects.get()
    assert (intake.found, intake.to_locate, intake.tracked) == (1, 1, 2)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()
    # The same list again: everyone is now tracked or waiting to be located.
    plan = upload(client, sheet(rows["rows"])).context["plan"]
    assert [r.outcome for r in plan.rows] == ["tracked", "tracked", "tracked", "duplicate"]


def test_a_file_with_problems_is_refused_whole(world, rows) -> None:
    bad = [
        *rows["rows"],
        ["", "123", "12", "明天", "=HYPERLINK(1)", "x"],
        ["赵四", f.id_number(), "", timezone.localdate() + timedelta(days=3), "", ""],
    ]
    before = KeyPerson.objects.count()
    response = upload(world.client("staff_a"), sheet(bad))
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "请填写姓名",
        "身份证号码应为18位",
        "日期格式不对",
        "单元格是公式",
        "不能晚于今天",
    ):
        assert message in page
    assert "确认导入" not in page
    assert KeyPerson.objects.count() == before
    assert not Intake.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a spreadsheet", "这不是Excel文件"), (b"", "为空")],
)
def test_a_non_spreadsheet_gets_a_clear_message(world, content, message) -> None:
    response = upload(world.client("staff_a"), SimpleUploadedFile("x.xlsx", content))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_wrong_headers_are_refused(world) -> None:
    response = upload(world.client("staff_a"), sheet([["a"]], headers=["名字", "号码"]))
    assert response.status_code == 400
    assert "表头不正确" in response.content.decode()


def test_a_list_with_only_its_header_row_is_refused_and_offers_no_commit(world) -> None:
    response = upload(world.client("staff_a"), sheet([]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "表格只有表头，没有数据行" in body
    assert reverse("watch:intake_commit") not in body
    assert not Intake.objects.exists()


def test_the_data_sheet_is_found_past_instructions_a_hidden_sheet_and_a_title_row(
    world, rows
) -> None:
    content = messy_workbook(HEADERS, [rows["rows"][0], [], ["陈四", "123"]], title="推送名单")
    response = upload(world.client("staff_a"), SimpleUploadedFile("名单.xlsx", content))
    plan = response.context["plan"]
    assert [(p.row, p.column) for p in plan.problems] == [(5, "证件号码")]
    assert [(r.number, r.outcome) for r in plan.rows] == [(3, "found")]


def test_hq_must_say_where_unknown_persons_are_to_be_located(world, rows) -> None:
    client = world.client("hq")
    response = upload(client, sheet(rows["rows"]))
    assert response.status_code == 400
    assert "请在“社区”列填写其所在社区" in response.content.decode()
    with_column = [[*r, "八一社区"] for r in rows["rows"]]
    plan = upload(client, sheet(with_column)).context["plan"]
    assert plan.ok
    assert plan.rows[1].community == world.community_b


def test_a_community_named_alike_in_two_sub_districts_is_asked_for_by_both_names(
    world, rows
) -> None:
    """A district's HQ holds two 西城社区, one per sub-district: the list's 社区 column
    sent the person to whichever was read last. It now asks which, and takes the
    sub-district's name before the community's."""
    other = child(child(world.district, "东湖街道"), "西城社区")
    client = world.client("hq")
    client.force_login(UserFactory(role=Role.HQ_ADMIN, area=world.district))
    unknown = [rows["rows"][1]]
    response = upload(client, sheet([[*r, "西城社区"] for r in unknown]))
    assert response.status_code == 400
    assert "辖区内有 2 个“西城社区”，请写明所属街道，如“明湖街道西城社区”" in (
        response.content.decode()
    )
    for named, community in [("明湖街道西城社区", world.community_a), ("东湖街道西城社区", other)]:
        plan = upload(client, sheet([[*r, named] for r in unknown])).context["plan"]
        assert plan.ok
        assert plan.rows[0].community == community


def test_a_stale_or_foreign_token_commits_nothing(world, rows) -> None:
    plan = upload(world.client("staff_a"), sheet(rows["rows"])).context
    data = {"token": plan["commit"]["token"], "category": plan["commit"]["category"].pk}
    response = world.client("staff_b").post(
        reverse("watch:intake_commit"), {**data, "measure": "home"}
    )
    assert response.status_code == 302
    assert not Intake.objects.exists()


def test_the_template_downloads_with_the_expected_columns(world) -> None:
    response = world.client("staff_a").get(reverse("watch:intake_template"))
    assert response.status_code == 200
    header = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(header) == HEADERS


def test_the_template_s_examples_arrived_days_ago_and_are_reported_if_left_in(world, clock) -> None:
    """The examples said 2020-01-23: a list typed over them was refused row by row
    (抵达日期早于一年前). Uploaded as it is, the template previews its two examples as
    rows to delete: a try of the page never registers 张三 or 李四."""
    clock.set(date(2026, 3, 10), 9, 0)
    client = world.client("staff_a")
    response = client.get(reverse("watch:intake_template"))
    examples = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    arrivals = [date.fromisoformat(row[HEADERS.index("抵达日期")]) for row in examples[1:]]
    assert len(arrivals) == 2
    assert all(date(2026, 3, 3) <= day < date(2026, 3, 10) for day in arrivals)
    template = SimpleUploadedFile("公安推送名单模板.xlsx", response.content)
    preview = upload(client, template, community=world.community_a.pk)
    assert preview.status_code == 400
    plan = preview.context["plan"]
    assert [(p.row, p.column) for p in plan.problems] == [(2, "姓名"), (3, "姓名")]
    assert "示例行（张三）" in plan.problems[0].message
    assert "请删除此行后再导入" in preview.content.decode()
    assert "确认导入" not in preview.content.decode()

    typed_over = [list(row) for row in examples[1:]]
    typed_over[0][:2] = ["王五", f.id_number()]
    typed_over[1][:2] = ["赵六", "E87654321"]
    preview = upload(client, sheet(typed_over), community=world.community_a.pk)
    plan = preview.context["plan"]
    assert plan.problems == []
    assert [row.arrival for row in plan.rows] == arrivals
    assert not Intake.objects.exists()


def test_staff_record_a_located_person(world) -> None:
    task = f.locate_task(world.community_a, "陈三")
    response = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]),
        {"outcome": "located", "building": world.building_a2.pk, "unit": "1", "room": "502"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == LocateTask.Status.LOCATED
    person = Person.objects.with_document(task.document_number).get()
    assert person.area == world.building_a2
    assert person.household.room == "502"
    assert task.key_person.person == person
    assert task.key_person.grid == world.grid_a
    # Household and person were added through the people app, with their history.
    assert Change.objects.filter(person=person, action=Change.Action.CREATE).count() == 1
    assert Change.objects.filter(household=person.household).count() == 1


def test_a_located_person_already_in_the_ledger_elsewhere_is_not_duplicated(world) -> None:
    elsewhere = f.person(world.building_b, "陈三")
    task = f.locate_task(world.community_a, "陈三", number=elsewhere.document_number)
    response = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]),
        {"outcome": "located", "building": world.building_a2.pk, "unit": "1", "room": "502"},
    )
    assert response.status_code == 400
    assert "辖区以外登记" in response.content.decode()
    assert Person.objects.with_document(elsewhere.document_number).count() == 1
    task.refresh_from_db()
    assert task.status == LocateTask.Status.PENDING


@pytest.mark.parametrize("outcome", ["not_here", "left"])
def test_staff_record_not_here_or_left(world, outcome) -> None:
    task = f.locate_task(world.community_a)
    world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]), {"outcome": outcome, "note": "已核实"}
    )
    task.refresh_from_db()
    assert task.status == outcome
    assert task.key_person is None
    assert not Person.objects.with_document(task.document_number).exists()


def test_located_needs_a_building(world) -> None:
    task = f.locate_task(world.community_a)
    response = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]), {"outcome": "located"}
    )
    assert response.status_code == 400
    assert "请选择其所在楼栋" in response.content.decode()


def _stored_uploads() -> set[str]:
    folder = Path(settings.VAR_DIR) / "uploads"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_a_refused_list_is_not_kept_on_disk(world, rows) -> None:
    before = _stored_uploads()
    with_problems = [*rows["rows"], ["", "123", "", "", "", ""]]
    assert upload(world.client("staff_a"), sheet(with_problems)).status_code == 400
    broken = broken_sheet(sheet(rows["rows"]).read())
    response = upload(world.client("staff_a"), SimpleUploadedFile("x.xlsx", broken))
    assert response.status_code == 400
    assert "已损坏" in response.content.decode()
    assert _stored_uploads() == before


def test_the_buildings_to_choose_from_name_their_compound(world) -> None:
    other = child(world.community_a, "幸福新苑")
    child(other, "1号楼")
    task = f.locate_task(world.community_a)
    response = world.client("staff_a").get(reverse("watch:locate_record", args=[task.pk]))
    labels = [label for _, label in response.context["form"].fields["building"].choices][1:]
    assert labels == ["西城花园 1号楼", "西城花园 2号楼", "幸福新苑 1号楼"]


@pytest.mark.parametrize(("arrival", "message"), IMPLAUSIBLE_ARRIVALS)
def test_an_implausible_arrival_date_is_a_problem_of_its_row(world, arrival, message) -> None:
    """The same rule and words as the registration form."""
    row = ["赵四", f.id_number(), "", _days_ago(arrival), "", ""]
    response = upload(world.client("staff_a"), sheet([row]))
    assert response.status_code == 400
    problems = response.context["plan"].problems
    assert [(p.row, p.column, p.message) for p in problems] == [(2, "抵达日期", message)]
    assert not Intake.objects.exists()


def test_an_id_number_stored_as_a_number_is_refused_not_mangled(world) -> None:
    """Excel keeps 15 digits: 420102199001010057 reads back as 420102199001010000, and one
    such number in eleven passes the check digit."""
    arrived = timezone.localdate() - timedelta(days=2)
    mangled = "420102199001010000"  # a valid number: what the mangling may produce
    rows = [["赵四", float(mangled), "", arrived, "", "", "西城社区"]]
    response = upload(world.client("staff_a"), sheet(rows))
    assert response.status_code == 400
    problems = response.context["plan"].problems
    assert [(p.row, p.column) for p in problems] == [(2, "证件号码")]
    assert "存成了数字" in problems[0].message


def test_arrival_dates_are_read_as_lists_write_them(world) -> None:
    arrived = timezone.localdate() - timedelta(days=2)
    serial = (arrived - date(1899, 12, 30)).days
    written = [
        arrived,
        serial,
        int(arrived.strftime("%Y%m%d")),
        arrived.strftime("%Y%m%d"),
        f"{arrived.year}.{arrived.month}.{arrived.day}",
        f"{arrived.year}年{arrived.month}月{arrived.day}日",
        f"{arrived.month}/{arrived.day}/{arrived.year}",
        f"{arrived.isoformat()} 08:30:00",
        f"{arrived.month}月{arrived.day}日",  # the year left out, as lists often do
    ]
    rows = [["赵四", f.id_number(), "", value, "", "", "西城社区"] for value in written]
    response = upload(world.client("staff_a"), sheet(rows))
    plan = response.context["plan"]
    assert plan.problems == []
    assert [r.arrival for r in plan.rows] == [arrived] * len(written)


def test_a_date_without_its_year_is_the_latest_such_day_not_after_today() -> None:
    from shouwang.watch.intake import _parse_date

    assert _parse_date("12月30日", today=date(2027, 1, 2)) == date(2026, 12, 30)
    assert _parse_date("1月2日", today=date(2027, 1, 2)) == date(2027, 1, 2)
    with pytest.raises(ValueError, match="day is out of range"):
        _parse_date("2月30日", today=date(2027, 1, 2))


def test_a_police_list_in_its_own_layout_is_read_by_its_headers(world, rows) -> None:
    """The police send their own columns: another order, 身份证号码 / 联系电话 / 到达日期,
    a title row above the header and an extra column."""
    order = [1, 0, 3, 2, 5, 4]
    headers = ["身份证号码", "姓名", "到达日期", "联系电话", "居住地址", "出发地"]
    wb = Workbook()
    ws = wb.active
    ws.append(["武汉返回人员名单（公安推送）"])
    ws.append([*headers, "备注"])
    for row in rows["rows"]:
        ws.append([row[i] for i in order] + ["核查中"])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = upload(world.client("staff_a"), SimpleUploadedFile("名单.xlsx", buffer.getvalue()))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [r.outcome for r in plan.rows] == ["found", "locate", "tracked", "duplicate"]
    assert plan.rows[0].origin == "湖北武汉"


def test_a_list_missing_a_column_names_the_columns_it_needs(world, rows) -> None:
    response = upload(world.client("staff_a"), sheet(rows["rows"], headers=HEADERS[:5]))
    assert "表头不正确，应包含：姓名、证件号码、手机号、抵达日期、来源地、现住址" in (
        response.content.decode()
    )


def test_an_arrival_older_than_the_period_is_shown_as_needing_no_observation(world) -> None:
    """A police list covers weeks: someone who arrived 30 days ago has served a 14-day
    period already. The preview says so on the row and the commit registers nobody
    and sends nobody to locate — no record born past its planned end, proposed for
    release with 无随访记录 the moment it is made."""
    today = timezone.localdate()
    long_ago = f.person(world.building_a, "陈一")
    just_over = f.person(world.building_a, "陈二")
    still_due = f.person(world.building_a, "陈三")
    rows = [
        ["陈一", long_ago.document_number, "", today - timedelta(days=30), "湖北武汉", ""],
        ["陈二", just_over.document_number, "", today - timedelta(days=14), "湖北武汉", ""],
        ["陈三", still_due.document_number, "", today - timedelta(days=13), "湖北武汉", ""],
        ["陈四", f.id_number(), "", today - timedelta(days=20), "湖北孝感", "", "西城社区"],
    ]
    client = world.client("staff_a")
    response = upload(client, sheet(rows, headers=HEADERS[:7]))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [r.outcome for r in plan.rows] == ["expired", "expired", "found", "expired"]
    ended = today - timedelta(days=16)
    assert plan.rows[0].detail == f"观察期（14天）已于 {ended:%Y-%m-%d} 期满，无需观察，不导入"
    page = response.content.decode()
    assert "观察期已过 3 人" in page
    commit = response.context["commit"]
    done = client.post(
        reverse("watch:intake_commit"),
        {"token": commit["token"], "category": commit["category"].pk, "measure": "home"},
        follow=True,
    )
    assert "观察期已过、未登记 3 人" in done.content.decode()
    assert list(KeyPerson.objects.values_list("person", flat=True)) == [still_due.pk]
    assert not LocateTask.objects.exists()
    intake = Intake.objects.get()
    assert (intake.found, intake.to_locate, intake.tracked, intake.expired) == (1, 0, 0, 3)


def test_the_period_an_arrival_is_measured_by_is_the_category_chosen(world) -> None:
    """The same arrival is over for a 14-day category and still due for a 21-day one."""
    known = f.person(world.building_a, "陈一")
    arrived = timezone.localdate() - timedelta(days=16)
    row = [["陈一", known.document_number, "", arrived, "湖北武汉", ""]]
    client = world.client("staff_a")
    short = upload(client, sheet(row)).context["plan"]
    long = upload(client, sheet(row), category=f.category("二十一天观察", days=21).pk)
    assert [r.outcome for r in short.rows] == ["expired"]
    assert [r.outcome for r in long.context["plan"].rows] == ["found"]


def test_a_person_located_after_their_period_ended_is_put_in_the_ledger_only(world) -> None:
    """Listed 10 days after arrival, found a week later: the 14-day period counted from
    the arrival ended yesterday. The ledger gets the person; no key-person record is
    made past its planned end, and the task and the message say why."""
    task = f.locate_task(world.community_a, "陈三")
    task.arrival_date = timezone.localdate() - timedelta(days=15)
    task.save(update_fields=["arrival_date"])
    response = world.client("staff_a").post(
        reverse("watch:locate_record", args=[task.pk]),
        {"outcome": "located", "building": world.building_a2.pk, "unit": "1", "room": "502"},
        follow=True,
    )
    assert response.status_code == 200
    ended = timezone.localdate() - timedelta(days=1)
    why = f"观察期（14天）已于 {ended:%Y-%m-%d} 期满，未列为重点人员"
    assert why in response.content.decode()
    task.refresh_from_db()
    assert task.status == LocateTask.Status.LOCATED
    assert task.note == why
    assert task.key_person is None
    assert Person.objects.with_document(task.document_number).exists()
    assert not KeyPerson.objects.exists()


def test_a_person_listed_twice_is_judged_by_their_latest_arrival(world) -> None:
    """A list covering weeks may carry someone's earlier trip above their return this
    week: the earlier row must not make the later one a mere duplicate — nobody would
    be observed."""
    today = timezone.localdate()
    known = f.person(world.building_a, "陈一")
    rows = [
        ["陈一", known.document_number, "", today - timedelta(days=30), "湖北武汉", ""],
        ["陈一", known.document_number, "", today - timedelta(days=2), "湖北孝感", ""],
        ["陈一", known.document_number, "", today - timedelta(days=2), "湖北孝感", ""],
    ]
    client = world.client("staff_a")
    response = upload(client, sheet(rows))
    plan = response.context["plan"]
    assert [r.outcome for r in plan.rows] == ["duplicate", "found", "duplicate"]
    assert plan.rows[0].detail == "与第3行证件号码相同，以抵达日期较近的该行为准"
    assert plan.rows[2].detail == "与第3行证件号码相同"
    commit = response.context["commit"]
    client.post(
        reverse("watch:intake_commit"),
        {"token": commit["token"], "category": commit["category"].pk, "measure": "home"},
    )
    record = KeyPerson.objects.get(person=known)
    assert record.arrival_date == today - timedelta(days=2)
    assert record.origin == "湖北孝感"


@pytest.mark.parametrize(
    ("number_header", "doc_type", "number"),
    [("证件号码", "台胞证", 1234567), ("护照号码", "", 1234)],
)
def test_a_permit_or_passport_number_that_lost_its_leading_zero_says_so(
    world, number_header, doc_type, number
) -> None:
    """台胞证 01234567 (or passport 01234) in a cell Excel stored as a number reads
    1234567 (1234): the message says Excel dropped the 0, as the people import does."""
    arrived = timezone.localdate() - timedelta(days=2)
    headers = [number_header if h == "证件号码" else h for h in HEADERS]
    rows = [["林一", number, "", arrived, "", "", "西城社区", doc_type]]
    response = upload(world.client("staff_a"), sheet(rows, headers=headers))
    assert response.status_code == 400
    problems = response.context["plan"].problems
    assert [(p.row, p.column, p.message) for p in problems] == [(2, "证件号码", LOST_ZERO_MESSAGE)]
    assert "开头的0已丢失" in response.content.decode()
    assert not Intake.objects.exists()


@pytest.mark.parametrize(
    ("status", "reason", "said"),
    [
        (KeyPerson.Status.LOST, KeyPerson.Reason.UNREACHABLE, "失联"),
        (KeyPerson.Status.HOSPITAL, KeyPerson.Reason.FEVER_HOSPITAL, "转医院"),
    ],
)
def test_a_person_lost_or_in_hospital_is_already_tracked_not_registered_again(
    world, status, reason, said
) -> None:
    """Their record resumes (已找到, 出院返回) once they are back; a second record would
    leave the first 失联 or 转医院 for good, and refuse that resumption."""
    from shouwang.watch import actions

    record = f.key_person(world.building_a, "陈四")
    actions.change_status(key_person=record, status=status, reason=reason, by=world.staff_a)
    arrived = timezone.localdate() - timedelta(days=1)
    listed = [["陈四", record.person.document_number, "", arrived, "湖北武汉", ""]]
    client = world.client("staff_a")

    response = upload(client, sheet(listed))

    assert [r.outcome for r in response.context["plan"].rows] == ["tracked"]
    assert f"已有“{said}”的记录" in response.content.decode()
    commit = response.context["commit"]
    client.post(
        reverse("watch:intake_commit"),
        {
            "token": commit["token"],
            "category": commit["category"].pk,
            "measure": commit["measure"],
        },
    )
    assert KeyPerson.objects.filter(person=record.person).count() == 1
