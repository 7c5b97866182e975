"""Intake of a police list (公安推送名单) from an Excel sheet.

Columns: 姓名, 证件号码, 手机号, 抵达日期, 来源地, 现住址, an optional 社区 (for lists
covering several communities) and an optional 证件类型 (the ledger's document types:
居民身份证 when absent or empty, or 护照 when the number's column is headed 护照号码).
Each number is checked as its type requires. Each row is matched to the ledger by the
keyed hash of the document number, among the persons the importing user may see, and
becomes:

- found: registered as a key person, assigned to the grid of the person's building;
- to locate: a task for the community (staff record located / not here / left);
- already tracked: the person is under control (or their latest record is 失联 or
  转医院: that record resumes when they are back, ``KeyPersonQuerySet.tracked``), or
  already waiting to be located;
- duplicate: the same document number appears on another row of the same file, the
  one kept being the latest arrival (the first of equals);
- period served: arrived so long ago that the chosen category's period, counted from
  the arrival, is over by today — nobody to observe or locate; nothing is written.

``plan`` reads and checks the whole file and writes nothing; ``commit`` re-plans from
the stored upload and writes everything in one transaction, or nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.core import pii
from shouwang.core.xlsx import (
    HeaderNotFound,
    cell_text,
    find_columns,
    formula_problem,
    header_columns,
    header_text,
    iter_rows,
    not_text,
    workbook_bytes,
)
from shouwang.people.documents import (
    LOST_ZERO_MESSAGE,
    NUMBER_CELL_MESSAGE,
    DocumentError,
    DocumentType,
    document_type_named,
    lost_leading_zero,
    parse_id_card,
    stored_as_number,
    validate_document,
    validate_phone,
)
from shouwang.people.documents import normalise as normalise_document
from shouwang.people.models import Person, clean_name

from . import actions
from .models import Category, Intake, KeyPerson, LocateTask

HEADERS = ["姓名", "证件号码", "手机号", "抵达日期", "来源地", "现住址", "社区", "证件类型"]
REQUIRED_HEADERS = HEADERS[:6]
# A number column headed so holds passports unless the row's 证件类型 says otherwise.
PASSPORT_HEADERS = ["护照号码", "护照号"]
# Header texts that mean each column (the template's first): lists come from the police
# in their own layout, in any column order.
HEADER_NAMES = {
    "姓名": ["姓名", "人员姓名"],
    "证件号码": [
        "证件号码",
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号",
        "身份证",
        *PASSPORT_HEADERS,
    ],
    "手机号": ["手机号", "手机号码", "联系电话", "电话", "联系方式", "手机"],
    "抵达日期": ["抵达日期", "到达日期", "抵达时间", "到达时间", "返回日期", "返乡日期"],
    "来源地": ["来源地", "出发地", "来自", "来源"],
    "现住址": ["现住址", "住址", "居住地址", "家庭住址", "详细地址", "地址"],
    "社区": ["社区", "所属社区", "社区（村）", "村（社区）"],
    "证件类型": ["证件类型", "证件种类", "证件名称"],
}
MAX_ROWS = 5_000
# The columns of text, as core.xlsx's ``not_text`` reads them: a logical value, a
# decimal or a date is nobody's name, number, place or community, and is reported as
# what it is, never read as "True" or "3.5"; a whole number is kept (a room 301, a phone
# Excel stored as a number), except as a name. 抵达日期 holds a date.
TEXT_HEADERS = [h for h in HEADERS if h != "抵达日期"]


NO_COMMUNITY_MESSAGE = (
    "台账中没有此人，请在“社区”列填写其所在社区，或在上传时选择“默认社区”，以便下发查找"
)


class Outcome:
    FOUND = "found"
    LOCATE = "locate"
    TRACKED = "tracked"
    DUPLICATE = "duplicate"
    EXPIRED = "expired"

    LABELS = {
        FOUND: "已匹配",
        LOCATE: "待查找",
        TRACKED: "已在管控",
        DUPLICATE: "重复行",
        EXPIRED: "观察期已过",
    }


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Row:
    number: int
    name: str
    document: str
    phone: str
    arrival: date | None
    origin: str
    address: str
    community: Area | None
    doc_type: str = DocumentType.ID_CARD
    outcome: str = ""
    person: Person | None = None
    detail: str = ""
    # Matched by number to a ledger person of another name: the number may be
    # mistyped, so that person's phone is not replaced by the list's.
    name_differs: bool = False

    @property
    def document_masked(self) -> str:
        return pii.mask_id(self.document)

    @property
    def doc_type_label(self) -> str:
        return DocumentType(self.doc_type).label

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(self.phone)

    @property
    def outcome_label(self) -> str:
        return Outcome.LABELS.get(self.outcome, "")


@dataclass
class Plan:
    root: Area
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {label: self.count(key) for key, label in Outcome.LABELS.items()}


# How many days before the download the template's example rows arrived: recent
# enough for the arrival-date rule (``actions.check_arrival_date``), so a list typed
# over the examples, or uploaded as it is to try the page, reads as a plausible one.
EXAMPLE_ARRIVALS = (3, 1)
# The example persons (name, document number): left in a filled-in list they are
# reported, so a try of the page never registers them.
EXAMPLES = (("张三", "420102199001011236"), ("李四", "E12345678"))
EXAMPLE_MESSAGE = "这是模板中的示例行（{name}），不是真实人员，请删除此行后再导入"


def template_bytes(*, today: date) -> bytes:
    """The police-list template: the columns and two example rows, arrived a few days
    before ``today``."""
    first, second = (today - timedelta(days=n) for n in EXAMPLE_ARRIVALS)
    (zhang, zhang_id), (li, li_id) = EXAMPLES
    return workbook_bytes(
        HEADERS,
        [
            [
                zhang,
                zhang_id,
                "13800000000",
                first.isoformat(),
                "湖北武汉",
                "西城花园1号楼2单元301",
                "",
                "居民身份证",
            ],
            [
                li,
                li_id,
                "",
                second.isoformat(),
                "意大利米兰",
                "西城花园2号楼1单元502",
                "",
                "护照",
            ],
        ],
        title="公安推送名单",
        widths=[10, 22, 14, 12, 14, 30, 12, 14],
    )


# "1月23日": a list made in the weeks it covers often leaves the year out.
MONTH_DAY = re.compile(r"([0-9]{1,2})月([0-9]{1,2})日?")


def _parse_date(value: Any, *, today: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:  # an Excel serial day
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = cell_text(value)
    if re.fullmatch(r"[0-9]{8}", text):  # 20200123
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    text = re.sub(r"\s+[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$", "", text)  # copied with its time
    month_day = MONTH_DAY.fullmatch(text)
    if month_day:  # the latest such day not after today
        month, day = int(month_day[1]), int(month_day[2])
        found = date(today.year, month, day)
        return found if found <= today else date(today.year - 1, month, day)
    text = text.replace("/", "-").replace(".", "-")
    for suffix in ("年", "月"):
        text = text.replace(suffix, "-")
    text = text.replace("日", "")
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    if len(parts[2]) == 4:  # 1/23/2020: month, day, year, as Excel shows a date in English
        parts = [parts[2], parts[0], parts[1]]
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def plan(
    upload: IO[bytes],
    *,
    root: Area,
    user: Any,
    default_community: Area | None,
    category: Category,
) -> Plan:
    """Read and check the file for a list of ``category`` (its period tells who has
    served it already); nothing is written."""
    result = Plan(root=root)

    def is_header(row: tuple) -> bool:
        return set(REQUIRED_HEADERS) <= set(header_columns(row, HEADER_NAMES))

    rows = iter_rows(upload, header=is_header)
    last: list[tuple] = [()]

    def remembered() -> Any:
        for row in rows:
            last[0] = row
            yield row

    try:
        header_row, columns = find_columns(remembered(), HEADER_NAMES, required=REQUIRED_HEADERS)
    except HeaderNotFound as exc:
        result.problems.append(Problem(1, "", str(exc)))
        return result
    number_header = header_text(last[0][columns["证件号码"]])
    default_type = (
        DocumentType.PASSPORT if number_header in PASSPORT_HEADERS else DocumentType.ID_CARD
    )
    communities = _communities_by_name(root)
    today = timezone.localdate()
    for number, raw in enumerate(rows, start=header_row + 1):
        if number > MAX_ROWS + header_row:
            result.problems.append(Problem(number, "", f"行数超过上限 {MAX_ROWS}，请分批导入"))
            break
        cells = [raw[columns[h]] if columns.get(h, len(raw)) < len(raw) else None for h in HEADERS]
        values = [cell_text(v) for v in cells]
        if not any(values):
            continue
        row = _check_row(
            number, cells, values, result, communities, default_community, today, default_type
        )
        if row is not None:
            result.rows.append(row)
    if not result.rows and not result.problems:
        result.problems.append(Problem(header_row + 1, "", "表格只有表头，没有数据行"))
    _classify(result, user, category=category, today=today)
    # As the file reads: by row, then by its columns (a whole row's problem first, a
    # column it lacks last), whichever check found them.
    result.problems.sort(key=lambda p: (p.row, columns.get(p.column, math.inf) if p.column else -1))
    return result


def _communities_by_name(root: Area) -> dict[str, list[Area]]:
    """The communities under ``root`` by the names a list may give them: their own, and
    their sub-district's before their own ("明湖街道西城社区"), which tells apart two
    communities named alike in a district."""
    named: dict[str, list[Area]] = {}
    for community in Area.objects.within(root).communities().select_related("parent"):
        named.setdefault(community.name, []).append(community)
        if community.parent_id:
            named.setdefault(f"{community.parent.name}{community.name}", []).append(community)
    return named


def _check_row(
    number: int,
    cells: list[Any],
    values: list[str],
    result: Plan,
    communities: dict[str, list[Area]],
    default_community: Area | None,
    today: date,
    default_type: str,
) -> Row | None:
    problems = []
    for column, cell in zip(HEADERS, cells, strict=True):
        problem = formula_problem(cell)
        if not problem and column in TEXT_HEADERS:
            problem = not_text(cell, whole_numbers=column != "姓名")
        if problem:
            problems.append(Problem(number, column, problem))
    refused = {p.column for p in problems}  # checked no further
    name, document, phone, _, origin, address, community_name, type_name = values
    if "姓名" not in refused:
        if not name:
            problems.append(Problem(number, "姓名", "请填写姓名"))
        elif len(name) > 50:
            problems.append(Problem(number, "姓名", "姓名过长（最多50字）"))
    doc_type = default_type
    document = normalise_document(document)
    if (name, document) in EXAMPLES:
        result.problems.append(Problem(number, "姓名", EXAMPLE_MESSAGE.format(name=name)))
        return None
    try:
        doc_type = document_type_named(type_name) if type_name else default_type
    except DocumentError as exc:  # a refused type's number goes unchecked too
        if "证件类型" not in refused:
            problems.append(Problem(number, "证件类型", str(exc)))
    else:
        if "证件号码" in refused:
            pass
        elif stored_as_number(cells[1]):
            problems.append(Problem(number, "证件号码", NUMBER_CELL_MESSAGE))
        else:
            try:
                _check_document(doc_type, document, today=today)
            except DocumentError as exc:
                lost_zero = lost_leading_zero(doc_type, cells[1])
                problems.append(
                    Problem(number, "证件号码", LOST_ZERO_MESSAGE if lost_zero else str(exc))
                )
    if phone and "手机号" not in refused:
        try:
            phone = validate_phone(phone)
        except DocumentError as exc:
            problems.append(Problem(number, "手机号", str(exc)))
    arrival = None
    if values[3] and "抵达日期" not in refused:
        try:
            arrival = _parse_date(cells[3], today=today)
        except (ValueError, OverflowError):
            problems.append(Problem(number, "抵达日期", f"日期格式不对，应为如 {today:%Y-%m-%d}"))
        else:
            try:
                actions.check_arrival_date(arrival, today=today)
            except ValidationError as exc:
                problems.append(Problem(number, "抵达日期", exc.messages[0]))
    if len(origin) > 100:
        problems.append(Problem(number, "来源地", "来源地过长（最多100字）"))
    if len(address) > 200:
        problems.append(Problem(number, "现住址", "住址过长（最多200字）"))
    community = default_community
    if community_name and "社区" not in refused:
        found = communities.get(community_name, [])
        community = found[0] if len(found) == 1 else None
        if not found:
            problems.append(Problem(number, "社区", f"“{community_name}”不是您辖区内的社区"))
        elif len(found) > 1:
            first = found[0]
            example = f"{first.parent.name if first.parent_id else ''}{first.name}"
            problems.append(
                Problem(
                    number,
                    "社区",
                    f"辖区内有 {len(found)} 个“{community_name}”，请写明所属街道，如“{example}”",
                )
            )
    result.problems.extend(problems)
    if problems:
        return None
    return Row(number, name, document, phone, arrival, origin, address, community, doc_type)


def _check_document(doc_type: str, number: str, *, today: date) -> None:
    """As the ledger checks it; an ID card's birth date against the local today."""
    if doc_type == DocumentType.ID_CARD:
        parse_id_card(number, today=today)
    else:
        validate_document(doc_type, number)


def _classify(result: Plan, user: Any, *, category: Category, today: date) -> None:
    hashes = {pii.lookup_hash(r.document): r for r in result.rows}
    persons: dict[str, Person] = {}
    for person in (
        Person.objects.visible_to(user)
        .current()
        .filter(doc_hash__in=list(hashes))
        .select_related("area__parent", "household__area__parent")
        .order_by("-pk")
    ):
        persons[person.doc_hash] = person
    # Under control, or out of it for a spell that ends with control resumed (已找到,
    # 出院返回): a second record would leave the first 失联 or 转医院 for good. As 登记
    # judges it: the records of a person found here count wherever they were made.
    records = KeyPerson.objects.visible_to(user) | KeyPerson.objects.filter(
        person__in=[p.pk for p in persons.values()]
    )
    tracked: dict[str, str] = {}
    for digest, status in (
        records.tracked()
        .filter(person__doc_hash__in=list(hashes))
        .values_list("person__doc_hash", "status")
    ):
        if tracked.get(digest) != KeyPerson.Status.ACTIVE:
            tracked[digest] = status
    waiting = set(
        LocateTask.objects.visible_to(user)
        .pending()
        .filter(doc_hash__in=list(hashes))
        .values_list("doc_hash", flat=True)
    )
    # A person listed twice (an earlier trip and this week's return) is judged by
    # their latest arrival (none given: today's); the other rows are duplicates.
    digests = [pii.lookup_hash(row.document) for row in result.rows]
    kept: dict[str, Row] = {}
    for digest, row in zip(digests, result.rows, strict=True):
        first = kept.setdefault(digest, row)
        if (row.arrival or today) > (first.arrival or today):
            kept[digest] = row
    for digest, row in zip(digests, result.rows, strict=True):
        person = persons.get(digest)
        if kept[digest] is not row:
            number = kept[digest].number
            row.outcome, row.detail = Outcome.DUPLICATE, f"与第{number}行证件号码相同"
            if number > row.number:
                row.detail += "，以抵达日期较近的该行为准"
            continue
        if tracked.get(digest) == KeyPerson.Status.ACTIVE:
            row.outcome, row.detail = Outcome.TRACKED, "已在管控中"
        elif digest in tracked:
            label = KeyPerson.Status(tracked[digest]).label
            row.outcome = Outcome.TRACKED
            row.detail = f"已有“{label}”的记录，不重复登记；人员返回后请在该记录变更为管控中"
        elif digest in waiting:
            row.outcome, row.detail = Outcome.TRACKED, "已在待查找名单中"
        elif served := actions.period_served(row.arrival, category=category, today=today):
            row.outcome = Outcome.EXPIRED
            row.detail = (
                f"观察期（{category.default_days}天）已于 {served:%Y-%m-%d} 期满，无需观察，不导入"
            )
        elif person is not None:
            row.outcome, row.person = Outcome.FOUND, person
            row.detail = person.household.address if person.household_id else person.area.name
            if clean_name(row.name).casefold() != person.name.casefold():
                row.name_differs = True
                row.detail += f"；台账中此证件号码为“{person.name}”，与名单姓名不同，请核对"
            if row.phone and person.phone_hash != pii.lookup_hash(row.phone):
                row.detail += (
                    "；手机号与台账不同，因姓名不符，不更新台账手机号"
                    if row.name_differs
                    else "；手机号与台账不同，导入后更新为名单号码"
                )
        else:
            row.outcome = Outcome.LOCATE
            if row.community is None:
                result.problems.append(Problem(row.number, "社区", NO_COMMUNITY_MESSAGE))
            else:
                row.detail = f"下发{row.community.name}查找"


def _sent_to_locate(intake: Intake, row: Row, *, category: Category, measure: str) -> bool:
    """Make the row's locate task; False if the same person's task, pending in the
    same community, came from an import committed since the plan (a list imported
    twice at once): the row then counts as 已在待查找名单中, as it would have."""
    doc_hash = pii.lookup_hash(row.document)
    try:
        with transaction.atomic():
            LocateTask.objects.create(
                intake=intake,
                community=row.community,
                name=row.name,
                doc_type=row.doc_type,
                doc_enc=pii.encrypt(row.document),
                doc_hash=doc_hash,
                doc_last4=row.document[-4:],
                phone_enc=pii.encrypt(row.phone),
                arrival_date=row.arrival,
                origin=row.origin,
                address=row.address,
                category=category,
                measure=measure,
            )
    except IntegrityError:
        if LocateTask.objects.pending().filter(community=row.community, doc_hash=doc_hash).exists():
            return False
        raise
    return True


@transaction.atomic
def commit(
    result: Plan, *, category: Category, measure: str, by: Any, filename: str = ""
) -> Intake:
    """Write the plan: key persons for found rows, tasks for rows to locate."""
    if not result.ok:
        raise ValidationError("导入文件存在问题，未做任何修改")
    intake = Intake.objects.create(
        area=result.root, filename=filename[:200], category=category, measure=measure, by=by
    )
    today = timezone.localdate()
    for row in result.rows:
        if row.outcome == Outcome.FOUND:
            # the number the police give is the one the person carries: 拨打 dials it —
            # unless the row names someone else than the ledger (a mistyped number)
            if not row.name_differs:
                actions.update_phone(person=row.person, phone=row.phone, by=by)
            actions.register_key_person(
                person=row.person,
                category=category,
                source=KeyPerson.Source.POLICE,
                measure=measure,
                start_date=row.arrival or today,
                origin=row.origin,
                arrival_date=row.arrival,
                notes=f"公安推送名单：{intake}；名单住址：{row.address}"[:500],
                by=by,
            )
            intake.found += 1
        elif row.outcome == Outcome.EXPIRED:
            intake.expired += 1
        elif row.outcome == Outcome.LOCATE:
            if _sent_to_locate(intake, row, category=category, measure=measure):
                intake.to_locate += 1
            else:
                intake.tracked += 1
        else:
            intake.tracked += 1
    intake.save(update_fields=["found", "to_locate", "tracked", "expired"])
    audit.record(
        action=AuditEvent.Action.IMPORT,
        user=by,
        obj=intake,
        detail=(
            f"公安推送名单：匹配 {intake.found}，待查找 {intake.to_locate}，"
            f"已在管控或重复 {intake.tracked}，观察期已过 {intake.expired}"
        ),
    )
    return intake
