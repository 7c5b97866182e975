"""Excel import of the resident ledger, in two passes that the page follows by polling
the ``ImportJob`` row.

``check`` streams the sheet (``core.xlsx.iter_rows``: size, zip-bomb and type checks,
openpyxl read-only over defusedxml), validates every row and records each problem by
row and column in Chinese. Valid rows are prepared once — IDs and phones encrypted and
hashed — and staged as JSON lines next to the upload; the upload itself (the only copy
with plaintext numbers) is deleted as soon as the check ends. ``commit`` reads the
staged rows and writes them in batches: households get-or-created on (building, unit,
room), persons matched on the ID's keyed hash (re-importing a file updates, never
duplicates), one history entry per created or changed person.

Two layouts are accepted, told apart by their headers: the template (小区, 楼栋, 单元,
房号 columns) and the one communities keep (one 住址 column: "3号楼2单元301").
Unknown extra columns are ignored. Empty cells never erase stored values. A cell
merged down over several rows (a household's address over its members') is each row's.

Rows at the same flat make one household, whichever the layout. A person joining a
household (new, moved in, or at another flat than before) takes the relation the
与户主关系 column gives, written as registers write it too (户主（本人）, 妻, 长子,
儿媳: ``relation_named``; a value not recognised is a problem of its row, never 其他);
without one (no such column, or an empty cell) they are its head only on the
household's first row in the file, when neither the ledger (a head in register) nor
the file (a row saying 户主) names one, and 其他 otherwise. Persons
staying in their household keep their relation: a re-import never demotes or promotes
anyone (``Heads``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain
from pathlib import Path
from time import sleep
from typing import IO, Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import SEGMENT, Area
from shouwang.core import pii
from shouwang.core.jobs import Ticker, fewer_collections, save_progress
from shouwang.core.locking import is_lock_conflict
from shouwang.core.text import half_width, visible
from shouwang.core.xlsx import (
    HEADER_SEARCH_ROWS,
    NOT_TEXT_MESSAGES,
    SpreadsheetError,
    cell_text,
    formula_problem,
    header_text,
    iter_rows,
    not_text,
    unneutralised,
    workbook_bytes,
)

from .addresses import (
    FILL_IN_BUILDING,
    MAX_ADDRESS,
    BuildingIndex,
    FlatError,
    parse_address,
    read_room,
    read_unit,
)
from .bulk import BulkInsert, insert_pairs
from .documents import (
    BORN_CARRIED_MESSAGE,
    CHECK_CHARS,
    LOST_ZERO_MESSAGE,
    MOVED_OUT_ELSEWHERE,
    NAME_DIFFERS_MESSAGE,
    NUMBER_CELL_MESSAGE,
    RESIDENCE_CARD_FIRST_DIGIT,
    RESIDENCE_CARD_MESSAGE,
    WEIGHTS,
    DocumentError,
    DocumentType,
    active_elsewhere,
    birth_facts,
    check_birth_date,
    document_type_named,
    lost_leading_zero,
    masked_number,
    normalise,
    sex_carried_message,
    stored_as_number,
    validate_document,
    validate_phone,
    wrong_length,
)
from .models import (
    MAX_NOTES,
    Change,
    Household,
    ImportJob,
    ImportMoveIn,
    ImportProblem,
    Person,
    Tag,
    clean_name,
    name_initials,
)

TEMPLATE_HEADERS = [
    "姓名",
    "证件类型",
    "证件号码",
    "手机号",
    "小区",
    "楼栋",
    "单元",
    "房号",
    "与户主关系",
    "居住类型",
    "房屋类型",
    "标签",
    "党员",
    "备注",
    "性别",
    "出生日期",
]
EXAMPLE_ROW = [
    "张三",
    "居民身份证",
    "410105199001011233",
    "13812345678",
    "西城花园",
    "3号楼",
    "2",
    "301",
    "户主",
    "常住",
    "自住",
    "慢性病",
    "否",
    "",
    "",
    "",
]
# The example row left in a filled-in template is nobody: reported, never imported.
EXAMPLE_MESSAGE = "这是模板中的示例行（张三），不是真实人员，请删除此行后再导入"
# Header text (normalised) -> column key. The first of each list is the template's.
SYNONYMS: dict[str, list[str]] = {
    "name": ["姓名", "居民姓名", "人员姓名"],
    "doc_type": ["证件类型"],
    "doc": ["证件号码", "身份证号", "身份证号码", "公民身份号码", "身份证", "证件号"],
    "phone": ["手机号", "手机号码", "联系电话", "电话", "联系方式", "手机"],
    "compound": ["小区", "小区名称", "小区/村民组", "村民组", "自然村"],
    "building": ["楼栋", "楼号", "楼栋号"],
    "unit": ["单元", "单元号"],
    "room": ["房号", "门牌号", "房间号", "户号", "门牌/房号"],
    "address": ["住址", "地址", "家庭住址", "现住址", "详细地址", "居住地址"],
    "relation": ["与户主关系", "关系"],
    "residence_type": ["居住类型", "人员类型", "居住性质"],
    "housing_type": ["房屋类型", "房屋性质"],
    "tags": ["标签", "人员标签", "特殊人群"],
    "party_member": ["党员", "是否党员"],
    "notes": ["备注"],
    "birth_date": ["出生日期", "出生年月日", "生日"],
    "sex": ["性别"],
    "status": ["状态", "人员状态"],
}
HEADER_KEYS = {text: key for key, texts in SYNONYMS.items() for text in texts}
LABELS = {key: texts[0] for key, texts in SYNONYMS.items()}
LABELS["address"] = "住址"

# 状态 as the export writes it: a row of a person moved out is not imported (it would
# put them back 在册 unasked; 恢复在册 and 迁入 do that on purpose).
MOVED_OUT_STATUSES = ("已迁出", "迁出")
MOVED_OUT_ROW = (
    "状态为已迁出：已迁出的人员不随导入恢复在册，这一行未导入。"
    "如已迁回，请在人员页恢复在册或登记迁入；否则请删去这一行"
)

# 与户主关系 as registers and families write it, grouped as the household register's
# codes group them (GB/T 4761: 儿媳 and 女婿 among 子女, 公婆 and 岳父母 among 父母).
RELATIONS = {label: value for value, label in Person.Relation.choices}
RELATIONS |= dict.fromkeys(("本人", "户主本人"), "head")
RELATIONS |= dict.fromkeys(("妻", "妻子", "丈夫", "夫", "爱人", "老公", "老婆"), "spouse")
RELATIONS |= dict.fromkeys(
    (
        *("子", "女", "儿子", "女儿", "长子", "长女", "次子", "次女", "二子", "二女"),
        *("三子", "三女", "独生子", "独生女", "养子", "养女", "继子", "继女"),
        *("儿媳", "儿媳妇", "女婿"),
    ),
    "child",
)
RELATIONS |= dict.fromkeys(
    (
        *("父亲", "母亲", "父", "母", "爸爸", "妈妈", "继父", "继母", "养父", "养母"),
        *("公公", "婆婆", "岳父", "岳母"),
    ),
    "parent",
)
RELATIONS |= dict.fromkeys(
    ("孙子", "孙女", "外孙", "外孙子", "外孙女", "孙媳妇", "孙女婿", "曾孙", "曾孙女"),
    "grandchild",
)
RELATIONS |= dict.fromkeys(
    (
        *("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹"),
        *("嫂", "嫂子", "弟媳", "弟妹", "姐夫", "妹夫"),
    ),
    "sibling",
)
RELATIONS |= dict.fromkeys(("租客", "房客", "承租人"), "tenant")
RELATIONS |= dict.fromkeys(
    (
        *("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"),
        *("伯父", "伯母", "叔父", "叔叔", "婶婶", "姑父", "姑母", "舅舅", "舅妈", "姨父", "姨母"),
        *("侄子", "侄女", "外甥", "外甥女", "妻兄", "妻弟", "妻姐", "妻妹"),
        *("亲属", "其他亲属", "非亲属", "保姆"),
    ),
    "other",
)
*_RELATION_LABELS, _LAST_RELATION = Person.Relation.labels
RELATION_MESSAGE = (
    f"与户主关系“{{}}”无法识别，应为 {'、'.join(_RELATION_LABELS)} 或 {_LAST_RELATION}"
)


def relation_named(text: str) -> str | None:
    """The relation a 与户主关系 cell gives, spaces and full-width brackets aside, a
    note in brackets after it read past (户主（本人）, 其他（保姆）); None if unknown."""
    text = "".join(visible(half_width(text)).split())
    if text in RELATIONS:
        return RELATIONS[text]
    noted = re.fullmatch(r"([^()]+)\([^()]*\)", text)
    return RELATIONS.get(noted.group(1)) if noted else None


RESIDENCE_TYPES = {label: value for value, label in Person.ResidenceType.choices}
RESIDENCE_TYPES |= {"户籍": "permanent", "本地": "permanent", "寄住": "temporary"}
RESIDENCE_TYPES |= {"外来": "floating", "流动人口": "floating"}
HOUSING_TYPES = {label: value for value, label in Household.HousingType.choices}
HOUSING_TYPES |= {"出租": "rented", "租赁": "rented", "自有": "owned", "门面": "shop"}
YES = {"是", "党员", "中共党员", "y", "yes", "1", "√", "true"}
NO = {"", "否", "群众", "n", "no", "0", "×", "false"}
TAG_SPLIT = re.compile(r"[、,，;；/\s]+")

# The columns that make up an address. Excel turns a room typed as "3-1" into a date
# (3月1日) and keeps only the date: not a room number to register.
ADDRESS_KEYS = ("compound", "building", "unit", "room", "address")
# The columns of words (a note, tag or choice names): TRUE or 3.5 in one is no word.
WORD_KEYS = ("relation", "residence_type", "housing_type", "tags", "notes")
# The columns of codes: a logical value, a decimal or a date is no document type,
# number or phone (a whole number is: a phone Excel stored as a number).
CODE_KEYS = ("doc_type", "doc", "phone")


# 出生日期 as registers write it: 1980-05-06, 1980/5/6, 1980.5.6, 1980年5月6日, 19800506.
BIRTH_DATE_TEXT = re.compile(
    r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?|([0-9]{4})([0-9]{2})([0-9]{2})"
)
BIRTH_DATE_FORMAT_MESSAGE = "出生日期应写成 1980-05-06 的形式（或把单元格设为日期格式）"
SEXES = dict.fromkeys(("男", "男性", "M"), "M") | dict.fromkeys(("女", "女性", "F"), "F")
SEX_MESSAGE = "性别请填“男”或“女”"


def read_birth_date(value: Any, *, today: date) -> date | None:
    """An 出生日期 cell: a date cell, or a date as text (``BIRTH_DATE_TEXT``, also as a
    whole number, 19800506); None when empty. DocumentError saying what to fix for
    anything else, or a date no living resident was born on (``check_birth_date``)."""
    if isinstance(value, bool):
        raise DocumentError(NOT_TEXT_MESSAGES["bool"])
    if isinstance(value, datetime):
        if value.time() != time():
            raise DocumentError(BIRTH_DATE_FORMAT_MESSAGE)
        born = value.date()
    elif isinstance(value, date):
        born = value
    else:
        if isinstance(value, int | float | Decimal):
            if isinstance(value, int) or value.is_integer():
                value = str(int(value))
            else:
                raise DocumentError(BIRTH_DATE_FORMAT_MESSAGE)
        if value is not None and not isinstance(value, str):
            raise DocumentError(BIRTH_DATE_FORMAT_MESSAGE)
        text = visible(half_width(value or "")).strip()
        if not text:
            return None
        match = BIRTH_DATE_TEXT.fullmatch(text)
        if match is None:
            raise DocumentError(BIRTH_DATE_FORMAT_MESSAGE)
        year, month, day = (int(g) for g in match.groups() if g is not None)
        try:
            born = date(year, month, day)
        except ValueError as exc:
            raise DocumentError(f"出生日期“{text[:20]}”不存在，请核对") from exc
    check_birth_date(born, today)
    return born


def read_sex(value: Any) -> str:
    """A 性别 cell: "M", "F", or "" when empty; DocumentError for anything else."""
    problem = not_text(value)
    if problem:
        raise DocumentError(problem)
    text = "".join(visible(half_width(cell_text(value))).split()).upper()
    if not text:
        return ""
    if text not in SEXES:
        raise DocumentError(SEX_MESSAGE)
    return SEXES[text]


MAX_ROWS = 300_000
MAX_PROBLEMS = 50_000
BATCH = 5000
ANALYZE_AFTER = 5000


class HeaderError(SpreadsheetError):
    """The sheet has no usable header row."""


@dataclass
class Layout:
    """Where each known column is: key -> 0-based index; the header's row number (the
    lower one of a two-row header); rows read past the header that are data."""

    columns: dict[str, int]
    header_row: int
    ignored: list[str] = field(default_factory=list)
    data: list[tuple[Any, ...]] = field(default_factory=list)

    def blank(self, raw: tuple[Any, ...]) -> bool:
        """Nothing but spaces under the known columns: a 序号 numbered down past the
        last person, or a 合计 line, is no person."""
        width = len(raw)
        return not any(cell_text(raw[i]) for i in self.columns.values() if i < width)


def is_example(cells: dict[str, Any]) -> bool:
    """The template's example person: its name and document number as printed."""
    return (
        clean_name(cell_text(cells.get("name"))) == EXAMPLE_ROW[0]
        and cell_text(cells.get("doc")).upper() == EXAMPLE_ROW[2]
    )


def template_bytes() -> bytes:
    return workbook_bytes(
        TEMPLATE_HEADERS,
        [EXAMPLE_ROW],
        title="人员台账导入模板",
        widths=[10, 12, 22, 14, 14, 8, 6, 8, 10, 8, 8, 16, 6, 20, 6, 12],
    )


def _columns(raw: tuple[Any, ...]) -> tuple[dict[str, int], list[str]]:
    """A row read as a header: known column key -> index, and the unknown names."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for i, value in enumerate(raw):
        text = header_text(value)
        key = HEADER_KEYS.get(text)
        if key is not None and key not in columns:
            columns[key] = i
        elif text:
            ignored.append(text)
    return columns, ignored


def _doubled(raw: tuple[Any, ...]) -> str:
    """Why a header row cannot be read when two of its columns name the same thing
    ("家庭住址" and "现住址" are both an address): which one holds the data is not for
    the import to guess. "" when no two do."""
    texts: dict[str, list[str]] = {}
    for value in raw:
        text = header_text(value)
        key = HEADER_KEYS.get(text)
        if key is not None:
            texts.setdefault(key, []).append(text)
    for key, names in texts.items():
        if len(names) > 1:
            shown = "和".join(f"“{n}”" for n in names[:3])
            return (
                f"表头中{shown}都是{LABELS[key]}列，无法确定以哪一列为准："
                "请删除其中多余的列（或把它改成别的列名）后重新上传"
            )
    return ""


def is_header(raw: tuple[Any, ...]) -> bool:
    return "name" in _columns(raw)[0]


def _add_subheader(layout: Layout, raw: tuple[Any, ...]) -> bool:
    """Take ``raw`` as the lower row of a two-row header when it names columns the
    header row does not, and has nothing under 姓名 (merged down over both rows): "住址"
    merged over "楼栋 单元 房号". The parts replace the merged column they sit under."""
    name = layout.columns["name"]
    if name < len(raw) and raw[name] not in (None, ""):
        return False
    below, ignored = _columns(raw)
    added = {key: i for key, i in below.items() if key not in layout.columns}
    if not added:
        return False
    for key, i in list(layout.columns.items()):
        if i in added.values():
            del layout.columns[key]
    layout.columns |= added
    layout.ignored += ignored
    layout.header_row += 1
    return True


def find_layout(rows: Iterator[tuple[Any, ...]]) -> Layout:
    """Read up to the header row (a title row or two above it is allowed; a second
    header row below it, too)."""
    seen_anything = False
    for number, raw in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        seen_anything = seen_anything or any(v not in (None, "") for v in raw)
        columns, ignored = _columns(raw)
        if "name" in columns:
            doubled = _doubled(raw)
            if doubled:
                raise HeaderError(doubled)
            layout = Layout(columns=columns, header_row=number, ignored=ignored)
            below = next(rows, None)
            if below is not None and not _add_subheader(layout, below):
                layout.data.append(below)
            columns = layout.columns
            has_rooms = "building" in columns and "room" in columns
            if not has_rooms and "address" not in columns and "room" not in columns:
                raise HeaderError(
                    "表头缺少地址列：请提供“楼栋”和“房号”两列（可加“小区”“单元”），"
                    "或一列“住址”（如 3号楼2单元301）。请下载模板对照填写"
                )
            return layout
    if not seen_anything:
        raise HeaderError("表格是空的：工作表中没有任何内容")
    raise HeaderError(
        "没有找到表头：前几行中应有一行列名，至少包含“姓名”和地址列"
        f"（模板列名：{'、'.join(TEMPLATE_HEADERS)}）。请下载模板对照填写"
    )


def estimate_rows(path: Path) -> int:
    """Rows of the first sheet, for the progress bar: its <dimension> when the file has
    one (Excel and WPS write it), else extrapolated from the rows in its first 64 KB."""
    sample_size = 65_536
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
            if not names:
                return 0
            size = archive.getinfo(names[0]).file_size
            with archive.open(names[0]) as sheet:
                head = sheet.read(sample_size).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile):
        return 0
    match = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    if match:
        return int(match.group(1))
    rows = head.count("<row")
    if size <= sample_size:
        return rows
    return rows * size // sample_size


# Checking -----------------------------------------------------------------------------


@dataclass
class Checker:
    """Validates rows one at a time; keeps what it needs to find duplicates."""

    job: ImportJob
    layout: Layout
    buildings: BuildingIndex
    tags: dict[str, int]
    problems: list[ImportProblem] = field(default_factory=list)
    problem_count: int = 0
    today: date = field(default_factory=timezone.localdate)
    seen_docs: dict[str, int] = field(default_factory=dict)
    seen_undocumented: dict[tuple[int, str, str, str], int] = field(default_factory=dict)
    address_cache: dict[tuple[str, str, str, str], tuple[tuple[int, str, str] | None, str, str]] = (
        field(default_factory=dict)
    )

    def problem(self, row: int, key: str, message: str, kind: str = "cell") -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(
                ImportProblem(
                    job=self.job,
                    row=row,
                    column=LABELS.get(key, key),
                    kind=kind,
                    message=pii.mask_in_text(message),
                )
            )

    def check(self, number: int, raw: tuple[Any, ...]) -> dict[str, Any] | None:
        """One data row -> a staged record, or None (its problems recorded)."""
        columns = self.layout.columns
        cells: dict[str, Any] = {}
        ok = True
        width = len(raw)
        for key, i in columns.items():
            value = raw[i] if i < width else None
            formula = formula_problem(value)
            if formula:
                self.problem(number, key, formula)
                ok = False
            cells[key] = unneutralised(value)
        if not ok:
            return None
        if is_example(cells):
            self.problem(number, "name", EXAMPLE_MESSAGE)
            return None
        record: dict[str, Any] = {"r": number}
        name = clean_name(cell_text(cells.get("name")))
        not_a_name = not_text(cells.get("name"), whole_numbers=False)
        if not_a_name:
            self.problem(number, "name", not_a_name)
            ok = False
        elif not name:
            self.problem(number, "name", "缺少必填项：姓名")
            ok = False
        elif len(name) > 50:
            self.problem(number, "name", "姓名过长（最多50字）")
            ok = False
        record["n"] = name
        refused = self._codes(number, cells)
        ok = not refused and ok
        if "doc_type" not in refused:
            ok = self._document(number, cells, record) and ok
        ok = self._birth(number, cells, record) and ok
        ok = self._phone(number, cells.get("phone"), record) and ok
        ok = self._address(number, cells, record) and ok
        ok = self._words(number, cells) and ok
        ok = self._choices(number, cells, record) and ok
        if not ok:
            return None
        if record.get("dh"):
            first = self.seen_docs.get(record["dh"])
            if first is not None:
                self.problem(number, "doc", f"与第{first}行的证件号码重复")
                return None
            self.seen_docs[record["dh"]] = number
        else:
            key = (record["a"], record["u"], record["rm"], name)
            first = self.seen_undocumented.get(key)
            if first is not None:
                self.problem(number, "name", f"与第{first}行重复（同一户、同名且都没有证件号码）")
                return None
            self.seen_undocumented[key] = number
        record["i"] = name_initials(name)
        return record

    def _codes(self, number: int, cells: dict[str, Any]) -> set[str]:
        """A cell of ``CODE_KEYS`` that is not text is a problem saying what it holds
        (core.xlsx's message), never "True" or "3.5" checked as a code; such a cell is
        then read as empty, the row's other columns still checked. Returns their keys."""
        refused = set()
        for key in CODE_KEYS:
            problem = not_text(cells.get(key))
            if problem:
                self.problem(number, key, problem)
                cells[key] = None
                refused.add(key)
        return refused

    def _document(self, number: int, cells: dict[str, Any], record: dict[str, Any]) -> bool:
        value = cells.get("doc")
        if stored_as_number(value):
            self.problem(number, "doc", NUMBER_CELL_MESSAGE)
            return False
        doc = normalise(cell_text(value))
        type_text = cell_text(cells.get("doc_type"))
        if type_text:
            try:
                doc_type = document_type_named(type_text)
            except DocumentError as exc:
                self.problem(number, "doc_type", str(exc))
                return False
        else:
            doc_type = DocumentType.ID_CARD
        record["dt"] = doc_type
        if not doc:
            return True
        try:
            if doc_type == DocumentType.ID_CARD:
                born, sex = _parse_id(doc, self.today)
                record["bd"], record["sx"] = born, sex
            else:
                doc = validate_document(doc_type, doc)
                birth_date, _ = birth_facts(doc_type, doc)
                if birth_date is not None:
                    record["bd"] = birth_date.isoformat()
        except DocumentError as exc:
            message = LOST_ZERO_MESSAGE if lost_leading_zero(doc_type, value) else str(exc)
            self.problem(number, "doc", message)
            return False
        record["de"] = pii.encrypt(doc)
        record["dh"] = pii.lookup_hash(doc)
        record["dt4"] = pii.tail_hash(doc)
        return True

    def _birth(self, number: int, cells: dict[str, Any], record: dict[str, Any]) -> bool:
        """出生日期 and 性别 cells, taken where the row's document does not carry them
        (staged as the document's are, "bd" and "sx"); where it does, a different value
        is a problem (as on the person form: ``Person.enter_birth_facts``)."""
        ok = True
        for key, read in (
            ("birth_date", lambda v: read_birth_date(v, today=self.today)),
            ("sex", read_sex),
        ):
            try:
                value = read(cells.get(key))
            except DocumentError as exc:
                self.problem(number, key, str(exc))
                ok = False
                continue
            if not value:
                continue
            staged = "bd" if key == "birth_date" else "sx"
            shown = value.isoformat() if isinstance(value, date) else value
            carried = record.get(staged)
            if carried and carried != shown:
                message = (
                    BORN_CARRIED_MESSAGE
                    if key == "birth_date"
                    else sex_carried_message(Person.Sex(carried).label)
                )
                self.problem(number, key, message)
                ok = False
            else:
                record[staged] = shown
        return ok

    def _phone(self, number: int, value: Any, record: dict[str, Any]) -> bool:
        phone = cell_text(value)
        if not phone:
            return True
        try:
            phone = validate_phone(phone)
        except DocumentError as exc:
            self.problem(number, "phone", str(exc))
            return False
        record["pe"] = pii.encrypt(phone)
        record["ph"] = pii.lookup_hash(phone)
        record["p4"] = phone[-4:]
        record["pm"] = pii.mask_phone(phone)
        return True

    def _address(self, number: int, cells: dict[str, Any], record: dict[str, Any]) -> bool:
        for key in ADDRESS_KEYS:
            problem = not_text(cells.get(key))
            if problem:
                self.problem(number, key, problem)
                return False
        compound = cell_text(cells.get("compound"))
        building = cell_text(cells.get("building"))
        unit = cell_text(cells.get("unit"))
        room = cell_text(cells.get("room"))
        text = cell_text(cells.get("address"))
        cache_key = (compound, building, unit, room if room else text)
        cached = self.address_cache.get(cache_key)
        if cached is None:
            cached = self._resolve(compound, building, unit, room, text)
            self.address_cache[cache_key] = cached
        found, column, message = cached
        if found is None:
            kind = "address" if column in ("address", "building", "compound") else "cell"
            self.problem(number, column, message, kind)
            return False
        record["a"], record["u"], record["rm"] = found
        return True

    def _resolve(
        self, compound: str, building: str, unit: str, room: str, text: str
    ) -> tuple[tuple[int, str, str] | None, str, str]:
        if room or building:
            if not room:
                return None, "room", "缺少必填项：房号"
            if not building and not compound:
                return None, "building", "缺少必填项：楼栋"
            area, reason = self.buildings.resolve(compound, building)
            if area is None:
                return None, "building", reason
            try:
                return (area, read_unit(unit), read_room(room)), "", ""
            except FlatError as exc:
                return None, exc.field, str(exc)
        if not text:
            column = "address" if "address" in self.layout.columns else "room"
            return None, column, "缺少必填项：地址（楼栋和房号，或住址）"
        if len(text) > MAX_ADDRESS:
            return None, "address", f"地址过长（最多{MAX_ADDRESS}字），请只写楼栋、单元和房号"
        address = parse_address(text)
        if address is None:
            return None, "address", f"地址“{text[:60]}”无法识别，请写成“3号楼2单元301”的形式"
        area, reason = self.buildings.resolve(address.compound or compound, address.building)
        if area is None:
            return None, "address", f"地址“{text[:60]}”：{reason}"
        return (area, address.unit, address.room[:40]), "", ""

    def _words(self, number: int, cells: dict[str, Any]) -> bool:
        """A logical value or a decimal where words belong is a problem, never "True"
        or "3.5"; such a cell is then read as empty (reported once, the row's other
        columns still checked). A whole number or a date (in a note, the date meant)
        is read as text."""
        ok = True
        for key in WORD_KEYS:
            value = cells.get(key)
            problem = "" if isinstance(value, date | time) else not_text(value)
            if problem:
                self.problem(number, key, problem)
                cells[key] = None
                ok = False
        return ok

    def _choices(self, number: int, cells: dict[str, Any], record: dict[str, Any]) -> bool:
        ok = True
        if cell_text(cells.get("status")) in MOVED_OUT_STATUSES:
            self.problem(number, "status", MOVED_OUT_ROW)
            ok = False
        relation = cell_text(cells.get("relation"))
        if relation:
            value = relation_named(relation)
            if value is None:
                self.problem(number, "relation", RELATION_MESSAGE.format(relation[:20]))
                ok = False
            record["rel"] = value
        residence = cell_text(cells.get("residence_type"))
        if residence:
            value = RESIDENCE_TYPES.get(residence)
            if value is None:
                self.problem(number, "residence_type", "居住类型应为 常住、暂住 或 流动")
                ok = False
            record["res"] = value
        housing = cell_text(cells.get("housing_type"))
        if housing:
            value = HOUSING_TYPES.get(housing)
            if value is None:
                self.problem(number, "housing_type", "房屋类型应为 自住、租住、空置 或 商铺")
                ok = False
            record["ht"] = value
        tag_text = cell_text(cells.get("tags"))
        if tag_text:
            ids = []
            for name in TAG_SPLIT.split(tag_text):
                if not name:
                    continue
                if name not in self.tags:
                    self.problem(
                        number, "tags", f"标签“{name[:20]}”不在标签列表中，请先由指挥部添加"
                    )
                    ok = False
                else:
                    ids.append(self.tags[name])
            record["tg"] = sorted(set(ids))
        party = cell_text(cells.get("party_member")).lower()
        if "party_member" in self.layout.columns and party:
            if party in YES:
                record["pm_"] = True
            elif party in NO:
                record["pm_"] = False
            else:
                self.problem(number, "party_member", "党员一栏请填“是”或“否”")
                ok = False
        notes = cell_text(cells.get("notes"))
        if len(notes) > MAX_NOTES:
            self.problem(number, "notes", f"备注过长（最多{MAX_NOTES}字）")
            ok = False
        elif notes:
            record["no"] = notes
        return ok


def _parse_id(number: str, today: date | None = None) -> tuple[str, str]:
    """Fast path of ``documents.parse_id_card`` (same rules, same messages)."""
    if len(number) != 18:
        raise masked_number("证件号码") if "*" in number else DocumentError(wrong_length(number))
    head, last = number[:17], number[17]
    if not number.isascii() or not head.isdigit() or not (last.isdigit() or last == "X"):
        if "*" in number:
            raise masked_number("证件号码")
        raise DocumentError("身份证号码前17位应为数字，最后一位为数字或X")
    if number[0] == RESIDENCE_CARD_FIRST_DIGIT:
        raise DocumentError(RESIDENCE_CARD_MESSAGE)
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise DocumentError("身份证号码中的出生日期不存在") from exc
    if born > (today or timezone.localdate()) or born.year < 1890:
        raise DocumentError("身份证号码中的出生日期不合理")
    if CHECK_CHARS[sum(int(d) * w for d, w in zip(head, WEIGHTS, strict=True)) % 11] != last:
        raise DocumentError("身份证号码校验位不正确，请核对")
    return born.isoformat(), "M" if int(number[16]) % 2 else "F"


def _fail(job: ImportJob, message: str) -> None:
    _remove_files(job)
    save_progress(job, status=ImportJob.Status.FAILED, message=message, finished_at=timezone.now())


def _remove_files(job: ImportJob) -> None:
    for path in (job.upload_path, job.stage_path):
        if path:
            Path(path).unlink(missing_ok=True)


def check(job: ImportJob) -> None:
    """First pass: validate everything, stage valid rows, delete the upload."""
    if job.status != ImportJob.Status.QUEUED:
        return
    upload = Path(job.upload_path)
    stage = upload.with_suffix(".jsonl")
    save_progress(
        job,
        status=ImportJob.Status.CHECKING,
        total_rows=max(0, estimate_rows(upload) - 1),
        stage_path=str(stage),
    )
    try:
        with (
            open(upload, "rb") as f,
            open(stage, "w", encoding="utf-8") as out,
            fewer_collections(),
        ):
            _check_rows(job, f, out)
    except SpreadsheetError as exc:
        _fail(job, str(exc))
        return
    except Exception:
        _fail(job, "检查文件时出错，未导入任何数据。请确认文件内容后重试")
        raise
    finally:
        upload.unlink(missing_ok=True)


def _check_rows(job: ImportJob, f: IO[bytes], out: IO[str]) -> None:
    rows = iter_rows(f, header=is_header, fill_merged=True)
    try:
        layout = find_layout(rows)
        checker = Checker(
            job=job,
            layout=layout,
            buildings=BuildingIndex(job.area),
            tags=dict(Tag.objects.values_list("name", "pk")),
        )
        predicted = Prediction(job)
        ticker = Ticker()
        valid = checked = 0
        pending: list[dict[str, Any]] = []
        for number, raw in enumerate(chain(layout.data, rows), start=layout.header_row + 1):
            if layout.blank(raw):
                continue
            checked += 1
            if checked > MAX_ROWS:
                raise SpreadsheetError(f"行数超过上限 {MAX_ROWS} 行，请分成几个文件导入")
            record = checker.check(number, raw)
            if record is not None:
                pending.append(record)
            if len(pending) >= BATCH:
                valid += predicted.stage(pending, out, checker)
                pending = []
            if checked % 500 == 0 and ticker.due():
                save_progress(job, checked_rows=checked)
        valid += predicted.stage(pending, out, checker)
        valid += predicted.finish(out, checker)
    finally:
        rows.close()
    if not checked:
        raise SpreadsheetError("表格只有表头，没有数据行")
    ImportProblem.objects.bulk_create(checker.problems, batch_size=2000)
    ImportMoveIn.objects.bulk_create(predicted.moving, batch_size=2000)
    implicit_heads, implicit_others = predicted.relations()
    headless = predicted.headless()
    ignored = "、".join(layout.ignored[:10])
    save_progress(
        job,
        status=ImportJob.Status.CHECKED,
        total_rows=checked,
        checked_rows=checked,
        valid_rows=valid,
        problem_count=checker.problem_count,
        new_persons=predicted.new,
        updated_persons=predicted.matched,
        restored_persons=predicted.restored,
        moved_in_persons=predicted.moved_in,
        new_households=predicted.households(),
        implicit_heads=implicit_heads,
        implicit_others=implicit_others,
        headless_households=len(headless),
        headless_addresses="、".join(addresses_of(headless[:MAX_HEADLESS_SHOWN])),
        message=f"未识别的列已忽略：{ignored}" if ignored else "",
    )


def communities_of(paths: Iterable[str]) -> dict[str, str]:
    """The name of the community each area path lies in ("其他社区" for one above the
    communities); one query."""

    def prefixes(path: str) -> list[str]:
        return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]

    paths = set(paths)
    every = {prefix for path in paths for prefix in prefixes(path)}
    found = Area.objects.filter(path__in=every, kind=Area.Kind.COMMUNITY)
    names = dict(found.values_list("path", "name"))
    return {
        path: next((names[p] for p in prefixes(path) if p in names), "其他社区") for path in paths
    }


HouseholdKey = tuple[int, str, str]  # (area, unit, room), staged as "a", "u", "rm"


def household_key(record: dict[str, Any]) -> HouseholdKey:
    return record["a"], record["u"], record["rm"]


# The preview lists the addresses of this many households left without a head.
MAX_HEADLESS_SHOWN = 20


def addresses_of(keys: list[HouseholdKey]) -> list[str]:
    """The addresses ('西城花园1号楼2单元301') of households by key; one query."""
    areas = Area.objects.select_related("parent").in_bulk({a for a, _, _ in keys})
    return [Household(area=areas[a], unit=u, room=rm).address for a, u, rm in keys]


@dataclass
class Heads:
    """Who heads a household the file's rows form when the rows do not say: each
    household's first staged row, and the households a row names the head of."""

    first_rows: dict[HouseholdKey, int] = field(default_factory=dict)
    named: set[HouseholdKey] = field(default_factory=set)

    def note(self, record: dict[str, Any]) -> None:
        key = household_key(record)
        first = self.first_rows.get(key)
        if first is None or record["r"] < first:
            self.first_rows[key] = record["r"]
        if record.get("rel") == Person.Relation.HEAD:
            self.named.add(key)

    @classmethod
    def of_stage(cls, path: Path) -> Heads:
        heads = cls()
        for batch in _staged(path):
            for record in batch:
                heads.note(record)
        return heads

    def relation(self, record: dict[str, Any], *, headed: bool) -> str:
        """The relation of a row joining its household without one; ``headed``: the
        household has a head in register."""
        key = household_key(record)
        first = self.first_rows.get(key) == record["r"]
        if first and not headed and key not in self.named:
            return Person.Relation.HEAD
        return Person.Relation.OTHER


class Prediction:
    """Counts what a commit would create, update or move in; lists the rows whose
    person moved out of another community (moved in by the commit), and refuses those
    whose ID is registered outside the importer's area to a person still there (they
    cannot be updated from here: the message names the community to ask for the
    move-out, nothing more).

    Rows saying 户主 are held until every row is read (``finish``): a household gets
    one head, so rows naming a second one — another row of the file, or the head the
    ledger keeps there — are problems, not imported."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.new = 0
        self.matched = 0
        self.moved_in = 0
        # Matched persons of the area marked moved out: the commit puts them back 在册.
        self.restored = 0
        self.moving: list[ImportMoveIn] = []
        self.keys: set[tuple[int, str, str]] = set()
        self.heads = Heads()
        # Rows joining a household with no relation given: (household, row).
        self.unrelated: list[tuple[HouseholdKey, int]] = []
        # Rows saying 户主, with how ``_take`` counts them; staged by ``finish``.
        self.held: list[tuple[dict[str, Any], Any, bool, bool, Any]] = []
        # Where and with which relation the file puts each person, to tell whether a
        # head in the ledger stays: by document hash, and by (household, name).
        self.placed: dict[str, tuple[HouseholdKey, str | None]] = {}
        self.placed_by_name: dict[tuple[HouseholdKey, str], str | None] = {}
        # The heads in register of the file's households: key -> [(doc hash, name)].
        self.ledger_heads: dict[HouseholdKey, list[tuple[str, str]]] = {}

    def stage(self, records: list[dict[str, Any]], out: IO[str], checker: Checker) -> int:
        hashes = [r["dh"] for r in records if "dh" in r]
        prefix = self.job.area.path
        # doc hash -> (inside the job's area, moved out, name, area path)
        found: dict[str, tuple[bool, bool, str, str]] = {}
        homes: dict[str, tuple[Any, ...]] = {}  # doc hash -> household now
        if hashes:
            for doc_hash, path, moved_out, name, *home in Person.objects.filter(
                doc_hash__in=hashes
            ).values_list(
                "doc_hash",
                "area__path",
                "moved_out",
                "name",
                "household__area_id",
                "household__unit",
                "household__room",
            ):
                found[doc_hash] = (path.startswith(prefix), moved_out, name, path)
                homes[doc_hash] = tuple(home)
        outside = [f[3] for f in found.values() if not f[0] and not f[1]]
        communities = communities_of(outside) if outside else {}
        registered = self._registered_without_document([r for r in records if "dh" not in r])
        staged = 0
        for record in records:
            inside, moved_out, name, path = found.get(record.get("dh", ""), (None,) * 4)
            if inside is False and not moved_out:
                community = communities.get(path, "其他社区")
                message = active_elsewhere(community, then="再重新导入这一行（导入时自动迁入）")
                checker.problem(record["r"], "doc", message)
                continue
            if inside is False and clean_name(name) != record["n"]:
                checker.problem(
                    record["r"], "name", f"{MOVED_OUT_ELSEWHERE}；{NAME_DIFFERS_MESSAGE}"
                )
                continue
            key = household_key(record)
            known = inside is not False and bool(inside or (*key, record["n"]) in registered)
            home = homes.get(record.get("dh", ""))
            if "dh" in record:
                self.placed[record["dh"]] = (key, record.get("rel"))
            else:
                self.placed_by_name[(key, record["n"])] = record.get("rel")
            if record.get("rel") == Person.Relation.HEAD:
                self.held.append((record, inside, bool(moved_out), known, home))
                continue
            self._take(
                record, out, inside=inside, moved_out=bool(moved_out), known=known, home=home
            )
            staged += 1
        return staged

    def _take(
        self,
        record: dict[str, Any],
        out: IO[str],
        *,
        inside: bool | None,
        moved_out: bool,
        known: bool,
        home: tuple[Any, ...] | None,
    ) -> None:
        """Count a row as the commit will write it, and stage it."""
        key = household_key(record)
        joining = True
        if inside is False:
            record["mi"] = 1
            self.moved_in += 1
            if len(self.moving) < MAX_PROBLEMS:
                self.moving.append(ImportMoveIn(job=self.job, row=record["r"], name=record["n"]))
        elif known:
            self.matched += 1
            self.restored += bool(inside and moved_out)
            joining = bool(inside) and home != key
        else:
            self.new += 1
        self.keys.add(key)
        self.heads.note(record)
        if joining and "rel" not in record:
            self.unrelated.append((key, record["r"]))
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")

    def finish(self, out: IO[str], checker: Checker) -> int:
        """Stage the held rows saying 户主 but those naming a second head of their
        household, which are problems; return how many were staged."""
        named: dict[HouseholdKey, list[int]] = {}
        for record, *_ in self.held:
            named.setdefault(household_key(record), []).append(record["r"])
        self.ledger_heads = self._ledger_heads(self.keys | named.keys())
        taken: list[tuple[Any, ...]] = []
        for record, inside, moved_out, known, home in self.held:
            key = household_key(record)
            others = [row for row in named[key] if row != record["r"]]
            if others:
                rows = "、".join(f"第{row}行" for row in others)
                checker.problem(
                    record["r"],
                    "relation",
                    f"同一户只能有一位户主：{rows}也填为这一户的户主，请只在一行填写户主",
                )
                continue
            staying = [
                name
                for doc_hash, name in self.ledger_heads.get(key, [])
                if not self._same_person(record, doc_hash, name)
                and self._stays(key, doc_hash, name)
            ]
            if staying:
                checker.problem(
                    record["r"],
                    "relation",
                    f"同一户只能有一位户主：台账中这一户的户主是{staying[0]}。"
                    f"如要更换户主，请在表中把{staying[0]}的与户主关系改为实际关系",
                )
                continue
            taken.append((record, inside, moved_out, known, home))
        for record, inside, moved_out, known, home in self._in_writing_order(taken):
            self._take(record, out, inside=inside, moved_out=moved_out, known=known, home=home)
        return len(taken)

    def _in_writing_order(self, held: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The rows saying 户主 in an order the commit writes without two heads in a
        household at any time, whichever batches they fall in: a head in register
        moving to head another flat before the row taking over the flat they leave.
        Heads whose moves close a circle (two swapping flats) are written in one batch:
        each but the circle's last is marked "nx" (``_staged`` cuts no batch after it)."""
        leaving: dict[HouseholdKey, int] = {}  # flat -> its head's row heading another
        for i, (record, *_, home) in enumerate(held):
            heads = self.ledger_heads.get(home, []) if home is not None else []
            if home != household_key(record) and any(d == record.get("dh") for d, _ in heads):
                leaving[home] = i
        order: list[int] = []
        done: set[int] = set()
        for start in range(len(held)):
            path: dict[int, int] = {}  # row index -> place on the path
            i: int | None = start
            while i is not None and i not in done and i not in path:
                path[i] = len(path)
                i = leaving.get(household_key(held[i][0]))
            steps = list(path)
            if i is not None and i in path:
                for j in steps[path[i] + 1 :]:
                    held[j][0]["nx"] = 1
            done.update(steps)
            order.extend(reversed(steps))
        return [held[i] for i in order]

    @staticmethod
    def _ledger_heads(keys: set[HouseholdKey]) -> dict[HouseholdKey, list[tuple[str, str]]]:
        found = Person.objects.filter(
            household__area_id__in={a for a, _, _ in keys},
            relation=Person.Relation.HEAD,
            moved_out=False,
        ).values_list(
            "household__area_id", "household__unit", "household__room", "doc_hash", "name"
        )
        heads: dict[HouseholdKey, list[tuple[str, str]]] = {}
        for area_id, unit, room, doc_hash, name in found:
            if (area_id, unit, room) in keys:
                heads.setdefault((area_id, unit, room), []).append((doc_hash, name))
        return heads

    @staticmethod
    def _same_person(record: dict[str, Any], doc_hash: str, name: str) -> bool:
        if "dh" in record:
            return record["dh"] == doc_hash
        return not doc_hash and clean_name(name) == record["n"]

    def _stays(self, key: HouseholdKey, doc_hash: str, name: str) -> bool:
        """Whether a head in register at ``key`` is still its head after the commit:
        the file moves them nowhere else and gives them no other relation."""
        if doc_hash:
            where, relation = self.placed.get(doc_hash, (key, None))
        else:
            where, relation = key, self.placed_by_name.get((key, clean_name(name)))
        return where == key and relation in (None, Person.Relation.HEAD)

    def _registered_without_document(
        self, records: list[dict[str, Any]]
    ) -> set[tuple[int, str, str, str]]:
        """The (area, unit, room, name) of the rows without a document number whose
        household already has a person of that name and no number: the commit updates
        them (``Writer._persons``), so they are not counted as new."""
        if not records:
            return set()
        found = (
            Person.objects.within(self.job.area)
            .filter(
                doc_hash="",
                household__area_id__in={r["a"] for r in records},
                name__in={r["n"] for r in records},
            )
            .values_list("household__area_id", "household__unit", "household__room", "name")
        )
        return set(found)

    def relations(self) -> tuple[int, int]:
        """How many rows joining a household without a relation the commit makes its
        head, and how many 其他."""
        if not self.unrelated:
            return 0, 0
        heads = len(self._implicit_heads())
        return heads, len(self.unrelated) - heads

    def _implicit_heads(self) -> set[HouseholdKey]:
        """The households whose head the commit takes from their first row."""
        return {
            key
            for key, row in self.unrelated
            if self.heads.relation(
                {"a": key[0], "u": key[1], "rm": key[2], "r": row},
                headed=key in self.ledger_heads,
            )
            == Person.Relation.HEAD
        }

    def headless(self) -> list[HouseholdKey]:
        """The file's households that have no head after the commit: the file names
        none, no head in register stays, and the first row is not made head."""
        implicit = self._implicit_heads()
        return sorted(
            key
            for key in self.keys
            if key not in self.heads.named
            and key not in implicit
            and not any(
                self._stays(key, doc_hash, name)
                for doc_hash, name in self.ledger_heads.get(key, [])
            )
        )

    def households(self) -> int:
        areas = {a for a, _, _ in self.keys}
        existing = set(
            Household.objects.filter(area_id__in=areas).values_list("area_id", "unit", "room")
        )
        return len(self.keys - existing)


# Committing ---------------------------------------------------------------------------


def _tied(records: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """``records`` in groups that are written together: a row marked "nx" with the next."""
    group: list[dict[str, Any]] = []
    for record in records:
        group.append(record)
        if not record.get("nx"):
            yield group
            group = []
    if group:
        yield group


def _staged(path: Path) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            batch.append(record)
            if len(batch) >= BATCH and not record.get("nx"):
                yield batch
                batch = []
    if batch:
        yield batch


# The staged rows' ciphertexts (document, phone), for ``shouwang rotate_pii_key``.
STAGED_TOKENS = ("de", "pe")


def rotate_staged(*, dry_run: bool = False) -> int:
    """Re-encrypt under the newest key the staged rows of the imports awaiting
    confirmation, and return how many rows: committed after the old key is dropped,
    they would otherwise write documents and phones that nothing can decrypt. Each file
    is replaced whole, and only while its job still waits (a commit that started reads
    the file it opened, under a key still configured)."""
    rows = 0
    waiting = ImportJob.objects.filter(status=ImportJob.Status.CHECKED).exclude(stage_path="")
    for job in waiting.only("pk", "stage_path"):
        stage = Path(job.stage_path)
        if not stage.exists():
            continue
        rotated = stage.with_suffix(".rotating")
        with open(stage, encoding="utf-8") as src, open(rotated, "w", encoding="utf-8") as out:
            for line in src:
                record = json.loads(line)
                for key in STAGED_TOKENS:
                    if record.get(key):
                        record[key] = pii.rotate(record[key])
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
                rows += 1
        still_waiting = waiting.filter(pk=job.pk).exists()
        if dry_run or not still_waiting:
            rotated.unlink()
        else:
            shutil.copymode(stage, rotated)
            os.replace(rotated, stage)
    return rows


def commit(job: ImportJob) -> None:
    """Second pass: write the staged rows in batches (each batch one transaction, so
    other users' writes go on meanwhile). Idempotent: re-running after an interruption,
    or re-importing the file, updates the same rows. A row the ledger no longer takes
    (changed since the check) is a problem, not imported; a strict import is one
    transaction, and any such row leaves the ledger as it was (on SQLite it holds the
    write lock until it ends: other writes wait, up to the busy timeout)."""
    if job.status != ImportJob.Status.COMMITTING:
        return
    stage = Path(job.stage_path)
    for attempt in range(1, LOCK_CONFLICT_TRIES + 1):
        writer = Writer(job, heads=Heads.of_stage(stage))
        try:
            _write_all(job, stage, writer)
        except DatabaseError as exc:
            if not is_lock_conflict(exc):
                raise
            if job.strict and attempt < LOCK_CONFLICT_TRIES:
                # PostgreSQL cancelled the whole strict transaction in a deadlock with
                # another writer: nothing of it is left; write the file again.
                sleep(LOCK_CONFLICT_PAUSE * attempt)
                continue
            ImportProblem.objects.bulk_create(writer.problems)
            _fail(
                job,
                "严格模式：写入时与他人同时进行的台账修改冲突，整份文件未导入。请稍后重新导入"
                if job.strict
                else f"写入第{writer.at}行附近时与他人同时进行的台账修改冲突，"
                f"已写入 {writer.done} 行。请稍后重新导入同一文件，会按证件号码更新，不会产生重复",
            )
            return
        return


def _write_all(job: ImportJob, stage: Path, writer: Writer) -> None:
    ticker = Ticker()
    try:
        with fewer_collections(), transaction.atomic() if job.strict else nullcontext():
            if job.strict:
                lock_ahead(stage)
            for batch in _staged(stage):
                writer.write(batch)
                if ticker.due():
                    save_progress(
                        job,
                        committed_rows=writer.done,
                        new_persons=writer.created,
                        updated_persons=writer.updated,
                        moved_in_persons=writer.moved_in,
                        new_households=writer.new_households,
                    )
            if job.strict and writer.problems:
                raise StrictRefusal
    except StrictRefusal:
        ImportProblem.objects.bulk_create(writer.problems)
        save_progress(job, committed_rows=0, problem_count=job.problem_count + writer.refused)
        _fail(
            job,
            f"严格模式：检查之后台账有变动，有 {writer.refused} 行与台账冲突（见问题清单），"
            "整份文件未导入。请改正后重新上传",
        )
        return
    except DatabaseError as exc:
        if is_lock_conflict(exc):
            raise  # ``commit`` retries or says so
        _failed_writing(job, writer)
        raise
    except Exception:
        _failed_writing(job, writer)
        raise
    ImportProblem.objects.bulk_create(writer.problems)
    stage.unlink(missing_ok=True)
    if writer.created + writer.updated >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # Planner statistics are stale right after a bulk load (autovacuum catches up
        # within minutes); until then a search can pick a whole-table plan. The area
        # tree is analysed too: searches join it for the jurisdiction, and a tree
        # created just before its first import has no statistics yet.
        tables = [Person, Household, Person.tags.through, Area]
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
            )
    save_progress(
        job,
        status=ImportJob.Status.DONE,
        finished_at=timezone.now(),
        committed_rows=writer.done,
        new_persons=writer.created,
        updated_persons=writer.updated,
        moved_in_persons=writer.moved_in,
        new_households=writer.new_households,
        problem_count=job.problem_count + writer.refused,
    )
    audit.record(
        action=AuditEvent.Action.IMPORT,
        user=job.created_by,
        area=job.area,
        obj=job,
        detail=(
            f"导入人员台账：新增 {writer.created} 人、更新 {writer.updated} 人、"
            f"迁入 {writer.moved_in} 人、新增 {writer.new_households} 户"
            f"（问题行 {job.problem_count}）"
        ),
    )


def _failed_writing(job: ImportJob, writer: Writer) -> None:
    ImportProblem.objects.bulk_create(writer.problems)
    where = f"写入第{writer.at}行附近时出错" if writer.at else "写入时出错"
    _fail(
        job,
        f"{where}，严格模式下整份文件未导入。请重新上传"
        if job.strict
        else f"{where}，已写入 {writer.done} 行。重新导入同一文件会按证件号码更新，不会产生重复",
    )


# A batch (or a strict import's whole commit) cancelled by PostgreSQL in a deadlock is
# written again this many times in all, after a pause growing by this many seconds.
LOCK_CONFLICT_TRIES = 3
LOCK_CONFLICT_PAUSE = 0.5


def _chunks(values: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def lock_ahead(stage: Path) -> None:
    """A strict import is one transaction: the locks each batch takes last until the
    whole file is in. Taken batch by batch, they would not be in one order over the
    file (batch 1 holds a person, batch 2 then wants a household a move into a building
    holds while it waits for that person: a deadlock). So before its first batch a
    strict import locks every row its batches will lock, in the order of
    ``core.locking``: the compounds of its rows, the households at its rows' flats that
    a batch locks (those given a housing type, those of rows without a number), then
    the persons with its rows' numbers and those without a number in those households
    — each table in id order, FOR NO KEY UPDATE as the batches take them. The batches
    then find them held. Two strict imports take turns at the rows they share, and a
    move, a form or a plain import batch waits for the rows it shares with it. Nothing
    to do on SQLite, where the strict import holds the database's write lock."""
    if connection.vendor != "postgresql":
        return
    areas: set[int] = set()
    hashes: set[str] = set()
    flats: set[HouseholdKey] = set()
    undocumented: set[HouseholdKey] = set()
    for batch in _staged(stage):
        for r in batch:
            key = (r["a"], r["u"], r["rm"])
            areas.add(r["a"])
            if "dh" in r:
                hashes.add(r["dh"])
            else:
                undocumented.add(key)
            if "dh" not in r or r.get("ht"):
                flats.add(key)
    compounds = sorted(
        pk
        for chunk in _chunks(areas)
        for pk in Area.objects.filter(pk__in=chunk, kind=Area.Kind.COMPOUND).values_list(
            "pk", flat=True
        )
    )
    for chunk in _chunks(compounds):
        list(
            Area.objects.select_for_update(no_key=True)
            .filter(pk__in=chunk)
            .order_by("pk")
            .values("pk")
        )
    homes: set[int] = set()
    bare: set[int] = set()
    at = {key[0] for key in flats}
    for chunk in _chunks(at):
        found = Household.objects.filter(area_id__in=chunk).values_list(
            "pk", "area_id", "unit", "room"
        )
        for pk, area_id, unit, room in found:
            if (area_id, unit, room) in flats:
                homes.add(pk)
                if (area_id, unit, room) in undocumented:
                    bare.add(pk)
    for chunk in _chunks(sorted(homes)):
        locking = Household.objects.select_for_update(no_key=True).filter(pk__in=chunk)
        list(locking.order_by("pk").values_list("pk", flat=True))
    persons: set[int] = set()
    for chunk in _chunks(hashes):
        persons.update(Person.objects.filter(doc_hash__in=chunk).values_list("pk", flat=True))
    for chunk in _chunks(bare):
        found = Person.objects.filter(household_id__in=chunk, doc_hash="")
        persons.update(found.values_list("pk", flat=True))
    for chunk in _chunks(sorted(persons)):
        locking = Person.objects.select_for_update(no_key=True, of=("self",)).filter(pk__in=chunk)
        list(locking.order_by("pk").values_list("pk", flat=True))


PERSON_UPDATE_FIELDS = [
    "name",
    "name_initials",
    "doc_type",
    "phone_enc",
    "phone_hash",
    "phone_last4",
    "household",
    "area",
    "relation",
    "residence_type",
    "party_member",
    "notes",
    "birth_date",
    "sex",
    "moved_out",
    "moved_out_at",
    "version",
    "updated_at",
]


class StrictRefusal(Exception):
    """A strict import met a row the ledger no longer takes: roll everything back."""


class Writer:
    """Writes staged records batch by batch with a fixed number of statements per batch
    (multi-row INSERTs through ``bulk.BulkInsert``). The rows not imported are
    ``problems``, saved by the caller (a strict import's are kept after the rollback)."""

    def __init__(self, job: ImportJob, *, heads: Heads) -> None:
        self.job = job
        self.heads = heads
        self.by = job.created_by
        self.by_name = str(self.by) if self.by is not None else ""
        self.done = self.created = self.updated = self.new_households = self.moved_in = 0
        self.at = 0  # the sheet row the batch being written starts at
        self.problems: list[ImportProblem] = []
        self.tag_names = dict(Tag.objects.values_list("pk", "name"))
        now = timezone.now()
        self.households = BulkInsert(Household, now=now)
        self.persons = BulkInsert(Person, now=now)
        self.changes = BulkInsert(Change, now=now)

    @property
    def refused(self) -> int:
        return len(self.problems)

    def write(self, records: list[dict[str, Any]]) -> None:
        self.at = records[0]["r"]
        try:
            self._attempt(records)
        except IntegrityError:
            # Refused again after a fresh read: a row the ledger no longer takes since
            # the check — a household given a head meanwhile (``person_one_head``). Write
            # the batch group by group (rows tied by "nx" together) and refuse the
            # groups that still fail, each row whole or not at all.
            for group in _tied(records):
                try:
                    self._attempt(group)
                except IntegrityError:
                    self._refuse(group)
        self.done += len(records)

    def _attempt(self, records: list[dict[str, Any]]) -> None:
        """Write ``records`` in one transaction, reading again and retrying once after
        a unique constraint refused a row; a batch PostgreSQL cancelled in a deadlock is
        written again too (``LOCK_CONFLICT_TRIES``), unless the import is strict: its
        whole transaction is then gone, and ``commit`` writes the file again."""
        counts = (self.created, self.updated, self.new_households, self.moved_in)
        refused = len(self.problems)
        duplicates = conflicts = 0
        while True:
            try:
                self._write(records)
            except DatabaseError as exc:
                self.created, self.updated, self.new_households, self.moved_in = counts
                del self.problems[refused:]
                if is_lock_conflict(exc):
                    conflicts += 1
                    if self.job.strict or conflicts >= LOCK_CONFLICT_TRIES:
                        raise
                    sleep(LOCK_CONFLICT_PAUSE * conflicts)
                    continue
                # A number of the batch was registered (a form, another import) between
                # the batch's lookup and its insert: the unique constraint refused the
                # second row. The batch was rolled back; read again and write it once more.
                duplicates += 1
                if not isinstance(exc, IntegrityError) or duplicates > 1:
                    raise
            else:
                return

    def _refuse(self, records: list[dict[str, Any]]) -> None:
        for r in records:
            heads = Person.objects.filter(
                household__area_id=r["a"],
                household__unit=r["u"],
                household__room=r["rm"],
                relation=Person.Relation.HEAD,
                moved_out=False,
            )
            head = next((p for p in heads if "dh" not in r or p.doc_hash != r["dh"]), None)
            message = (
                f"此户在检查之后已由他人登记户主{head.name}，此行未导入（同一户只能有一位户主）。"
                "请核实谁是户主，改正表格后重新导入"
                if head is not None
                else "此行在检查之后与台账中的记录冲突，未导入。请核实后改正表格重新导入"
            )
            self.problems.append(
                ImportProblem(job=self.job, row=r["r"], column=LABELS["relation"], message=message)
            )

    def _write(self, records: list[dict[str, Any]]) -> None:
        with transaction.atomic():
            records = self._placeable(records)
            if not records:
                return
            homes = self._households(records)
            self._persons(records, homes)

    def _placeable(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The records whose place still takes households: a row checked at a compound
        without buildings, whose first building was added before this commit, is a
        problem (its household belongs in a building the sheet does not name). The
        compounds are locked first, as adding a building locks its compound
        (``Area.clear_households_for_buildings``): a building added meanwhile is either
        seen here or added after this batch's households are in. FOR NO KEY UPDATE,
        which that lock (FOR UPDATE) waits for, but not a row inserted meanwhile that
        refers to the compound (a person form registering someone there, which holds
        its household locked: waiting for it with the compound held would close a
        circle with a batch wanting that household)."""
        compounds = list(
            Area.objects.filter(
                pk__in={r["a"] for r in records}, kind=Area.Kind.COMPOUND
            ).values_list("pk", flat=True)
        )
        if not compounds:
            return records
        locking = Area.objects.select_for_update(no_key=True).filter(pk__in=compounds)
        list(locking.order_by("pk").values("pk"))
        built = dict(
            Area.objects.filter(pk__in=compounds, children__kind=Area.Kind.BUILDING)
            .distinct()
            .values_list("pk", "name")
        )
        if not built:
            return records
        for r in records:
            if r["a"] in built:
                self.problems.append(
                    ImportProblem(
                        job=self.job,
                        row=r["r"],
                        column=LABELS["building"],
                        message=f"小区“{built[r['a']]}”在检查之后添加了楼栋，户应登记在楼栋下，"
                        f"此行未导入。{FILL_IN_BUILDING}后重新导入",
                    )
                )
        return [r for r in records if r["a"] not in built]

    def _households(self, records: list[dict[str, Any]]) -> dict[tuple[int, str, str], Household]:
        wanted = {(r["a"], r["u"], r["rm"]): r.get("ht") for r in records}
        areas = {k[0] for k in wanted}
        rooms = {k[2] for k in wanted}

        def load() -> dict[tuple[int, str, str], Household]:
            found = Household.objects.filter(area_id__in=areas, room__in=rooms).select_related(
                "area__parent"
            )
            return {
                (h.area_id, h.unit, h.room): h
                for h in found
                if (h.area_id, h.unit, h.room) in wanted
            }

        homes = load()
        created = [key for key in wanted if key not in homes]
        if created:
            new_ids = self.households.insert(
                [
                    {
                        "area_id": a,
                        "unit": u,
                        "room": rm,
                        "housing_type": wanted[(a, u, rm)] or Household.HousingType.OWNED,
                    }
                    for a, u, rm in created
                ],
                ignore_conflicts=True,  # another import may have just added the same flat
            )
            homes = load()
            self.new_households += len(new_ids)
            mine = set(new_ids)
            self.changes.insert(
                [
                    self._change_row(
                        Change.Action.IMPORT_CREATE, area_id=key[0], household_id=homes[key].pk
                    )
                    for key in created
                    if homes[key].pk in mine
                ]
            )
        # Locked before any is written, in one statement in id order (``core.locking``):
        # those retyped here, and those the batch may add persons without a document to
        # (``_locked`` looks there for the same name) — new ones too: another import
        # may have added the same flat at this moment.
        fresh = set(created)
        undocumented = {(r["a"], r["u"], r["rm"]) for r in records if "dh" not in r}
        locking = {
            homes[key].pk
            for key, housing in wanted.items()
            if key in undocumented
            or (housing and key not in fresh and homes[key].housing_type != housing)
        }
        if locking:
            locked = Household.objects.select_for_update(no_key=True).filter(pk__in=locking)
            list(locked.order_by("pk").values_list("pk", flat=True))
        retyped = []
        for key, housing in wanted.items():
            home = homes[key]
            if housing and home.housing_type != housing and key not in fresh:
                home.housing_type = housing
                home.version = F("version") + 1
                retyped.append(home)
        if retyped:
            Household.objects.bulk_update(retyped, ["housing_type", "version"])
        return homes

    def _persons(
        self, records: list[dict[str, Any]], homes: dict[tuple[int, str, str], Household]
    ) -> None:
        hashes = [r["dh"] for r in records if "dh" in r]
        home_ids = {homes[(r["a"], r["u"], r["rm"])].pk for r in records if "dh" not in r}
        inside, outside = self._locked(hashes, home_ids)
        by_hash = {p.doc_hash: p for p in inside if p.doc_hash}
        taken, moving = self._elsewhere(records, by_hash, outside)
        if taken:
            records = [r for r in records if r.get("dh") not in taken]
        by_home_name: dict[tuple[int, str], Person] = {}
        for p in inside:
            if not p.doc_hash and p.household_id in home_ids:
                by_home_name.setdefault((p.household_id, p.name), p)
        now = timezone.now()
        headed = self._headed(homes.values())
        moved_before = self.moved_in
        new: list[dict[str, Any]] = []
        new_tags: list[list[int]] = []
        changed: list[Person] = []
        leaving: set[int] = set()  # persons of ``changed`` moving to another household
        changes: list[dict[str, Any]] = []
        retag: dict[int, list[int]] = {}
        for r in records:
            home = homes[(r["a"], r["u"], r["rm"])]
            existing = by_hash.get(r["dh"]) if "dh" in r else by_home_name.get((home.pk, r["n"]))
            arriving = moving.get(r["dh"]) if "dh" in r and existing is None else None
            if "rel" not in r and (existing is None or existing.household_id != home.pk):
                r = r | {"rel": self.heads.relation(r, headed=home.pk in headed)}
            if arriving is not None:
                arriving.version = F("version") + 1
                arriving.updated_at = now
                changed.append(arriving)
                changes.append(
                    self._change_row(
                        Change.Action.MOVE_IN,
                        area_id=home.area_id,
                        person_id=arriving.pk,
                        changes=self._move_in(arriving, r, home),
                    )
                )
                retag[arriving.pk] = r.get("tg", [])
                self.moved_in += 1
                continue
            if existing is None:
                new.append(self._new_person(r, home))
                new_tags.append(r.get("tg", []))
                continue
            if existing.household_id != home.pk:
                leaving.add(existing.pk)
            diff = self._update_person(existing, r, home)
            if "tg" in r:
                old = sorted(t.pk for t in existing.tags.all())
                if old != r["tg"]:
                    diff.append(["标签", self._tag_text(old), self._tag_text(r["tg"])])
                    retag[existing.pk] = r["tg"]
            if diff:
                existing.version = F("version") + 1
                existing.updated_at = now
                changed.append(existing)
                changes.append(
                    self._change_row(
                        Change.Action.IMPORT_UPDATE,
                        area_id=existing.area_id,
                        person_id=existing.pk,
                        changes=diff,
                    )
                )
        if changed:
            # A household has one head in register after every statement
            # (``person_one_head``): those who stop heading one are written first —
            # heads leaving to head another household (set 其他 for a moment, so that
            # heads moving into each other's flats pass), and those given another
            # relation — then those who start, and the new persons last.
            heads = [p for p in changed if p.relation == Person.Relation.HEAD]
            others = [p for p in changed if p.relation != Person.Relation.HEAD]
            moving = [p.pk for p in heads if p.pk in leaving]
            if moving:
                Person.objects.filter(pk__in=moving).update(relation=Person.Relation.OTHER)
            for group in (others, heads):
                if group:
                    Person.objects.bulk_update(group, PERSON_UPDATE_FIELDS)
            self.updated += len(changed) - (self.moved_in - moved_before)
        if new:
            ids = self.persons.insert(new)
            for pk, row, tag_ids in zip(ids, new, new_tags, strict=True):
                changes.append(
                    self._change_row(
                        Change.Action.IMPORT_CREATE, area_id=row["area_id"], person_id=pk
                    )
                )
                retag[pk] = tag_ids
            self.created += len(new)
        self.changes.insert(changes)
        self._set_tags(retag, replace={p.pk for p in changed})

    def _locked(self, hashes: list[str], home_ids: set[int]) -> tuple[list[Person], list[Person]]:
        """The persons the batch may write, locked until it commits, and read once
        locked: those with the rows' numbers, and those without a number in the
        households of the rows without one — those households locked first
        (``_households``), as ``create_person`` locks a household before looking there
        for a person of the same name without a number. So a person form or a move into
        a building that committed first is read, not overwritten, and one coming
        meanwhile waits (a form then refused as stale if the batch changed the person:
        it bumps ``version``), and two registrations of a person without a number take
        turns. One statement, in id order, after the compounds and the households (the
        order of ``core.locking``, as a move into a building takes them), so that
        batches, moves and forms never wait on each other in a circle. The locks are
        those the batch's UPDATEs take (FOR NO KEY UPDATE): rows inserted meanwhile
        that refer to a locked household or person (a form registering a person there)
        do not wait for the batch, as they would behind FOR UPDATE. Returns the persons
        inside the job's area, and those outside it (``_elsewhere``). On SQLite the
        batch's write transaction serialises writers already and the locks are no-ops."""
        wanted = Q()
        if hashes:
            wanted |= Q(doc_hash__in=hashes)
        if home_ids:
            wanted |= Q(household_id__in=home_ids, doc_hash="")
        if not wanted:
            return [], []
        persons = (
            Person.objects.select_for_update(no_key=True, of=("self",))
            .filter(wanted)
            .select_related("household__area__parent", "area")
            .prefetch_related("tags")
            .order_by("pk")
        )
        inside: list[Person] = []
        outside: list[Person] = []
        for p in persons:
            (inside if p.area.is_within(self.job.area) else outside).append(p)
        return inside, outside

    @staticmethod
    def _headed(homes: Iterable[Household]) -> set[int]:
        """The households (by pk) of ``homes`` with a head in register."""
        found = Person.objects.filter(
            household_id__in=[h.pk for h in homes],
            relation=Person.Relation.HEAD,
            moved_out=False,
        )
        return set(found.values_list("household_id", flat=True))

    def _elsewhere(
        self, records: list[dict[str, Any]], found: dict[str, Person], outside: list[Person]
    ) -> tuple[set[str], dict[str, Person]]:
        """The rows' numbers registered outside the job's area: the persons the check
        found moved out of another community (rows marked "mi") are moved in while
        they still are; any other row — registered elsewhere since the check, or
        restored there meanwhile — is a problem of its own, not imported: the person
        cannot be updated from here. ``outside``: the persons of the batch registered
        outside the job's area (``_locked``). Returns the refused numbers and the
        persons to move in by number."""
        new = {r["dh"] for r in records if "dh" in r and r["dh"] not in found}
        persons = {p.doc_hash: p for p in outside if p.doc_hash in new}
        if not persons:
            return set(), {}
        moving: dict[str, Person] = {}
        refused: list[ImportProblem] = []
        for r in records:
            person = persons.get(r.get("dh", ""))
            if person is None:
                continue
            if r.get("mi") and person.moved_out and clean_name(person.name) == r["n"]:
                moving[person.doc_hash] = person
                continue
            message = (
                "此人在检查之后已在其他社区恢复在册或重新登记，此行未导入，请联系上级核实"
                if r.get("mi")
                else "该证件号码在检查之后已在您辖区以外登记，此行未导入，请联系上级核实"
            )
            refused.append(
                ImportProblem(job=self.job, row=r["r"], column=LABELS["doc"], message=message)
            )
        self.problems.extend(refused)
        return set(persons) - set(moving), moving

    def _new_person(self, r: dict[str, Any], home: Household) -> dict[str, Any]:
        return {
            "area_id": home.area_id,
            "household_id": home.pk,
            "name": r["n"],
            "name_initials": r["i"],
            "doc_type": r["dt"],
            "doc_enc": r.get("de", ""),
            "doc_hash": r.get("dh", ""),
            "doc_tail": r.get("dt4", ""),
            "birth_date": date.fromisoformat(r["bd"]) if "bd" in r else None,
            "sex": r.get("sx", ""),
            "phone_enc": r.get("pe", ""),
            "phone_hash": r.get("ph", ""),
            "phone_last4": r.get("p4", ""),
            "relation": r.get("rel", Person.Relation.HEAD),
            "residence_type": r.get("res", Person.ResidenceType.PERMANENT),
            "party_member": r.get("pm_", False),
            "notes": r.get("no", ""),
        }

    def _move_in(self, p: Person, r: dict[str, Any], home: Household) -> list[list[str]]:
        """A person who moved out of another community, registered here anew on their
        row (as ``actions.move_in``): this row's household and fields, the phone on
        record when the row has none. The history entry shows nothing of the former
        household."""
        p.household, p.area_id = home, home.area_id
        p.moved_out, p.moved_out_at = False, None
        p.name, p.name_initials = r["n"], r["i"]
        p.doc_type = r["dt"]
        if "ph" in r:
            p.phone_enc, p.phone_hash, p.phone_last4 = r["pe"], r["ph"], r["p4"]
        p.relation = r.get("rel", Person.Relation.HEAD)
        p.residence_type = r.get("res", Person.ResidenceType.PERMANENT)
        p.party_member = r.get("pm_", False)
        p.notes = r.get("no", "")
        return [
            ["状态", "已迁出", "在册"],
            ["户", "其他社区（已迁出）", home.address],
            *self._birth_facts(p, r),
        ]

    @staticmethod
    def _birth_facts(p: Person, r: dict[str, Any]) -> list[list[str]]:
        """The row's 出生日期 and 性别, those its document carries or those entered
        (``Checker._birth``); an empty cell keeps the stored ones. A date the document
        carries is not spelled out in the history (it is what a masked number hides)."""
        diff: list[list[str]] = []
        if "bd" in r and (p.birth_date is None or p.birth_date.isoformat() != r["bd"]):
            old = p.birth_date.isoformat() if p.birth_date else ""
            p.birth_date = date.fromisoformat(r["bd"])
            carried = p.document_facts()[0] is not None
            diff.append(["出生日期", old, "由证件号码带出" if carried else r["bd"]])
        if "sx" in r and p.sex != r["sx"]:
            old = p.get_sex_display()
            p.sex = r["sx"]
            diff.append(["性别", old, p.get_sex_display()])
        return diff

    def _update_person(self, p: Person, r: dict[str, Any], home: Household) -> list[list[str]]:
        diff: list[list[str]] = []
        if p.name != r["n"]:
            diff.append(["姓名", p.name, r["n"]])
            p.name, p.name_initials = r["n"], r["i"]
        if p.doc_type != r["dt"] and "de" in r:
            diff.append(["证件类型", p.get_doc_type_display(), DocumentType(r["dt"]).label])
            p.doc_type = r["dt"]
        if "ph" in r and p.phone_hash != r["ph"]:
            diff.append(["手机号", p.phone_masked, r["pm"]])
            p.phone_enc, p.phone_hash, p.phone_last4 = r["pe"], r["ph"], r["p4"]
        if p.household_id != home.pk:
            before = p.household.address if p.household_id else p.area.name
            diff.append(["户", before, home.address])
            p.household, p.area_id = home, home.area_id
        for key, name, label in (
            ("rel", "relation", "与户主关系"),
            ("res", "residence_type", "居住类型"),
        ):
            if key in r and getattr(p, name) != r[key]:
                old = getattr(p, f"get_{name}_display")()
                setattr(p, name, r[key])
                diff.append([label, old, getattr(p, f"get_{name}_display")()])
        if "pm_" in r and p.party_member != r["pm_"]:
            diff.append(["党员", "是" if p.party_member else "否", "是" if r["pm_"] else "否"])
            p.party_member = r["pm_"]
        if "no" in r and p.notes != r["no"]:
            diff.append(["备注", p.notes, r["no"]])
            p.notes = r["no"]
        diff += self._birth_facts(p, r)
        if p.moved_out:
            diff.append(["状态", "已迁出", "在册"])
            p.moved_out, p.moved_out_at = False, None
        return diff

    def _change_row(self, action: str, *, area_id: int, **fields: Any) -> dict[str, Any]:
        return {
            "action": action,
            "area_id": area_id,
            "by_id": self.by.pk if self.by is not None else None,
            "by_name": self.by_name,
            "job_id": self.job.pk,
            "changes": [],
        } | fields

    def _tag_text(self, ids: Iterable[int]) -> str:
        return "、".join(self.tag_names.get(i, "") for i in ids)

    def _set_tags(self, tags: dict[int, list[int]], *, replace: set[int]) -> None:
        through = Person.tags.through
        stale = [pk for pk in tags if pk in replace]
        if stale:
            through.objects.filter(person_id__in=stale).delete()
        insert_pairs(
            through,
            ((pk, t) for pk, ids in tags.items() for t in ids),
            ("person_id", "tag_id"),
        )
