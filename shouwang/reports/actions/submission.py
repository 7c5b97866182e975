"""A community's daily report: draft, submit, zero-report, amend."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area

from .. import days
from ..models import DailyReport, IndicatorDefinition, ReportRevision
from ..rollup import apply_report, auto_values
from .figures import (
    CountsMoved,
    Line,
    Moved,
    ReportError,
    check_expected,
    check_values,
    editable,
    follow_counts,
    follows_count,
    lines,
    locked,
    report_for,
    store_values,
)

#: The note of a zero report; an amendment that ends it being one replaces it.
ZERO_NOTE = "无新增情况（零报告）"


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
    report = locked(report_for(community=community, day=day))
    if report.is_submitted:
        raise ReportError("该日报已上报并锁定；如需修改请使用“更正”")
    definitions = editable()
    auto = auto_values(report.community, report.day)
    values, moved = follow_counts(definitions, auto, values, reasons, shown or {})
    errors = check_values(definitions, auto, values, reasons)
    if errors:
        raise ReportError("；".join(errors.values()))
    store_values(report, definitions, auto, values, reasons)
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
    held: list[Moved] | None = None,
    held_message: str | None = None,
) -> DailyReport:
    """``held``: figures the caller found moved since the page showed them, refused
    with those ``shown`` moved once the report is known to be one that can be
    submitted (saying ``held_message`` when given)."""
    now = now or timezone.now()
    report = locked(report)
    check_expected(community=report.community, day=report.day)
    if report.is_submitted:
        raise ReportError("该日报已上报，不能重复上报；如需修改请使用“更正”")
    if not days.is_closed(report.day, now):
        raise ReportError(f"{days.cutoff_label(report.day)}统计截止后才能上报该日日报")
    definitions = editable()
    auto = auto_values(report.community, report.day)
    values, moved = follow_counts(definitions, auto, values, reasons, shown or {})
    if held or moved:
        raise CountsMoved([*(held or []), *moved], message=held_message)
    errors = check_values(definitions, auto, values, reasons)
    if errors:
        raise ReportError("；".join(errors.values()))
    store_values(report, definitions, auto, values, reasons)
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
    system's counts the page showed; a figure left at one that moved since refuses
    the submission (``CountsMoved``), nothing written: the user sees the new count
    before the report is locked."""
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
        and not follows_count(report, value, None if d.manual else auto.get(d.code))
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


def zero_values(shown: list[Line]) -> dict[str, int]:
    """The figures a zero report of these lines submits: the incident figures 0, the
    others as the lines give them (a figure with nothing to give: 0)."""
    return {
        line.code: 0 if line.definition.incident or line.value is None else line.value
        for line in shown
    }


def standing_figures(shown: list[Line]) -> list[tuple[Line, int]]:
    """The figures a zero report of these lines submits other than the incident
    ones (which are 0): what the page shows beside its button and sends back."""
    values = zero_values(shown)
    return [(line, values[line.code]) for line in shown if not line.definition.incident]


FIGURES_NOT_SENT = (
    "零报告未上报：没有收到页面上列出的零报告数字（页面可能已过期）。"
    "请核对下方“零报告将上报”的数字后，再点“无新情况，一键零报告”。"
)


@transaction.atomic
def zero_report(
    *,
    report: DailyReport,
    by: Any,
    now: datetime | None = None,
    request: HttpRequest | None = None,
    seen: dict[str, int | None] | None = None,
) -> DailyReport:
    """One click: nothing new happened. Refused when any incident figure (new key
    persons, fevers, cases …) is not 0, in the system's counts or in the saved draft —
    a count the draft corrected to 0 with its reason (a false alarm) is 0, the
    correction and its reason kept in the report and its history.
    Only the incident figures are zeroed: the standing ones (已登记户数, 开放卡点,
    口罩库存 …) and the other figures stay as the draft gives them (a correction with
    its reason, a figure typed in), else the system's count (manual point-in-time
    figures as last reported); the draft's note is kept. ``seen``: the standing
    figures the page showed (``standing_figures``); one that is not what would be
    submitted now (a count moved, a draft saved by a colleague, an indicator added)
    refuses the zero report (``CountsMoved``), nothing written; none at all (an old
    page, a script) refuses it saying so (``FIGURES_NOT_SENT``). None: a zero report
    made without a page (the demo data)."""
    report = locked(report)
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
    values = zero_values(shown)
    held = [
        Moved(definition=line.definition, shown=seen.get(line.code), counted=value)
        for line, value in standing_figures(shown)
        if seen is not None and seen.get(line.code) != value
    ]
    return _submit(
        report,
        values=values,
        reasons={line.code: line.reason for line in shown},
        note=report.note or ZERO_NOTE,
        by=by,
        zero=True,
        now=now,
        request=request,
        held=held,
        held_message=FIGURES_NOT_SENT if seen == {} else None,
    )


def amendment_reasons(
    reasons: dict[str, str], changed: Iterable[str], reason: str, before: dict[str, str]
) -> dict[str, str]:
    """The figures' reasons of an amendment: a changed figure given no reason of its
    own takes the amendment's 更正原因 (kept per figure, in the revision and audit).
    The reason it had before (``before``), left as it was in its field, is none of
    its own: it explained the old figure."""
    overall = reason.strip()
    return {
        **reasons,
        **{
            code: overall
            for code in changed
            if reasons.get(code, "").strip() in ("", before.get(code, "").strip())
        },
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
    report = locked(report)
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
    before = {code: v.reason for code, v in saved.items()}
    reasons = amendment_reasons(reasons, changed, reason, before)
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
    store_values(report, definitions, auto, values, reasons)
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
