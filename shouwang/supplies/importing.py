"""Import of opening stock (期初库存) from an Excel sheet.

Columns: 存放点, 物资, 数量, 单位 (optional: the base unit or a pack name), 备注.
The quantity may carry its unit (``100盒``) and thousands separators (``2,000``); a
location merged down over its rows names each of them.
A location is named by its name, or ``辖区/名称`` when visible locations share the name
(a name that matches several is a problem of its row, never a guess). Opening stock is
imported once per location and item: a row for a pair that has it already (the same
file uploaded again) is a problem of its row, so a second import never doubles stock;
so is a row for a pair with movements already (``booked_pairs``): its book has started,
and a stock count, not an opening, sets its real quantity.
``plan`` reads and checks the whole file and lists each problem by row and column;
``commit`` posts every row as an ``opening`` movement in one transaction, or nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.xlsx import (
    HeaderNotFound,
    cell_text,
    find_header,
    formula_problem,
    iter_rows,
    matches_header,
    workbook_bytes,
)

from .actions.stock import Entry, lock_balances, post_movements
from .models import MAX_UNITS, Balance, Item, Location, Movement, MovementKind

HEADERS = ["存放点", "物资", "数量", "单位", "备注"]
MAX_ROWS = 20_000
AREA_SEPARATOR = re.compile(r"\s*[/／]\s*")
# "2,000", "100盒", "100 盒": digits (thousands separated or not), then a unit or none.
QUANTITY = re.compile(r"^(\d{1,3}(?:[,，]\d{3})+|\d+)\s*(\D*)$")


def split_quantity(amount: str, unit: str) -> tuple[str, str, str]:
    """(digits, unit, problem) of a quantity cell and its unit cell: a unit typed in
    the quantity cell (``100盒``) is the row's unit unless the unit column names
    another. ``digits`` is blank when the cell is not a number."""
    match = QUANTITY.match(amount)
    if match is None:
        return "", unit, ""
    digits, typed = re.sub(r"[,，]", "", match.group(1)), match.group(2).strip()
    if typed and unit and typed != unit:
        return digits, unit, f"数量写的是“{typed}”，单位列写的是“{unit}”，请只写一种单位"
    return digits, unit or typed, ""


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Row:
    number: int
    location: Location
    item: Item
    quantity: int
    note: str


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def problem_text(self, limit: int = 3) -> str:
        """The first problems, said by row and column, for a message."""
        said = [
            f"第{p.row}行{('“' + p.column + '”') if p.column else ''}：{p.message}"
            for p in self.problems[:limit]
        ]
        more = f"等{len(self.problems)}处" if len(self.problems) > limit else ""
        return "；".join(said) + more

    def totals(self) -> list[tuple[Item, int]]:
        sums: dict[Item, int] = {}
        for row in self.rows:
            sums[row.item] = sums.get(row.item, 0) + row.quantity
        return sorted(sums.items(), key=lambda kv: (kv[0].order, kv[0].name))


def template_bytes() -> bytes:
    return workbook_bytes(
        HEADERS,
        [
            ["明湖街道仓库", "医用口罩", 40, "箱", "期初盘点"],
            ["西城社区库房", "84消毒液", 120, "瓶", ""],
        ],
        title="期初库存导入模板",
        widths=[24, 16, 12, 10, 30],
    )


def find_location(text: str, by_name: dict[str, list[Location]]) -> Location | str:
    """The one location ``text`` names — ``名称`` or ``辖区/名称`` — or what is wrong."""
    found = by_name.get(text, [])
    area_name, name = "", text
    parts = AREA_SEPARATOR.split(text, maxsplit=1)
    if not found and len(parts) == 2:
        area_name, name = parts
        found = [loc for loc in by_name.get(name, []) if loc.area.name == area_name]
    if not found:
        where = f"“{area_name}”" if area_name else ""
        return f"{where}没有名为“{name}”的存放点（或不在您的辖区内）"
    if len(found) > 1:
        areas = "、".join(loc.area.name for loc in found)
        if area_name:
            return (
                f"有{len(found)}个辖区名为“{area_name}”，都有名为“{name}”的存放点，"
                "请先把存放点改为不同的名称"
            )
        return (
            f"有{len(found)}个存放点名为“{name}”（{areas}），请写明所属辖区，"
            f"如“{found[0].area.name}/{name}”，或先把存放点改为不同的名称"
        )
    return found[0]


def booked_pairs(movements: Any) -> dict[tuple[int, int], int]:
    """(location id, item id) → units on hand, for each pair with a movement already.
    Opening stock starts a pair's book: a pair with movements (a purchase, a donation,
    an allocation received) takes none; a stock count sets its real quantity."""
    on_hand = dict.fromkeys(
        movements.values_list("location_id", "item_id").order_by().distinct(), 0
    )
    balances = Balance.objects.filter(location_id__in={loc for loc, _ in on_hand})
    for location_id, item_id, quantity in balances.values_list(
        "location_id", "item_id", "quantity"
    ):
        if (location_id, item_id) in on_hand:
            on_hand[location_id, item_id] = quantity
    return on_hand


def booked_message(where: str, item: Item, quantity: int) -> str:
    return (
        f"“{where}”的“{item.name}”已有出入库记录（账面{quantity:,}{item.unit}），"
        "期初库存只能在该存放点开始记这种物资的账之前导入，再导入会重复计数；"
        "实有数量与账面不符时请在存放点页面用“盘点”调整"
    )


def plan(upload: IO[bytes], *, locations: Any) -> Plan:
    """Read and check the file; nothing is written. ``locations``: those the user
    may see (a location outside them is reported, not created; a deactivated one or
    a deactivated item is reported as such)."""
    result = Plan()
    rows = iter_rows(upload, header=lambda row: matches_header(row, HEADERS), fill_merged=True)
    try:
        header_row = find_header(rows, HEADERS)
    except HeaderNotFound as exc:
        result.problems.append(Problem(1, "", str(exc)))
        return result
    by_name: dict[str, list[Location]] = defaultdict(list)
    for loc in locations.select_related("area"):
        by_name[loc.name].append(loc)
    items = {i.name: i for i in Item.objects.prefetch_related("packs")}
    opened = set(
        Movement.objects.filter(kind=MovementKind.OPENING, location__in=locations).values_list(
            "location_id", "item_id"
        )
    )
    booked = booked_pairs(Movement.objects.filter(location__in=locations))
    seen: dict[tuple[int, int], int] = {}
    for number, raw in enumerate(rows, start=header_row + 1):
        if number > MAX_ROWS + header_row:
            result.problems.append(Problem(number, "", f"行数超过上限 {MAX_ROWS}"))
            break
        cells = (list(raw) + [None] * len(HEADERS))[: len(HEADERS)]
        values = [cell_text(v) for v in cells]
        if not any(values):
            continue
        where, what, amount, unit, note = values
        # A formula is said once, as every import says it; its row is checked no
        # further, its text standing for no value (as in the people import).
        formulas = [
            Problem(number, column, formula)
            for column, cell in zip(HEADERS, cells, strict=True)
            if (formula := formula_problem(cell))
        ]
        if formulas:
            result.problems += formulas
            continue
        problems = []
        location = find_location(where, by_name) if where else "请填写存放点名称"
        if isinstance(location, str):
            problems.append(Problem(number, "存放点", location))
            location = None
        elif not location.active:
            problems.append(Problem(number, "存放点", f"存放点“{where}”已停用"))
        item = items.get(what)
        if not what:
            problems.append(Problem(number, "物资", "请填写物资名称"))
        elif item is None:
            problems.append(Problem(number, "物资", f"物资目录中没有“{what}”"))
        elif not item.active:
            problems.append(Problem(number, "物资", f"物资“{what}”已停用"))
        amount, unit, mixed = split_quantity(amount, unit)
        if mixed:
            problems.append(Problem(number, "单位", mixed))
        elif not amount.isdecimal() or not amount.strip("0"):
            problems.append(Problem(number, "数量", "应为正整数"))
        elif len(amount.lstrip("0")) > len(str(MAX_UNITS)):
            # Refused before int(): Python reads no integer of more than 4,300 digits.
            unit_name = item.unit if item is not None else ""
            problems.append(Problem(number, "数量", f"数量过大：一次最多{MAX_UNITS:,}{unit_name}"))
        if len(note) > 200:
            problems.append(Problem(number, "备注", "最多200字"))
        quantity = 0
        if item is not None and not problems:
            try:
                quantity = item.to_base_units(int(amount), unit)
            except ValidationError as exc:
                column = "数量" if exc.code == "too_large" else "单位"
                problems.append(Problem(number, column, exc.messages[0]))
        if location is not None and item is not None:
            key = (location.pk, item.pk)
            if key in seen:
                problems.append(Problem(number, "物资", f"与第{seen[key]}行重复"))
            elif key in opened:
                problems.append(
                    Problem(
                        number,
                        "物资",
                        f"“{where}”的“{what}”已导入过期初库存，不能再次导入（重复导入会使库存"
                        "翻倍）；之后的数量变化请用入库或盘点调整",
                    )
                )
            elif key in booked:
                problems.append(Problem(number, "物资", booked_message(where, item, booked[key])))
            seen.setdefault(key, number)
        if problems:
            result.problems += problems
        else:
            result.rows.append(Row(number, location, item, quantity, note))
    return result


@transaction.atomic
def commit(result: Plan, *, by: Any, request: Any = None) -> int:
    """Post every row as opening stock; returns the number of rows."""
    if not result.ok:
        raise ValidationError("导入文件存在问题，未做任何修改")
    # Checked again under the locations' locks: the same file committed twice at once,
    # or another file since this preview, must not open a balance twice.
    lock_balances([(row.item, row.location) for row in result.rows])
    pairs = {(row.item.pk, row.location.pk) for row in result.rows}
    opened = Movement.objects.filter(
        kind=MovementKind.OPENING, location_id__in={location for _, location in pairs}
    ).values_list("item_id", "location_id")
    if pairs & set(opened):
        raise ValidationError("预览之后已有期初库存导入了其中的物资，未做任何修改；请重新上传核对")
    booked = booked_pairs(
        Movement.objects.filter(location_id__in={location for _, location in pairs})
    )
    late = [row for row in result.rows if (row.location.pk, row.item.pk) in booked]
    if late:
        raise ValidationError(
            "预览之后已有出入库记录："
            + "；".join(
                booked_message(row.location.name, row.item, booked[row.location.pk, row.item.pk])
                for row in late
            )
            + "。未做任何修改"
        )
    post_movements(
        [
            Entry(row.item, row.location, MovementKind.OPENING, row.quantity, {"note": row.note})
            for row in result.rows
        ],
        by=by,
    )
    audit.record(
        action=AuditEvent.Action.IMPORT,
        request=request,
        user=by,
        detail=f"导入期初库存 {len(result.rows)} 行",
    )
    return len(result.rows)
