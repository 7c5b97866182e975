"""The daily bulletin (通报): text generated from the day's figures by HQ's template.

Template language (kept tiny on purpose: HQ edits it, so no Django templates):

* ``{code}`` — the day's figure of an indicator; ``{code.total}`` — its running total
  up to the day (累计: flows summed over the days; a point-in-time figure as it is);
* ``{date}`` 2月13日15时 (a day in progress: the time of its figures, 2月13日10时05分),
  ``{area}`` the area's name, ``{communities}``, ``{submitted}``,
  ``{zero}``, ``{late}``, ``{missing}`` (report counts), ``{missing_names}``, and
  ``{reports}``, the sentence of those counts (应报社区N个，已报N个……未报N个（…）。);
  for the day in progress, which nobody can have reported yet (it is reported after
  its cutoff), ``{reports}`` says 各社区日报统计中 and the counts but ``{communities}``
  have no value (an optional part naming them is dropped; elsewhere they show —);
* ``[ … ]`` — an optional part, dropped when it names an indicator the day does not
  speak of (module not installed, or retired by HQ — unless the day's submitted reports
  carried it: a past day reads what it was reported with) or has no figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shouwang.areas.models import Area

from . import days
from .indicators import registry
from .models import BulletinTemplate, DailyFigure, IndicatorDefinition
from .tables import day_definitions

DEFAULT_TEMPLATE = (
    "截至{date}，{area}辖区"
    "[共设置卡点{checkpoints_open}个、值守人员{staff_on_duty}名，]"
    "[累计排查车辆{vehicles_checked.total}台、人员{persons_checked.total}人"
    "（当日车辆{vehicles_checked}台、人员{persons_checked}人），]"
    "[累计劝返车辆{vehicles_turned_back.total}台、人员{persons_turned_back.total}人，]"
    "[累计发现发热人员{fevers.total}名（当日{fevers}名），]"
    "[在管重点人员{key_in_observation}人（当日新增{key_new}人、解除{key_released}人），]"
    "[当日新增疑似病例{suspected_new}例、确诊病例{confirmed_new}例，]"
    "[重点区域{key_areas}个（当日住户随访{household_visits}户次），]"
    "[已登记{households_registered}户{persons_registered}人、入户登记率{household_coverage}%，]"
    "{reports}"
)
REPORTS = (
    "应报社区{communities}个，已报{submitted}个（其中零报告{zero}个、迟报{late}个），"
    "未报{missing}个{missing_names}。"
)
REPORT_COUNTS = {"submitted", "zero", "late", "missing", "missing_names"}
BUILTINS = {"date", "area", "communities", "reports", *REPORT_COUNTS}
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(\.total)?\}")
OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
BRACED = re.compile(r"\{[^{}]*\}?|\}")
BRACED_OR_PLACEHOLDER = re.compile(f"{PLACEHOLDER.pattern}|{BRACED.pattern}")
#: A placeholder with a full-width brace (what a Chinese input method types).
FULL_WIDTH = re.compile(r"｛\s*[a-z][a-z0-9_.]*\s*[｝}]|\{\s*[a-z][a-z0-9_.]*\s*｝")
#: The bulletin names at most this many communities that have not reported.
MISSING_NAMES = 30


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Context:
    day: date
    area: Area
    figure: DailyFigure | None
    totals: Mapping[str, Any]
    #: the indicators of the day: offered, and retired since the day's reports carried
    definitions: Mapping[str, IndicatorDefinition]
    missing_names: list[str]


def template_for(area: Area) -> str:
    """HQ's template of the nearest area (the area itself, then upwards)."""
    prefixes = [area.path[:end] for end in range(6, len(area.path) + 1, 6)]
    found = (
        BulletinTemplate.objects.filter(area__path__in=prefixes)
        .order_by("-area__depth")
        .values_list("text", flat=True)
        .first()
    )
    return found or DEFAULT_TEMPLATE


def check_template(text: str) -> None:
    """Refuse unknown placeholders and unbalanced brackets (message for HQ)."""
    # Codes of the default template are known before their module is installed
    # (checkpoints, supplies): their optional parts are dropped until then.
    expected = {m.group(1) for m in PLACEHOLDER.finditer(DEFAULT_TEMPLATE)}
    defined = set(IndicatorDefinition.objects.values_list("code", flat=True))
    known = BUILTINS | expected | set(registry()) | defined
    unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(text)} - known)
    if unknown:
        raise TemplateError(f"模板中有不认识的占位符：{'、'.join(unknown)}")
    # 累计 is an indicator's: {communities.total} would show the day's count as one.
    builtin_total = next(
        (m for m in PLACEHOLDER.finditer(text) if m.group(2) and m.group(1) in BUILTINS), None
    )
    if builtin_total:
        name = builtin_total.group(1)
        raise TemplateError(
            f"“{builtin_total.group(0)}”：{name} 没有累计，.total 只用于指标"
            f"（如 {{fevers.total}}），请写作 {{{name}}}"
        )
    if OPTIONAL.sub("", text).count("[") or OPTIONAL.sub("", text).count("]"):
        raise TemplateError("方括号 [ ] 要成对使用，且不能嵌套")
    full_width = FULL_WIDTH.search(text)
    if full_width:
        raise TemplateError(
            f"“{full_width.group(0)[:30]}”用了全角大括号：占位符要用半角的 {{ }}，"
            "如 {fevers}、{fevers.total}（可切换到英文输入法再输入）"
        )
    # Braces are for placeholders only: "{fevers.nope}", "{0}" or a lone "{" would
    # otherwise reach the bulletin as they are.
    # Found in the text as typed: "{{fevers}}" names its first "{", not the "{}" left
    # once the placeholder inside is taken out.
    stray = next(
        (m for m in BRACED_OR_PLACEHOLDER.finditer(text) if not PLACEHOLDER.fullmatch(m[0])),
        None,
    )
    if stray:
        raise TemplateError(
            f"“{stray.group(0)[:30]}”不是占位符：占位符写作 {{指标代码}} 或 {{指标代码.total}}"
            "（如 {fevers}、{fevers.total}），大括号 { } 只用于占位符"
        )


def _format(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))
    return str(value)


def _names(names: list[str], count: int) -> str:
    """（甲社区、乙社区）; a list cut short at ``MISSING_NAMES`` ends in 等."""
    if not names:
        return ""
    return f"（{'、'.join(names)}{'等' if count > len(names) else ''}）"


def context(area: Area, day: date, *, figures: Iterable[DailyFigure] | None = None) -> Context:
    """The figures a bulletin speaks of: the area's row of ``day`` and its running
    totals (one query for the area's rows up to the day, one for the names missing),
    for the indicators the day's overview and xlsx show (``tables.day_definitions``)."""
    rows = (
        list(figures)
        if figures is not None
        else list(DailyFigure.objects.filter(area=area, day__lte=day).order_by("day"))
    )
    definitions = {d.code: d for d in day_definitions(area, day)[0]}
    figure = next((f for f in rows if f.day == day), None)
    totals: dict[str, Any] = {}
    for code, definition in definitions.items():
        if definition.is_flow and definition.ratio is None:
            # A figure nobody ever gave (a manual indicator left blank) has no total: —.
            known = [
                f.values[code] for f in rows if f.day <= day and f.values.get(code) is not None
            ]
            totals[code] = sum(known) if known else None
        elif figure is not None:
            totals[code] = definition.value_in(figure.values)
    missing_names: list[str] = []
    closed = days.is_closed(day)
    if closed and figure is not None and figure.missing and area.kind != Area.Kind.COMMUNITY:
        missing_names = list(
            DailyFigure.objects.filter(day=day, area__path__startswith=area.path)
            .missing()
            .order_by("area__path")
            .values_list("area__name", flat=True)[:MISSING_NAMES]
        )
    return Context(
        day=day,
        area=area,
        figure=figure,
        totals=totals,
        definitions=definitions,
        missing_names=missing_names,
    )


def render(text: str, ctx: Context) -> str:
    figure = ctx.figure
    in_progress = not days.is_closed(ctx.day)
    # A day in progress is dated at its figures' time: its cutoff is still ahead.
    as_of = (
        days.moment_label(figure.computed_at)
        if figure is not None and in_progress
        else days.cutoff_label(ctx.day)
    )

    def value(name: str, total: bool) -> Any:
        if name == "reports":
            if in_progress:
                return f"各社区日报统计中（{days.cutoff_label(ctx.day)}截止后上报）。"
            return fill(REPORTS)
        if in_progress and name in REPORT_COUNTS:
            return None  # nobody can have reported the day yet: not 0 reported, N missing
        if name in BUILTINS:
            return {
                "date": as_of,
                "area": ctx.area.name,
                "communities": figure.communities if figure else None,
                "submitted": figure.submitted if figure else None,
                "zero": figure.zero if figure else None,
                "late": figure.late if figure else None,
                "missing": figure.missing if figure else None,
                "missing_names": _names(ctx.missing_names, figure.missing if figure else 0),
            }[name]
        if name not in ctx.definitions:
            return None
        if total:
            return ctx.totals.get(name)
        return ctx.definitions[name].value_in(figure.values) if figure else None

    def fill(part: str) -> str:
        return PLACEHOLDER.sub(lambda m: _format(value(m.group(1), bool(m.group(2)))), part)

    def optional(match: re.Match) -> str:
        part = match.group(1)
        for m in PLACEHOLDER.finditer(part):
            if value(m.group(1), bool(m.group(2))) is None:
                return ""
        return fill(part)

    return fill(OPTIONAL.sub(optional, text))


def generate(area: Area, day: date) -> str | None:
    """The day's text, or None while the day has no roll-up for ``area``: with no
    figures every sentence would be dropped but 应报社区—个…未报—个."""
    ctx = context(area, day)
    if ctx.figure is None:
        return None
    return render(template_for(area), ctx)
