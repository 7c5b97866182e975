"""Reads of the pre-aggregated figures for HQ pages (a fixed number of queries each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shouwang.areas.models import Area

from . import catalog, days, live
from .models import DailyFigure, DailyReport, IndicatorDefinition, ReportValue
from .rollup import subtree_figures

ROLLED_KINDS = [Area.Kind.DISTRICT, Area.Kind.SUBDISTRICT, Area.Kind.COMMUNITY]
UPPER_KINDS = [Area.Kind.DISTRICT, Area.Kind.SUBDISTRICT]


def show(value: Any) -> str:
    """A figure on a page: — for none, ratios to one decimal, counts grouped by three
    (178,260), as the supplies pages show theirs; spreadsheets get the raw numbers."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def figure_cells(
    figure: DailyFigure | None, definitions: Sequence[IndicatorDefinition]
) -> list[Any]:
    if figure is None:
        return [None for _ in definitions]
    return [d.value_in(figure.values) for d in definitions]


def own_cells(figure: DailyFigure, definitions: Sequence[IndicatorDefinition]) -> list[Any]:
    """A sub-district's or district's own figures: what it counted in none of its
    communities (the roll-up keeps them in its ``auto``), 0 where it counted nothing;
    None only where it has no figure (one the communities type in, a rate with no
    应登记户数 of its own)."""
    own = figure.auto or {}
    return [d.value_in(own) for d in definitions]


def has_own(cells: Sequence[Any], definitions: Sequence[IndicatorDefinition]) -> bool:
    """Whether ``own_cells`` hold anything: a count other than 0 (a rate alone is
    none). A row of the area's own figures is shown only then."""
    return any(value for value, d in zip(cells, definitions, strict=True) if not d.ratio)


NOT_STARTED = "未开始上报"
NOT_ROLLED_UP = "该日尚未汇总"
IN_PROGRESS = "统计中"
#: The overview names at most this many communities that have not reported.
MISSING_LISTED = 200


def report_status(report: DailyReport | None, *, expected: bool, in_progress: bool = False) -> str:
    """A community's report status of a day: 未开始上报 before its first day, 统计中
    while the day runs (it can be reported only after its cutoff)."""
    if not expected:
        return NOT_STARTED
    if in_progress:
        return IN_PROGRESS
    return report.status_label if report is not None else "未报"


@dataclass
class TableRow:
    area: Area
    figure: DailyFigure | None
    report: DailyReport | None
    cells: list[str]
    #: the row of the area's own figures (in none of its children)
    own: bool = False
    #: a community's row: whether it reports the day (not before its first day)
    expected: bool = True
    #: the day in progress: nobody can have reported it yet
    in_progress: bool = False
    #: a compound's or a building's row: no report of its own (its community reports)
    live: bool = False

    @property
    def status(self) -> str:
        if self.own:
            return "直属"
        if self.live:
            return "—"
        if self.area.kind != Area.Kind.COMMUNITY:
            if self.in_progress:
                return IN_PROGRESS
            if self.figure is None:
                return "未汇总"
            return f"{self.figure.submitted}/{self.figure.communities}"
        return report_status(self.report, expected=self.expected, in_progress=self.in_progress)

    @property
    def status_class(self) -> str:
        if self.in_progress or self.live:
            return ""
        if self.area.kind != Area.Kind.COMMUNITY:
            return "green" if self.figure and not self.figure.missing else "yellow"
        if not self.expected:
            return ""
        if self.report is None or not self.report.is_submitted:
            return "red"
        return "yellow" if self.report.late else "green"


@dataclass
class DayTable:
    definitions: list[IndicatorDefinition]
    #: the indicators offered; the others in ``definitions`` are retired since the
    #: day's reports carried them (headed （已停用）, no trend)
    offered: list[IndicatorDefinition]
    total: DailyFigure | None
    total_cells: list[str]
    rows: list[TableRow]
    missing: list[str]
    #: the day in progress: figures as counted so far, no report due yet
    in_progress: bool = False
    #: an area below the communities: the system's figures computed now, no report
    live: bool = False
    #: for such an area, the community whose daily report covers it
    community: Area | None = None
    #: one row, the area itself (a community, a building): no total row below it
    single: bool = False


def day_definitions(
    area: Area, day: date
) -> tuple[list[IndicatorDefinition], list[IndicatorDefinition]]:
    """The columns of ``area``'s day: the indicators offered, and those retired since
    that the day's submitted reports under it carried (``catalog.offered_or_carried``);
    then the offered ones, to tell the retired apart."""
    carried = (
        ReportValue.objects.filter(
            report__day=day,
            report__status=DailyReport.Status.SUBMITTED,
            report__community__path__startswith=area.path,
        )
        .values_list("code", flat=True)
        .distinct()
    )
    catalogue = catalog.all_definitions()
    return catalog.offered_or_carried(set(carried), catalogue), catalog.offered(catalogue)


def day_table(area: Area, day: date) -> DayTable:
    """The area's figures of ``day`` with one row per child (or the community alone).
    For the day in progress no community is missing: it reports after the cutoff.
    Below the communities, the subtree's figures computed now (``live_day_table``)."""
    if live.is_live(area):
        return live_day_table(area, day)
    definitions, offered = day_definitions(area, day)
    in_progress = not days.is_closed(day)
    children = list(Area.objects.filter(parent=area, kind__in=ROLLED_KINDS))
    figures = {
        f.area_id: f
        for f in DailyFigure.objects.filter(
            day=day, area_id__in=[area.pk] + [c.pk for c in children]
        )
    }
    communities = [c.pk for c in children if c.kind == Area.Kind.COMMUNITY]
    if area.kind == Area.Kind.COMMUNITY:
        communities.append(area.pk)
    reports = {
        r.community_id: r for r in DailyReport.objects.filter(day=day, community_id__in=communities)
    }
    total = figures.get(area.pk)
    single = False
    rows = [
        TableRow(
            area=child,
            figure=figures.get(child.pk),
            report=reports.get(child.pk),
            cells=[show(v) for v in figure_cells(figures.get(child.pk), definitions)],
            expected=child.kind != Area.Kind.COMMUNITY or days.is_expected(child, day),
            in_progress=in_progress,
        )
        for child in children
    ]
    if area.kind == Area.Kind.COMMUNITY:
        rows = [
            TableRow(
                area=area,
                figure=total,
                report=reports.get(area.pk),
                cells=[],
                expected=days.is_expected(area, day),
                in_progress=in_progress,
            )
        ]
        rows[0].cells = [show(v) for v in figure_cells(total, definitions)]
        single = True
    elif total is not None and has_own(own := own_cells(total, definitions), definitions):
        # What lies in none of the children (its own road checkpoints, its warehouse):
        # a row of its own, so the rows add up to the total.
        cells = [show(v) for v in own]
        rows.append(TableRow(area=area, figure=None, report=None, cells=cells, own=True))
    missing: list[str] = []
    if total is not None and total.missing and not in_progress:
        missing = list(
            DailyFigure.objects.filter(day=day, area__path__startswith=area.path)
            .missing()
            .order_by("area__path")
            .values_list("area__name", flat=True)[:MISSING_LISTED]
        )
    return DayTable(
        definitions=definitions,
        total=total,
        total_cells=[show(v) for v in figure_cells(total, definitions)],
        rows=rows,
        missing=missing,
        in_progress=in_progress,
        single=single,
        offered=offered,
    )


def live_day_table(area: Area, day: date) -> DayTable:
    """A compound's or a building's figures of ``day`` as the system counts them, with
    a row per child and one for what lies in none of them: no daily report applies
    below a community (its community's covers it, outside the area), so no status,
    no missing list, and a community's typed-in indicators show —."""
    definitions = catalog.offered()
    children = list(area.children.order_by("path"))
    figures = subtree_figures(area, day, children=children)
    total = figures[area.pk]
    rows = [
        TableRow(
            area=child,
            figure=figures[child.pk],
            report=None,
            cells=[show(v) for v in figure_cells(figures[child.pk], definitions)],
            live=True,
        )
        for child in children
    ]
    total_cells = [show(v) for v in figure_cells(total, definitions)]
    if not children:  # a building: its own row
        rows = [TableRow(area=area, figure=total, report=None, cells=total_cells, live=True)]
    elif has_own(own := own_cells(total, definitions), definitions):
        cells = [show(v) for v in own]
        rows.append(TableRow(area=area, figure=None, report=None, cells=cells, own=True))
    return DayTable(
        definitions=definitions,
        total=total,
        total_cells=total_cells,
        rows=rows,
        missing=[],
        in_progress=not days.is_closed(day),
        live=True,
        community=live.reporting_community(area),
        single=not children,
        offered=definitions,
    )


@dataclass(frozen=True)
class Point:
    day: date
    value: Any
    total: Any


def trend_series(
    area: Area, definition: IndicatorDefinition, start: date, end: date
) -> list[Point]:
    """One point per day from ``start`` to ``end``; ``total`` is the running total of a
    flow since the first figure (None for point-in-time figures, and for a flow before
    anyone gave it). Below the
    communities the figures are computed (``live.day_figures``) for the days shown
    only, and the running total starts at ``start``."""
    if live.is_live(area):
        definitions = catalog.offered()
        span = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        figures, _ = live.day_figures(area, span, definitions=definitions)
        found = {day: figure.values for day, figure in figures.items()}
    else:
        found = dict(
            DailyFigure.objects.filter(area=area, day__lte=end)
            .order_by("day")
            .values_list("day", "values")
        )
    # A figure nobody gave yet (a manual one) has no running total: —, as in the bulletin.
    earlier = [
        values[definition.code]
        for day, values in found.items()
        if day < start and values.get(definition.code) is not None
    ]
    running = sum(earlier) if earlier else None
    points = []
    day = start
    while day <= end:
        values = found.get(day)
        value = definition.value_in(values)
        if definition.is_flow and definition.ratio is None:
            if value is not None:
                running = (running or 0) + value
            total = running if values is not None else None
        else:
            total = None
        points.append(Point(day=day, value=value, total=total))
        day += timedelta(days=1)
    return points


def day_sheet(area: Area, day: date) -> tuple[list[str], list[list[Any]], list[int]]:
    """The day's spreadsheet in a fixed layout: one row per community under ``area``
    (in tree order) with its submitted report's 情况说明 last, then the total row;
    headers and column widths. The day in progress has no report status yet: 统计中.
    A past day keeps the columns of the indicators its reports carried, retired since
    or not (headed （已停用）)."""
    definitions, on = day_definitions(area, day)
    # Every community, rolled up or not (a day not rolled up yet still lists who has
    # not reported; its figures are blank).
    communities = list(
        Area.objects.communities()
        .filter(path__startswith=area.path)
        .select_related("parent")
        .order_by("path")
    )
    figures = {
        f.area_id: f
        for f in DailyFigure.objects.filter(
            day=day, area__kind=Area.Kind.COMMUNITY, area__path__startswith=area.path
        )
    }
    reports = {
        r.community_id: r
        for r in DailyReport.objects.filter(day=day, community__path__startswith=area.path)
    }
    total = DailyFigure.objects.filter(day=day, area=area).first()
    in_progress = not days.is_closed(day)
    headers = ["序号", "街道/乡镇", "社区/村", "上报状态", "上报时间"]
    headers += [d.heading if d in on else f"{d.heading}（已停用）" for d in definitions]
    headers.append("情况说明")
    rows: list[list[Any]] = []
    for n, community in enumerate(communities, start=1):
        found = reports.get(community.pk)
        rows.append(
            [
                n,
                community.parent.name if community.parent else "",
                community.name,
                report_status(
                    found, expected=days.is_expected(community, day), in_progress=in_progress
                ),
                found.submitted_at if found and found.submitted_at else "",
                *figure_cells(figures.get(community.pk), definitions),
                found.note if found and found.is_submitted else "",
            ]
        )
    # Figures in no community (a sub-district's own road checkpoints, its warehouse):
    # a row for each area that has some, so the rows add up to the total.
    uppers = DailyFigure.objects.filter(
        day=day, area__kind__in=UPPER_KINDS, area__path__startswith=area.path
    ).select_related("area")
    for figure in uppers.order_by("area__path"):
        own = own_cells(figure, definitions)
        if has_own(own, definitions):
            # 街道/乡镇: a sub-district's own row is its own (a district's has none)
            street = figure.area.name if figure.area.kind == Area.Kind.SUBDISTRICT else ""
            rows.append(["", street, f"{figure.area.name}直属", "—", "", *own])
    if total is not None:
        rows.append(
            [
                "合计",
                area.name,
                f"{total.communities}个社区",
                IN_PROGRESS if in_progress else f"已报{total.submitted}、未报{total.missing}",
                "",
                *figure_cells(total, definitions),
            ]
        )
    else:  # the day not rolled up yet for the area: no total to give
        expected = sum(days.is_expected(c, day) for c in communities)
        rows.append(["合计", area.name, f"{expected}个社区", NOT_ROLLED_UP, ""])
    return headers, rows, [6, 14, 14, 12, 18] + [12] * len(definitions) + [40]
