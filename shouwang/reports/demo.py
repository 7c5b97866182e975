"""Demo: a week of daily reports, most on time, some zero reports, a late one, one
amendment, and communities still missing on the latest day; then the roll-up of
those days and of today, so the HQ pages and the dashboard have figures.

Runs after the ledger, checkpoints and key-person demos (INSTALLED_APPS order), so
the system's counts include their rows. Idempotent: submitted reports are left as
they are, and the roll-up rewrites the same rows.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core.demo import DemoContext

from . import actions, days
from .models import ReportRevision
from .rollup import auto_values, rollup

DAYS = 7


def _values(report, rng) -> dict[str, int]:
    auto = auto_values(report.community, report.day)
    values = {}
    for definition in actions.editable():
        if definition.manual:
            values[definition.code] = 1 if rng.random() < 0.04 else 0
        else:
            values[definition.code] = int(auto.get(definition.code) or 0)
    return values


def build(ctx: DemoContext) -> None:
    if ctx.subdistrict is None:
        return
    communities = list(Area.objects.within(ctx.subdistrict).communities().order_by("path"))
    staff = {0: ctx.users.get("staff_a"), 1: ctx.users.get("staff_b")}
    now = timezone.now()
    latest = days.last_closed_day(now)
    rng = ctx.rng
    submitted = 0
    for back in range(DAYS - 1, -1, -1):
        day = latest - timedelta(days=back)
        due = days.deadline(day)
        for i, community in enumerate(communities):
            if back == 0 and i % 4 == 3:
                continue  # still missing today: HQ sees who to chase
            if not days.is_expected(community, day):
                continue  # a demo built before areas were backdated, or a new community
            report = actions.report_for(community=community, day=day)
            if report.is_submitted:
                continue
            late = (i + back) % 9 == 5
            when = due + timedelta(minutes=rng.randint(10, 90) if late else -rng.randint(5, 55))
            when = min(when, now)  # run before the deadline: submitted no later than now
            by = staff.get(i)
            try:
                actions.zero_report(report=report, by=by, now=when)
            except actions.ReportError:
                actions.submit_report(
                    report=report, values=_values(report, rng), reasons={}, by=by, now=when
                )
            submitted += 1
    _amend_one(communities, latest, staff.get(0))
    for back in range(DAYS - 1, -2, -1):
        rollup(latest - timedelta(days=back))
    ctx.log(f"日报：{DAYS} 天，新上报 {submitted} 份；已汇总至今日")


def _amend_one(communities: list[Area], latest, by) -> None:
    """One amendment on the day before, to show the history (once): a person with
    fever found on a home visit, whom no checkpoint had recorded."""
    day = latest - timedelta(days=1)
    if not communities or by is None or not days.is_expected(communities[0], day):
        return
    report = actions.report_for(community=communities[0], day=day)
    if not report.is_submitted or report.revisions.filter(kind=ReportRevision.Kind.AMEND).exists():
        return
    lines = {line.code: line for line in actions.lines(report)}
    fevers = lines.get("fevers")
    if fevers is None:
        return
    values = {code: line.value for code, line in lines.items()}
    values["fevers"] = (fevers.value or 0) + 1
    reasons = {code: line.reason for code, line in lines.items()}
    reasons["fevers"] = "入户排查发现，卡点未登记"
    actions.amend_report(
        report=report,
        values=values,
        reasons=reasons,
        reason="漏报：补报一名入户排查发现的发热人员",
        by=by,
    )
