"""Lists and counts for the community and HQ, each exportable to Excel."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent, User
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.text import day_label
from shouwang.core.xlsx import workbook_bytes, xlsx_response
from shouwang.reports import days as report_days

from .. import figures, schedule
from ..models import UNASSIGNED, Category
from .records import communities_for, records_for

# Rows of each list (new, released, overdue today) shown on the page; the export has all.
LIST_ROWS = 50


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    more: int = 0  # rows left out of the page (in the export)


def _community_of(path: str, communities: dict[str, object]):
    from shouwang.areas.models import SEGMENT

    for end in range(len(path), 0, -SEGMENT):
        found = communities.get(path[:end])
        if found is not None:
            return found
    return None


def _total_row(table: Table) -> list:
    """合计 of a table whose first column names the row and the others are counts."""
    sums = [0] * (len(table.headers) - 1)
    for row in table.rows:
        sums = [a + b for a, b in zip(sums, row[1:], strict=True)]
    return ["合计", *sums]


def build_tables(
    request: AuthedRequest, day: figures.Today | None, *, limit: int | None = None
) -> dict[str, Table]:
    """The counts page's tables from ``day`` (``figures.today`` of the user's area),
    computed once for the page and for its exports; the lists keep their first
    ``limit`` rows (all when None). A fixed number of queries: model instances only
    for the rows listed."""
    user = request.user
    now = day.now if day is not None else timezone.now()
    start, end = schedule.day_window(schedule.local_day(now))
    communities = {c.path: c for c in communities_for(user)}
    categories = list(Category.objects.all())
    active = {r.pk for r in day.active} if day is not None else set()
    owing = day.owing if day is not None else []
    progress_of = day.progress() if day is not None else {}

    # 在管 counts the records under control; due, done and overdue also the slots owed
    # today by records ended since, overdue exactly as the day's figure (the card).
    by_category: dict[object, Counter] = defaultdict(Counter)
    by_community_progress: dict[object, schedule.Progress] = defaultdict(schedule.Progress)
    by_worker_id: dict[int | None, list] = defaultdict(lambda: [0, schedule.Progress()])
    for record in owing:
        community = _community_of(record.area_path, communities)
        under_control = record.pk in active
        if under_control:
            by_category[community][record.category_id] += 1
        progress = progress_of[record.pk]
        by_community_progress[community].add(progress)
        worker = by_worker_id[record.responsible_id]
        worker[0] += int(under_control)
        worker[1].add(progress)
    users = User.objects.in_bulk([pk for pk in by_worker_id if pk is not None])
    by_worker = {users[pk] if pk is not None else None: v for pk, v in by_worker_id.items()}

    ordered = sorted(communities.values(), key=lambda c: c.path)
    observation = Table(
        "在管人数（按社区、类别）",
        ["社区", *[c.name for c in categories], "合计"],
    )
    for community in ordered:
        counts = by_category.get(community, Counter())
        observation.rows.append(
            [community.name, *[counts[c.pk] for c in categories], sum(counts.values())]
        )
    totals = Counter()
    for counts in by_category.values():
        totals.update(counts)
    observation.rows.append(["合计", *[totals[c.pk] for c in categories], sum(totals.values())])

    def listing(title: str, qs, when: str, total: int) -> Table:
        table = Table(title, ["姓名", "证件号码（脱敏）", "类别", "社区", "住址", when, "来源"])
        records = list(qs if limit is None else qs[:limit])
        table.more = total - len(records)
        for r in records:
            community = _community_of(r.area.path, communities)
            moment = r.created_at if when == "登记时间" else r.ended_at
            table.rows.append(
                [
                    r.person.name,
                    r.person.document_masked,
                    r.category.name,
                    community.name if community else "",
                    r.address,
                    timezone.localtime(moment).strftime("%H:%M") if moment else "",
                    r.get_source_display(),
                ]
            )
        return table

    # The day's figures count the same records (``new_between``, ``released_between``).
    new_today = listing(
        "今日新增",
        records_for(user).new_between(start, end).order_by("created_at"),
        "登记时间",
        day.figures.new if day is not None else 0,
    )
    released_today = listing(
        "今日解除",
        records_for(user).released_between(start, end).order_by("ended_at"),
        "解除时间",
        day.figures.released if day is not None else 0,
    )

    due = Table("今日随访（按社区）", ["社区", "在管人数", "应随访次数", "已随访", "逾期"])
    for community in ordered:
        p = by_community_progress.get(community, schedule.Progress())
        due.rows.append(
            [
                community.name,
                sum(by_category.get(community, Counter()).values()),
                p.due,
                p.done,
                p.overdue,
            ]
        )

    due.rows.append(_total_row(due))

    workers = Table("按网格员", ["网格员", "在管人数", "今日应随访", "已随访", "逾期"])
    for worker, (count, p) in sorted(
        by_worker.items(), key=lambda item: (item[0] is None, str(item[0] or ""))
    ):
        workers.rows.append(
            [str(worker) if worker else UNASSIGNED, count, p.due, p.done, p.overdue]
        )
    workers.rows.append(_total_row(workers))

    missed = day.missed if day is not None else []
    overdue = Table(
        "今日逾期随访", ["姓名", "类别", "社区", "住址", "时段", "截止", "责任网格员", "状态"]
    )
    if limit is not None:
        overdue.more = max(len(missed) - limit, 0)
        missed = missed[:limit]
    by_id = records_for(user).in_bulk({d.key_person_id for d in missed})
    today = schedule.local_day(now)
    for d in missed:
        r = by_id.get(d.key_person_id)
        if r is None:  # moved out of reach since the day was read
            continue
        community = _community_of(r.area.path, communities)
        overdue.rows.append(
            [
                r.person.name,
                r.category.name,
                community.name if community else "",
                r.address,
                # Yesterday's slot to 24:00 is due at the midnight starting today.
                d.slot.label if d.day == today else f"{day_label(d.day)}{d.slot.label}",
                d.slot.deadline_text,
                r.responsible_label,
                r.get_status_display(),
            ]
        )
    return {
        "observation": observation,
        "new_today": new_today,
        "released_today": released_today,
        "due": due,
        "overdue": overdue,
        "workers": workers,
    }


@require_safe
@require_capability("watch.view")
def stats(request: AuthedRequest) -> HttpResponse:
    area = request.user.area
    day = figures.today(area) if area else None
    return render(
        request,
        "watch/stats.html",
        {
            "tables": build_tables(request, day, limit=LIST_ROWS),
            "figures": day.figures if day else None,
            "today": timezone.localdate(),
            "cutoff": report_days.cutoff_time(),
        },
    )


@require_safe
@require_capability("watch.export")
def stats_export(request: AuthedRequest, table: str) -> HttpResponse:
    area = request.user.area
    tables = build_tables(request, figures.today(area) if area else None)
    if table not in tables:
        raise Http404("没有这张表")
    chosen = tables[table]
    content = workbook_bytes(chosen.headers, chosen.rows, title=chosen.title[:31])
    audit.record(action=AuditEvent.Action.EXPORT, request=request, detail=f"导出{chosen.title}")
    return xlsx_response(f"{chosen.title}-{timezone.localdate():%Y%m%d}.xlsx", content)
