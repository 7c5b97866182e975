"""Import of the jurisdiction tree from an Excel sheet.

One row per leaf: the columns name the levels from the top down (区县, 街道/乡镇,
社区/村, 小区/村民组, 楼栋) plus 应有户数. Levels above the importing user's area may
be left blank or must match; missing nodes below it are created. Names are matched
and created in one spelling (``core.text.place_name``: "３ 号楼" is "3号楼"); a cell
merged over several rows names each of them. ``plan`` checks the
whole file and lists problems by row and column; ``commit`` creates everything in one
transaction, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.text import place_name
from shouwang.core.xlsx import (
    FORMULA_MESSAGE,
    HeaderNotFound,
    cell_text,
    find_header,
    formula_problem,
    iter_rows,
    matches_header,
    not_text,
    workbook_bytes,
)

from . import actions
from .models import MAX_HOUSEHOLDS, Area, first_building_warning, typed_place_name

LEVELS = [
    ("区县", Area.Kind.DISTRICT),
    ("街道/乡镇", Area.Kind.SUBDISTRICT),
    ("社区/村", Area.Kind.COMMUNITY),
    ("小区/村民组", Area.Kind.COMPOUND),
    ("楼栋", Area.Kind.BUILDING),
]
HEADERS = [name for name, _ in LEVELS] + ["应有户数"]
SAMPLE_NAMES = ["金水区", "明湖街道", "西城社区", "西城花园", "3号楼"]
MAX_ROWS = 100_000


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Plan:
    root: Area
    paths: list[tuple[int, list[str], int | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_nodes: int = 0
    existing_nodes: int = 0
    # Existing nodes whose 应有户数 the sheet changes: the preview says so first.
    changed_households: int = 0
    # Existing compounds the sheet gives their first building, whose own 应有户数 the
    # commit will clear (``Area.clear_households_for_buildings``): the preview says so.
    households_to_clear: list[str] = field(default_factory=list)
    # What the commit said on clearing a compound's 应有户数 as it got its first building.
    cleared_households: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.paths)


def template_bytes(root: Area) -> bytes:
    """The template, its example row naming ``root`` and the levels above it as they are."""
    kinds = [k for _, k in LEVELS]
    sample: list[str | int] = list(SAMPLE_NAMES)
    for area in [*root.ancestors(), root]:
        sample[kinds.index(area.kind)] = area.name
    return workbook_bytes(HEADERS, [[*sample, 48]], title="辖区导入模板")


def plan(upload: IO[bytes], *, root: Area) -> Plan:
    """Read and check the file; nothing is written."""
    result = Plan(root=root)
    rows = iter_rows(upload, header=lambda row: matches_header(row, HEADERS), fill_merged=True)
    try:
        header_row = find_header(rows, HEADERS)
    except HeaderNotFound as exc:
        result.problems.append(Problem(1, "", str(exc)))
        return result
    chain = [*root.ancestors(), root]
    kinds = [k for _, k in LEVELS]
    root_level = kinds.index(root.kind)
    seen: dict[tuple[str, ...], int] = {}
    # Whether each level was filled on a row above: a name left blank below it, as if
    # it carried down (it does only when the cells are merged).
    filled_above = [False] * len(LEVELS)
    for number, raw in enumerate(rows, start=header_row + 1):
        if number > MAX_ROWS + header_row:
            result.problems.append(Problem(number, "", f"行数超过上限 {MAX_ROWS}"))
            break
        cells = (list(raw) + [None] * len(HEADERS))[: len(HEADERS)]
        values = [cell_text(v) for v in cells]
        if not any(values):
            continue
        names, expected = [place_name(v) for v in values[: len(LEVELS)]], values[-1]
        row_ok = True
        for (column, _), cell, value in zip(LEVELS, cells, names, strict=False):
            problem = formula_problem(cell) or not_text(cell) or _name_problem(value)
            if problem:
                result.problems.append(Problem(number, column, problem))
                row_ok = False
        for ancestor in chain:
            i = kinds.index(ancestor.kind)
            if names[i] and names[i] != place_name(ancestor.name):
                result.problems.append(
                    Problem(
                        number,
                        LEVELS[i][0],
                        f"不在“{root.name}”范围内（应为“{ancestor.name}”或留空）",
                    )
                )
                row_ok = False
        below = names[root_level + 1 :]
        depth = 0
        for value in below:
            if not value:
                break
            depth += 1
        if not any(below):
            result.problems.append(Problem(number, "", "没有填写下级名称"))
            row_ok = False
        elif any(below[depth:]):
            blank = root_level + 1 + depth
            message = "上一级为空时不能填写下一级"
            if filled_above[blank]:
                message += "（与上一行相同的名称也须在每一行填写，或合并单元格）"
            result.problems.append(Problem(number, LEVELS[blank][0], message))
            row_ok = False
        filled_above = [a or bool(n) for a, n in zip(filled_above, names, strict=True)]
        households: int | None = None
        if expected:
            # isdecimal, not isdigit: "²" and "①" are digits int() cannot read.
            if formula_problem(cells[-1]):
                result.problems.append(Problem(number, "应有户数", FORMULA_MESSAGE))
                row_ok = False
            elif not expected.isdecimal():
                result.problems.append(Problem(number, "应有户数", "应为非负整数"))
                row_ok = False
            elif int(expected) > MAX_HOUSEHOLDS:
                result.problems.append(
                    Problem(number, "应有户数", f"户数过大（最多 {MAX_HOUSEHOLDS}）")
                )
                row_ok = False
            else:
                households = int(expected)
        key = tuple(below[:depth])
        if depth and key in seen:
            column = LEVELS[root_level + depth][0]
            result.problems.append(Problem(number, column, f"与第{seen[key]}行重复"))
            row_ok = False
        if row_ok:
            seen[key] = number
            result.paths.append((number, list(key), households))
    _count_nodes(result)
    _check_households(result, root_level)
    return result


def _name_problem(name: str) -> str:
    """Why ``name`` cannot name a node, as the node's page says it (``typed_place_name``);
    "" for a name that can, or a blank (a level not filled)."""
    if not name:
        return ""
    try:
        typed_place_name(name)
    except ValidationError as exc:
        return exc.messages[0]
    return "名称过长（最多100字）" if len(name) > 100 else ""


def _count_nodes(result: Plan) -> None:
    nodes = Area.objects.within(result.root).only("pk", "parent_id", "name", "expected_households")
    by_parent_name = {(a.parent_id, place_name(a.name)): a.pk for a in nodes}
    households_of = {a.pk: a.expected_households for a in nodes}
    prefixes: set[tuple[str, ...]] = set()
    for _, names, _ in result.paths:
        for i in range(1, len(names) + 1):
            prefixes.add(tuple(names[:i]))
    found = 0
    for prefix in prefixes:
        parent = result.root.pk
        for name in prefix:
            parent = by_parent_name.get((parent, name))
            if parent is None:
                break
        if parent is not None:
            found += 1
    result.existing_nodes = found
    result.new_nodes = len(prefixes) - found
    for _, names, households in result.paths:
        parent = result.root.pk
        for name in names:
            parent = by_parent_name.get((parent, name))
            if parent is None:
                break
        if households is not None and parent is not None and households_of[parent] != households:
            result.changed_households += 1


def _check_households(result: Plan, root_level: int) -> None:
    """A problem for each row giving 应有户数 coverage ignores (``household_unit``): to
    a node above compounds, or to a compound that has buildings, in the database or
    further down the sheet. A figure the node already holds is left as it is. Lists
    the existing compounds whose 应有户数 the commit will clear, as it gives them their
    first building."""
    kinds = [k for _, k in LEVELS]
    nodes = Area.objects.within(result.root).only("pk", "parent_id", "name", "expected_households")
    by_parent_name = {(a.parent_id, place_name(a.name)): a for a in nodes}
    with_children = {a.parent_id for a in nodes}
    with_rows_below = {tuple(names[:-1]) for _, names, _ in result.paths}
    root = next(a for a in nodes if a.pk == result.root.pk)
    for _, names, _ in result.paths:
        node: Area | None = root
        for name in names[:-1]:
            node = by_parent_name.get((node.pk, name)) if node is not None else None
        if (
            node is not None
            and kinds[root_level + len(names) - 1] == Area.Kind.COMPOUND
            and node.expected_households is not None
            and node.pk not in with_children
        ):
            warning = first_building_warning(node.name, node.expected_households)
            if warning not in result.households_to_clear:
                result.households_to_clear.append(warning)
    for number, names, households in result.paths:
        if households is None:
            continue
        node: Area | None = result.root
        for name in names:
            node = by_parent_name.get((node.pk, name)) if node is not None else None
        if node is not None and node.expected_households == households:
            continue
        area = Area(
            kind=kinds[root_level + len(names)], name=names[-1], expected_households=households
        )
        has_buildings = tuple(names) in with_rows_below or (
            node is not None and node.pk in with_children
        )
        try:
            area.check_expected_households(has_buildings=has_buildings)
        except ValidationError as exc:
            result.problems.append(Problem(number, "应有户数", exc.messages[0]))


def _added_meanwhile(parent: Area, name: str) -> Area | None:
    """The child of ``parent`` named ``name`` (in the one spelling of place names) that
    a concurrent commit created after this one's plan, if any."""
    for child in Area.objects.filter(parent=parent):
        if place_name(child.name) == name:
            return child
    return None


@transaction.atomic
def commit(result: Plan, *, by: Any) -> int:
    """Create the missing nodes and set the 应有户数 the sheet gives; returns how many
    nodes were created. Raises ValidationError, with nothing written, if a node the
    sheet gives 应有户数 got buildings since the plan was checked."""
    if not result.ok:
        raise ValueError("导入文件存在问题，未做任何修改")
    kinds = [k for _, k in LEVELS]
    start = kinds.index(result.root.kind) + 1
    cache: dict[tuple[int, str], Area] = {
        (a.parent_id, place_name(a.name)): a for a in Area.objects.within(result.root)
    }
    created: set[int] = set()
    changed = 0
    for _, names, households in result.paths:
        parent = result.root
        for offset, name in enumerate(names):
            node = cache.get((parent.pk, name))
            if node is None:
                try:
                    node = actions.create_area(
                        name=name,
                        kind=kinds[start + offset],
                        parent=parent,
                        notices=result.cleared_households,
                    )
                except ValidationError:
                    node = _added_meanwhile(parent, name)  # by another import, at once
                    if node is None:
                        raise
                else:
                    created.add(node.pk)
                cache[(parent.pk, name)] = node
            parent = node
        if households is not None and parent.expected_households != households:
            changed += parent.pk not in created
            if parent.pk not in created:
                # Locked and checked again: a first building added since the plan's
                # check (``_check_households``) would leave the figure ignored.
                parent = Area.objects.select_for_update().get(pk=parent.pk)
                parent.expected_households = households
                parent.check_expected_households()
            parent.expected_households = households
            parent.save(update_fields=["expected_households", "updated_at"])
    detail = f"从Excel导入辖区：{len(result.paths)} 行，新建 {len(created)} 个节点"
    if changed:
        detail += f"，修改 {changed} 个节点的应有户数"
    detail = "；".join([detail, *result.cleared_households])
    audit.record(action=AuditEvent.Action.IMPORT, user=by, obj=result.root, detail=detail)
    return len(created)
