"""Workflows of the daily report: review, submit, zero-report, amend, remind; the
indicators HQ keeps; the bulletin and its template as edited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import SEGMENT, Area
from shouwang.core.unique import unique_write

from . import catalog, days, live
from .models import (
    Bulletin,
    BulletinTemplate,
    DailyFigure,
    DailyReport,
    IndicatorDefinition,
    Reminder,
    ReportRevision,
    ReportValue,
)
from .rollup import Result, apply_report, auto_values, rollup

#: The note of a zero report; an amendment that ends it being one replaces it.
ZERO_NOTE = "无新增情况（零报告）"


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


class NotRolledUp(ReportError):
    """重新汇总 asked of an area the roll-up keeps no rows for (a compound, a building)."""


def rollup_area(*, area: Area, day: date) -> Result:
    """重新汇总 asked from ``area``'s overview: the day rolled up for the whole
    top-level area ``area`` lies in. Refused for a compound or a building (the roll-up
    stores rows for communities and above only: its community is where to ask), and
    when no community under ``area`` reports ``day`` — a day before they were created:
    rows of 0 communities would read 应报社区0个 — and nothing is written."""
    if live.is_live(area):
        community = live.reporting_community(area)
        where = (
            f"请在{community.name}的日报汇总页重新汇总"
            if community
            else "请在社区的日报汇总页重新汇总"
        )
        raise NotRolledUp(f"{area.name}不单独汇总：日报按社区及以上逐级汇总，{where}")
    communities = Area.objects.communities().within(area)
    if not communities.filter(days.expected_on(day)).exists():
        oldest = communities.order_by("created_at").first()
        if oldest is None:
            raise ReportError(f"{area.name}尚无社区，没有可汇总的日报")
        first = days.first_day(oldest)
        raise ReportError(
            f"{area.name}{day.year}年{day.month}月{day.day}日没有应报日报的社区"
            f"（最早的社区从{first.year}年{first.month}月{first.day}日起上报），没有可汇总的日报"
        )
    return rollup(day, root=Area.objects.get(path=area.path[:SEGMENT]))


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
    carried = _carried(report, definitions) if not report.is_submitted else {}
    out = []
    for definition in definitions:
        value = saved.get(definition.code)
        suggested = auto.get(definition.code) if not definition.manual else None
        if value is not None and _follows_count(report, value, suggested):
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


def _follows_count(report: DailyReport, saved: ReportValue, suggested: Any) -> bool:
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


def _carried(report: DailyReport, definitions: list[IndicatorDefinition]) -> dict[str, int]:
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
    while the page was open: saved at the new count."""

    definition: IndicatorDefinition
    shown: int
    counted: int

    @property
    def code(self) -> str:
        return self.definition.code

    def __str__(self) -> str:
        return f"{self.definition.label} {self.shown}→{self.counted}"


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


def _store_values(
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


def _locked(report: DailyReport) -> DailyReport:
    return DailyReport.objects.select_for_update().select_related("community").get(pk=report.pk)


@dataclass(frozen=True)
class Draft:
    """A saved draft, and the figures that followed a count moved since the page
    showed it."""

    report: DailyReport
    moved: list[Moved]


@transaction.atomic
def save_draft(
    *,
    community: Area,
    day: date,
    values: dict[str, int],
    reasons: dict[str, str],
    note: str,
    by: Any,
    shown: dict[str, int] | None = None,
) -> Draft:
    """Save the community's draft of ``day``, creating its report row in the same
    transaction: a refused save leaves no empty draft behind. ``shown``: the system's
    counts the page showed; a figure left at one follows the count as it is now
    (``follow_counts``)."""
    report = _locked(report_for(community=community, day=day))
    if report.is_submitted:
        raise ReportError("该日报已上报并锁定；如需修改请使用“更正”")
    definitions = editable()
    auto = auto_values(report.community, report.day)
    values, moved = follow_counts(definitions, auto, values, reasons, shown or {})
    errors = check_values(definitions, auto, values, reasons)
    if errors:
        raise ReportError("；".join(errors.values()))
    _store_values(report, definitions, auto, values, reasons)
    report.note = note.strip()
    report.save(update_fields=["note", "updated_at"])
    return Draft(report=report, moved=moved)


def _submit(
    report: DailyReport,
    *,
    values: dict[str, int],
    reasons: dict[str, str],
    note: str,
    by: Any,
    zero: bool,
    now: datetime | None,
    request: HttpRequest | None,
    shown: dict[str, int] | None = None,
) -> DailyReport:
    now = now or timezone.now()
    report = _locked(report)
    check_expected(community=report.community, day=report.day)
    if report.is_submitted:
        raise ReportError("该日报已上报，不能重复上报；如需修改请使用“更正”")
    if not days.is_closed(report.day, now):
        raise ReportError(f"{days.cutoff_label(report.day)}统计截止后才能上报该日日报")
    definitions = editable()
    auto = auto_values(report.community, report.day)
    values, _ = follow_counts(definitions, auto, values, reasons, shown or {})
    errors = check_values(definitions, auto, values, reasons)
    if errors:
        raise ReportError("；".join(errors.values()))
    _store_values(report, definitions, auto, values, reasons)
    # A draft's figure of an indicator retired since is not part of what is submitted.
    report.values.exclude(code__in=[d.code for d in definitions]).delete()
    report.status = DailyReport.Status.SUBMITTED
    report.is_zero = zero
    report.late = days.is_late(report.day, now)
    report.submitted_at = now
    report.submitted_by = by
    report.note = note.strip()
    report.save()
    ReportRevision.objects.create(
        report=report,
        number=1,
        kind=ReportRevision.Kind.ZERO if zero else ReportRevision.Kind.SUBMIT,
        values={code: values[code] for code in (d.code for d in definitions)},
        changes=[
            {
                "code": d.code,
                "label": d.label,
                "from": auto[d.code],
                "to": values[d.code],
                "reason": reasons.get(d.code, ""),
            }
            for d in definitions
            if not d.manual and auto.get(d.code) is not None and values[d.code] != auto[d.code]
        ],
        reason=report.note,
        by=by,
        at=now,
    )
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=report,
        area=report.community,
        detail=("零报告" if zero else "上报日报") + ("（迟报）" if report.late else ""),
    )
    apply_report(report)
    return report


@transaction.atomic
def submit_report(
    *,
    report: DailyReport,
    values: dict[str, int],
    reasons: dict[str, str],
    note: str = "",
    by: Any,
    now: datetime | None = None,
    request: HttpRequest | None = None,
    shown: dict[str, int] | None = None,
) -> DailyReport:
    """Submit the day's report. ``request`` (a web submission) puts its source IP in
    the audit row; the demo and scheduled jobs call without one. ``shown``: the
    system's counts the page showed (``follow_counts``)."""
    return _submit(
        report,
        values=values,
        reasons=reasons,
        note=note,
        by=by,
        zero=False,
        now=now,
        request=request,
        shown=shown,
    )


def _draft_incidents(
    report: DailyReport, definitions: list[IndicatorDefinition], auto: dict[str, Any]
) -> list[str]:
    """The incident figures a saved draft gives as not 0 — a fever found on a round
    typed in with its reason, a figure only the community gives: a zero report would
    submit 0 over them. A draft figure that follows the system's count is the count."""
    if report.pk is None or report.is_submitted:
        return []
    saved = {v.code: v for v in report.values.all()}
    return [
        f"{d.label}{value.value}{d.unit}"
        for d in definitions
        if d.incident
        and (value := saved.get(d.code)) is not None
        and value.value
        and not _follows_count(report, value, None if d.manual else auto.get(d.code))
    ]


def _false_alarms(report: DailyReport, auto: dict[str, Any]) -> set[str]:
    """The codes of incident figures the system counted that the saved draft corrects
    to 0 with a reason (a fever found to be a false alarm): nothing new happened. Only
    while the count is still the one corrected: anything counted since is new."""
    if report.pk is None or report.is_submitted:
        return set()
    return {
        v.code
        for v in report.values.all()
        if v.value == 0 and v.reason.strip() and v.auto_value and v.auto_value == auto.get(v.code)
    }


@transaction.atomic
def zero_report(
    *,
    report: DailyReport,
    by: Any,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> DailyReport:
    """One click: nothing new happened. Refused when any incident figure (new key
    persons, fevers, cases …) is not 0, in the system's counts or in the saved draft —
    a count the draft corrected to 0 with its reason (a false alarm) is 0, the
    correction and its reason kept in the report and its history.
    Only the incident figures are zeroed: the standing ones (已登记户数, 开放卡点,
    口罩库存 …) and the other figures stay as the draft gives them (a correction with
    its reason, a figure typed in), else the system's count (manual point-in-time
    figures as last reported); the draft's note is kept."""
    report = _locked(report)
    definitions = editable()
    auto = auto_values(report.community, report.day)
    cleared = _false_alarms(report, auto)
    happened = [
        f"{d.label}{auto[d.code]}{d.unit}"
        for d in definitions
        if d.incident and not d.manual and auto.get(d.code) and d.code not in cleared
    ]
    if happened:
        raise ReportError(
            f"系统统计当日有新情况（{'、'.join(happened)}），不能零报告，请核对后填报日报"
        )
    typed = _draft_incidents(report, definitions, auto)
    if typed:
        raise ReportError(
            f"暂存的日报中填有新情况（{'、'.join(typed)}），不能零报告，请核对后上报日报"
        )
    shown = lines(report, auto=auto)
    values = {
        line.code: 0 if line.definition.incident or line.value is None else line.value
        for line in shown
    }
    return _submit(
        report,
        values=values,
        reasons={line.code: line.reason for line in shown},
        note=report.note or ZERO_NOTE,
        by=by,
        zero=True,
        now=now,
        request=request,
    )


def amendment_reasons(
    reasons: dict[str, str], changed: Iterable[str], reason: str
) -> dict[str, str]:
    """The figures' reasons of an amendment: a changed figure given no reason of its
    own takes the amendment's 更正原因 (kept per figure, in the revision and audit)."""
    overall = reason.strip()
    return {
        **reasons,
        **{code: overall for code in changed if not reasons.get(code, "").strip()},
    }


@transaction.atomic
def amend_report(
    *,
    report: DailyReport,
    values: dict[str, int],
    reasons: dict[str, str],
    reason: str,
    by: Any,
    request: HttpRequest | None = None,
) -> DailyReport:
    """Correct a submitted report: a new revision with the reason (also that of each
    changed figure given none of its own); audited. A zero
    report corrected to a non-zero incident figure (a fever, a new case …) is no longer
    a zero report: its note 无新增情况 gives way to the amendment's reason (its first
    revision still says it was submitted as one)."""
    report = _locked(report)
    check_expected(community=report.community, day=report.day)
    if not report.is_submitted:
        raise ReportError("该日报尚未上报，直接修改后上报即可")
    if not reason.strip():
        raise ReportError("请填写更正原因")
    definitions = editable()
    saved = {v.code: v for v in report.values.all()}
    auto = {code: v.auto_value for code, v in saved.items()}
    changed = [
        d.code
        for d in definitions
        if d.code not in saved or saved[d.code].value != values.get(d.code)
    ]
    reasons = amendment_reasons(reasons, changed, reason)
    errors = check_values(definitions, auto, values, reasons)
    if errors:
        raise ReportError("；".join(errors.values()))
    changes = [
        {
            "code": d.code,
            "label": d.label,
            "from": saved[d.code].value if d.code in saved else None,
            "to": values[d.code],
            "reason": reasons.get(d.code, "").strip(),
        }
        for d in definitions
        if d.code in changed
    ]
    if not changes:
        raise ReportError("没有改动任何数字")
    _store_values(report, definitions, auto, values, reasons)
    report.amendments += 1
    was_zero = report.is_zero
    report.is_zero = was_zero and not any(values[d.code] for d in definitions if d.incident)
    if was_zero and not report.is_zero and report.note == ZERO_NOTE:
        report.note = reason.strip()
    report.save(update_fields=["amendments", "is_zero", "note", "updated_at"])
    number = report.revisions.count() + 1
    ReportRevision.objects.create(
        report=report,
        number=number,
        kind=ReportRevision.Kind.AMEND,
        values={d.code: values[d.code] for d in definitions},
        changes=changes,
        reason=reason.strip(),
        by=by,
    )
    audit.record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=report,
        area=report.community,
        detail="更正日报："
        + "；".join(
            f"{c['label']} {'—' if c['from'] is None else c['from']}→{c['to']}" for c in changes
        )
        + f"。原因：{reason.strip()}"
        + ("。不再是零报告" if was_zero and not report.is_zero else ""),
    )
    apply_report(report)
    return report


@transaction.atomic
def save_definition(
    *, definition: IndicatorDefinition, by: Any, request: HttpRequest | None = None
) -> IndicatorDefinition:
    """Save an indicator HQ added or edited; a new one is a manual indicator. The
    audit row says what an edit changed (名称 A→B, 零报告须为0 否→是 …)."""
    created = definition.pk is None
    if created:
        definition.source = IndicatorDefinition.Source.MANUAL
        detail = f"新增日报指标 {definition.code}（{definition.label}）"
    else:
        before = IndicatorDefinition.objects.select_for_update().get(pk=definition.pk)
        changes = "；".join(
            f"{field.verbose_name} {_shown(before, field)}→{_shown(definition, field)}"
            for field in IndicatorDefinition._meta.concrete_fields
            if field.name in EDITED_FIELDS
            and getattr(before, field.attname) != getattr(definition, field.attname)
        )
        detail = f"修改日报指标 {definition.code}" + (f"：{changes}" if changes else "")
    definition.check_code_free()
    with unique_write(definition.check_code_free):
        definition.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=definition,
        detail=detail,
    )
    return definition


#: The fields of an indicator HQ edits, named in the audit row of an edit.
EDITED_FIELDS = ("label", "unit", "kind", "incident", "order", "description")


def _shown(definition: IndicatorDefinition, field: Any) -> str:
    value = getattr(definition, field.attname)
    if isinstance(value, bool):
        return "是" if value else "否"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value) if value != "" else "（空）"


@transaction.atomic
def set_definition_active(
    *,
    definition: IndicatorDefinition,
    active: bool,
    by: Any,
    request: HttpRequest | None = None,
) -> IndicatorDefinition:
    """Retire (停用) or re-enable an indicator; audited. Asking for the state it is
    already in changes nothing (a double tap on 停用 keeps it retired)."""
    definition = IndicatorDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.active == active:
        return definition
    definition.active = active
    definition.save(update_fields=["active", "updated_at"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=definition,
        detail=("启用" if active else "停用") + f"日报指标 {definition.code}",
    )
    return definition


@transaction.atomic
def move_definition(
    *,
    definition: IndicatorDefinition,
    up: bool,
    by: Any,
    request: HttpRequest | None = None,
) -> None:
    """Swap an indicator with the one above (or below) it in HQ's order, renumbering
    all of them 10, 20, 30 …; audited. The first one up, or the last one down, stays."""
    rows = catalog.all_definitions()
    index = next(i for i, row in enumerate(rows) if row.pk == definition.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(rows):
        return
    rows[index], rows[target] = rows[target], rows[index]
    for order, row in enumerate(rows, start=1):
        row.order = order * 10
    IndicatorDefinition.objects.bulk_update(rows, ["order"])
    audit.record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=definition,
        detail=("上移" if up else "下移") + f"日报指标 {definition.code}",
    )


@transaction.atomic
def save_bulletin(
    *, area: Area, day: date, text: str, by: Any, request: HttpRequest | None = None
) -> Bulletin:
    """Keep the day's bulletin of ``area`` as edited (one per area and day); audited.
    Refused before the day's roll-up: there is no text to edit (the page offers none),
    and a bulletin kept then would speak of figures nobody has seen."""
    if not DailyFigure.objects.filter(area=area, day=day).exists():
        raise ReportError("该日尚未汇总，不能保存通报；请汇总后按当日数字生成再修改保存")
    bulletin, _ = Bulletin.objects.update_or_create(
        area=area, day=day, defaults={"text": text, "updated_by": by}
    )
    audit.record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=by,
        obj=area,
        detail=f"保存{day.isoformat()}通报",
    )
    return bulletin


@transaction.atomic
def save_bulletin_template(
    *, area: Area, text: str, by: Any, request: HttpRequest | None = None
) -> BulletinTemplate:
    """Keep ``area``'s bulletin template (its own, or the default's replacement); audited."""
    template, _ = BulletinTemplate.objects.update_or_create(
        area=area, defaults={"text": text, "updated_by": by}
    )
    audit.record(
        action=AuditEvent.Action.UPDATE, request=request, user=by, obj=area, detail="修改通报模板"
    )
    return template


@transaction.atomic
def send_reminders(*, now: datetime | None = None) -> int:
    """Leave a reminder for every community that has not reported the last closed
    day (from its first day on): "due" up to the deadline, "overdue" once a report
    would be late (``days.is_late``: the deadline instant itself is on time).
    Running it again adds nothing (one reminder per community, day and kind)."""
    now = now or timezone.now()
    day = days.last_closed_day(now)
    due = days.deadline(day)
    kind = Reminder.Kind.OVERDUE if days.is_late(day, now) else Reminder.Kind.DUE
    label = f"{day.month}月{day.day}日"
    local_due = timezone.localtime(due, days.local_zone())
    # A deadline past midnight (a late cutoff, a long grace) is named with its date.
    same_day = local_due.date() == timezone.localtime(now, days.local_zone()).date()
    until = (
        f"{local_due:%H:%M}"
        if same_day
        else f"{local_due.month}月{local_due.day}日{local_due:%H:%M}"
    )
    message = (
        f"{label}日报尚未上报，请于{until}前提交（没有新情况可一键零报告）"
        if kind == Reminder.Kind.DUE
        else f"{label}日报已逾期未报，请尽快补报"
    )
    submitted = set(
        DailyReport.objects.for_day(day).submitted().values_list("community_id", flat=True)
    )
    reminded = set(
        Reminder.objects.filter(day=day, kind=kind).values_list("community_id", flat=True)
    )
    new = [
        Reminder(community_id=pk, day=day, kind=kind, message=message, created_at=now)
        for pk in Area.objects.communities()
        .filter(days.expected_on(day))
        .values_list("pk", flat=True)
        if pk not in submitted and pk not in reminded
    ]
    Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)
