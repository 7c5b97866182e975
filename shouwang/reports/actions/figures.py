"""The figures of a daily report: the lines the form shows, the checks of what a
community gives, and how they are stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shouwang.areas.models import Area

from .. import catalog, days
from ..models import DailyReport, IndicatorDefinition, ReportValue
from ..rollup import auto_values


class ReportError(ValueError):
    """A report that cannot be saved as asked; the message is for the user."""


@dataclass(frozen=True)
class Line:
    """One editable figure of a report as the form shows it."""

    definition: IndicatorDefinition
    auto: int | None
    value: int | None
    reason: str

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def corrected(self) -> bool:
        return self.auto is not None and self.value is not None and self.value != self.auto


def editable(rows: list[IndicatorDefinition] | None = None) -> list[IndicatorDefinition]:
    """The figures a community reports: offered indicators that are not ratios."""
    return [d for d in catalog.offered(rows) if d.ratio is None]


def check_expected(*, community: Area, day: date) -> None:
    """Refuse a report of a day before the community's first day: it did not exist
    then, and such a report would be counted nowhere."""
    if not days.is_expected(community, day):
        first = days.first_day(community)
        raise ReportError(
            f"{community.name}从{first.year}年{first.month}月{first.day}日起上报日报，该日无需上报"
        )


def report_for(*, community: Area, day: date) -> DailyReport:
    check_expected(community=community, day=day)
    report, _ = DailyReport.objects.get_or_create(community=community, day=day)
    return report


def lines(report: DailyReport, *, auto: dict[str, Any] | None = None) -> list[Line]:
    """The report's figures: saved values, else the system's count (manual ones:
    carried over from the latest report for point-in-time figures). ``auto``: the
    system's counts of a draft, when the caller has them already."""
    definitions = editable()
    saved = {v.code: v for v in report.values.all()} if report.pk else {}
    if report.is_submitted:
        auto = {code: v.auto_value for code, v in saved.items()}
    elif auto is None:
        auto = auto_values(report.community, report.day)
    carried = carried_over(report, definitions) if not report.is_submitted else {}
    out = []
    for definition in definitions:
        value = saved.get(definition.code)
        suggested = auto.get(definition.code) if not definition.manual else None
        if value is not None and follows_count(report, value, suggested):
            value = None  # a draft took the count of its time: take today's
        out.append(
            Line(
                definition=definition,
                auto=suggested,
                value=value.value
                if value
                else (suggested if suggested is not None else carried.get(definition.code)),
                reason=value.reason if value else "",
            )
        )
    return out


def retired_lines(report: DailyReport) -> list[Line]:
    """The figures a submitted report carried of indicators retired since (in HQ's
    order): shown with the report as submitted, not amended."""
    if not report.is_submitted:
        return []
    in_use = {d.code for d in editable()}
    saved = {v.code: v for v in report.values.all() if v.code not in in_use}
    if not saved:
        return []
    return [
        Line(definition=d, auto=v.auto_value, value=v.value, reason=v.reason)
        for d in catalog.all_definitions()
        if (v := saved.get(d.code)) is not None
    ]


def follows_count(report: DailyReport, saved: ReportValue, suggested: Any) -> bool:
    """A draft's figure that was the system's count when saved (not corrected): it
    follows the count, which may have moved since (the draft was saved before the
    cutoff, or data arrived late)."""
    return (
        not report.is_submitted
        and suggested is not None
        and saved.auto_value is not None
        and saved.value == saved.auto_value
    )


#: How far back a typed-in point-in-time figure is carried over from.
CARRY_DAYS = 31


def carried_over(report: DailyReport, definitions: list[IndicatorDefinition]) -> dict[str, int]:
    """The manual point-in-time figures as the community last reported them (a day it
    missed does not lose them), within ``CARRY_DAYS``."""
    stock = [d.code for d in definitions if d.manual and not d.is_flow]
    if not stock:
        return {}
    rows = (
        ReportValue.objects.filter(
            report__community_id=report.community_id,
            report__day__lt=report.day,
            report__day__gte=report.day - timedelta(days=CARRY_DAYS),
            report__status=DailyReport.Status.SUBMITTED,
            code__in=stock,
        )
        .order_by("report__day")
        .values_list("code", "value")
    )
    return dict(rows)  # the latest day's value of each code wins


def below_zero_message(counted: int) -> str:
    """What a figure the system counted below 0 says when taken as it is."""
    return f"系统统计为{counted}，数据有误：请核实后填写实际数并说明更正原因"


def check_values(
    definitions: list[IndicatorDefinition],
    auto: dict[str, Any],
    values: dict[str, int],
    reasons: dict[str, str],
) -> dict[str, str]:
    """Errors by code: a missing figure, or a correction without a reason."""
    errors = {}
    for definition in definitions:
        value = values.get(definition.code)
        counted = auto.get(definition.code)
        if value is not None and value < 0 and counted is not None and counted < 0:
            errors[definition.code] = below_zero_message(counted)
            continue
        if value is None or value < 0:
            errors[definition.code] = "请填写（没有请填0）"
            continue
        corrected = not definition.manual and counted is not None and value != counted
        if corrected and not reasons.get(definition.code, "").strip():
            errors[definition.code] = f"与系统统计（{counted}）不一致，请填写更正原因"
    return errors


@dataclass(frozen=True)
class Moved:
    """A figure left at the system's count the page showed, the count having moved
    while the page was open: saved at the new count. ``shown`` None: a figure the
    page did not show (an indicator added since, a garbled value sent back)."""

    definition: IndicatorDefinition
    shown: int | None
    counted: int

    @property
    def code(self) -> str:
        return self.definition.code

    def __str__(self) -> str:
        shown = "—" if self.shown is None else self.shown
        return f"{self.definition.label} {shown}→{self.counted}"


class CountsMoved(ReportError):
    """A submission refused because figures left at the counts the page showed would
    follow counts that moved since: a locked report carries no figure the user did
    not see. The form is shown again at the new counts."""

    def __init__(self, moved: list[Moved], *, message: str | None = None) -> None:
        self.moved = moved
        super().__init__(
            message
            or f"打开页面后系统统计有更新：{'；'.join(str(m) for m in moved)}。请核对后再上报。"
        )


def follow_counts(
    definitions: list[IndicatorDefinition],
    auto: dict[str, Any],
    values: dict[str, int],
    reasons: dict[str, str],
    shown: dict[str, int],
) -> tuple[dict[str, int], list[Moved]]:
    """The figures given, each one left at the count the page showed (``shown``) and
    given no reason following the system's count ``auto``: before the cutoff the
    check-ins and the ledger keep counting while the page is open, and a figure the
    user did not touch is no correction that needs a reason. A figure typed away from
    the count shown, or given a reason, stays as given. Also the figures whose count
    moved, to tell the user."""
    followed = dict(values)
    moved = []
    for definition in definitions:
        code = definition.code
        counted = None if definition.manual else auto.get(code)
        was = shown.get(code)
        if (
            counted is None
            or was is None
            or values.get(code) != was
            or reasons.get(code, "").strip()
        ):
            continue
        followed[code] = counted
        if counted != was:
            moved.append(Moved(definition=definition, shown=was, counted=counted))
    return followed, moved


def store_values(
    report: DailyReport,
    definitions: list[IndicatorDefinition],
    auto: dict[str, Any],
    values: dict[str, int],
    reasons: dict[str, str],
) -> None:
    for definition in definitions:
        counted = None if definition.manual else auto.get(definition.code)
        value = values[definition.code]
        ReportValue.objects.update_or_create(
            report=report,
            code=definition.code,
            defaults={
                "auto_value": counted,
                "value": value,
                "reason": reasons.get(definition.code, "").strip()
                if counted is None or value != counted
                else "",
            },
        )


def locked(report: DailyReport) -> DailyReport:
    return DailyReport.objects.select_for_update().select_related("community").get(pk=report.pk)
