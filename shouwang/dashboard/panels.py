"""What the HQ dashboard shows, read from the pre-aggregated figures.

A fixed number of queries whatever the size of the jurisdiction: the indicator
catalogue, the area's figures of the last 14 days, its children's figures of the latest
day rolled up (today's, or before today's first roll-up the latest before it — one more
query when none of the 14 days is rolled up) and of the last closed report day, and the
latest alerts with the open-alert count.

The roll-up stores figures for communities and the levels above them. A user bound to
a compound or a building (or anyone looking at one) sees their subtree's figures
computed when asked (``rollup.subtree_figures``: the indicators' own queries, over
the subtree only): today's and its buildings' at each refresh, the closed days' of
the trend kept in the cache for a while (``reports.live``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from shouwang.areas.models import Area
from shouwang.core.text import day_label
from shouwang.reports import catalog, days, live
from shouwang.reports.models import DailyFigure, IndicatorDefinition
from shouwang.reports.tables import has_own, own_cells, show
from shouwang.supplies import figures as supply_figures
from shouwang.watch.models import Alert

TREND_DAYS = 14
ALERTS = 10
LOW_STOCK_SHOWN = 5
#: the indicators the wall screen's 下级明细 table has room for
WALL_COLUMNS = 8


@dataclass
class Card:
    definition: IndicatorDefinition
    value: Any
    previous: Any

    @property
    def shown(self) -> str:
        return show(self.value)

    @property
    def comparison(self) -> str:
        """Beside today's figure: a level (in observation, on hand) against yesterday's
        (较昨日 +3); a count of the day (checked, turned back) only beside yesterday's
        whole day (昨日 1,234), since today's is still counting. A figure the
        communities type in has none today (reported after the cutoff): yesterday's."""
        if not isinstance(self.previous, int):
            return ""
        if self.value is None:
            return f"昨日 {self.previous:,}"
        if not isinstance(self.value, int):
            return ""
        if self.definition.is_flow:
            return f"昨日 {self.previous:,}"
        delta = self.value - self.previous
        return "较昨日 " + (f"+{delta:,}" if delta > 0 else f"{delta:,}" if delta else "持平")


@dataclass
class ChildRow:
    """A child's figures of today beside its reports of the last closed day
    (``submitted`` of ``communities``; None: that day not rolled up for it yet)."""

    area: Area
    values: list[Any]
    submitted: int | None
    communities: int | None
    #: the area's own figures (its road checkpoints, its warehouse: in no community)
    own: bool = False

    @property
    def missing(self) -> int:
        if self.submitted is None or self.communities is None:
            return 0
        return self.communities - self.submitted

    @property
    def not_started(self) -> bool:
        """None of its communities reports that day (created since): 未开始上报."""
        return not self.own and self.communities == 0

    @property
    def cells(self) -> list[str]:
        return [show(v) for v in self.values]

    @property
    def wall_cells(self) -> list[str]:
        return self.cells[:WALL_COLUMNS]


@dataclass
class Snapshot:
    area: Area
    today: date
    closed: date
    definitions: list[IndicatorDefinition]
    figure: DailyFigure | None
    closed_figure: DailyFigure | None
    cards: list[Card]
    children: list[ChildRow]
    alerts: list[Alert]
    open_alerts: int
    chart: dict[str, Any] = field(default_factory=dict)
    #: the day of the children's figures: today, or before today's first roll-up the
    #: latest day rolled up, however old (None: none at all)
    children_day: date | None = None
    #: figures computed now for a compound's or a building's subtree (no daily report
    #: applies below a community), not read from the roll-up's rows
    live: bool = False

    @property
    def not_started(self) -> bool:
        """No community under the area reports the last closed day (created since):
        未开始上报, not 已报 0/0."""
        return self.closed_figure is not None and self.closed_figure.communities == 0

    @property
    def wall_definitions(self) -> list[IndicatorDefinition]:
        """The wall screen's columns: the first indicators, as many as fit."""
        return self.definitions[:WALL_COLUMNS]

    @property
    def wall_children(self) -> list[ChildRow]:
        """The rows of the wall screen's table: the area's own row only when it has
        a figure in the columns shown (its road checkpoints lie beyond them: it
        would be a row of zeros there)."""
        columns = self.wall_definitions
        return [
            row
            for row in self.children
            if not row.own or has_own(row.values[: len(columns)], columns)
        ]

    @property
    def as_of(self) -> str:
        """截至11月25日10时05分（当日统计进行中，11月25日15时截止）: today is not complete."""
        return days.as_of_label(self.today, self.figure.computed_at if self.figure else None)


def _live_figures(
    area: Area, span: list[date], *, definitions: list[IndicatorDefinition]
) -> tuple[dict[date, DailyFigure], list[DailyFigure]]:
    """The figures of a compound or a building over ``span``, and of its children on
    the last day of it (today)."""
    children = list(area.children.order_by("path"))
    mine, below = live.day_figures(area, span, definitions=definitions, children=children)
    return mine, [below[child.pk] for child in children]


def snapshot(user: Any, area: Area) -> Snapshot:
    today = days.open_day()
    closed = today - timedelta(days=1)
    span = [today - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]
    definitions = catalog.offered()
    is_live = live.is_live(area)
    if is_live:
        mine, below = _live_figures(area, span, definitions=definitions)
        children_day: date | None = today
    else:
        mine = {
            f.day: f
            for f in DailyFigure.objects.filter(area=area, day__gte=span[0], day__lte=today)
        }
        # The area and its children are rolled up together: the area's latest day is
        # theirs (today's, or in the minutes before its first roll-up an earlier one;
        # when none of the trend's days is rolled up, the latest one however old, by
        # the (area, day) index).
        children_day = max(mine, default=None) or (
            DailyFigure.objects.filter(area=area, day__lte=today)
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )
        wanted = Q(day=closed) | Q(day=children_day) if children_day else Q(day=closed)
        below = list(
            DailyFigure.objects.filter(wanted, area__parent=area)
            .select_related("area")
            .order_by("area__path")
        )
    alerts_qs = Alert.objects.visible_to(user).within(area)
    alerts = list(alerts_qs.select_related("area__parent").order_by("-raised_at", "-id")[:ALERTS])
    open_alerts = alerts_qs.open().count()

    figure, closed_figure = mine.get(today), mine.get(closed)
    cards = [
        Card(
            definition=d,
            value=d.value_in(figure.values) if figure else None,
            previous=d.value_in(closed_figure.values) if closed_figure else None,
        )
        for d in definitions
    ]
    closed_rows = {f.area_id: f for f in below if f.day == closed}
    # The reports are the closed day's (today's are due after its cutoff), counted
    # against the communities that report that day: not one created today.
    children = [
        ChildRow(
            area=f.area,
            values=[d.value_in(f.values) for d in definitions],
            submitted=reports.submitted if (reports := closed_rows.get(f.area_id)) else None,
            communities=reports.communities if reports else None,
        )
        for f in below
        if f.day == children_day
    ]
    # A sub-district's or district's own figures (in none of its communities), a
    # compound's (in none of its buildings); a community's ``auto`` is all of its
    # figures, not a part beside its children, and so is a building's.
    upper = bool(below) if is_live else area.kind != Area.Kind.COMMUNITY
    shown = mine.get(children_day) if children_day else None
    if upper and shown is not None and has_own(own := own_cells(shown, definitions), definitions):
        children.append(ChildRow(area=area, values=own, submitted=0, communities=0, own=True))
    hourly = figure.hourly if figure else {}
    labels = {d.code: d.label for d in definitions}
    start_hour = days.window(today).start.hour
    chart = {
        "days": [day_label(d) for d in span],
        "series": [
            {
                "code": d.code,
                "label": d.label,
                "unit": d.unit,
                "values": [d.value_in(mine[day].values) if day in mine else None for day in span],
            }
            for d in definitions
        ],
        "hours": [f"{(start_hour + h) % 24}时" for h in range(24)],
        "hourly": [
            {"label": labels[code], "values": values}
            for code, values in hourly.items()
            if code in labels
        ],
    }
    return Snapshot(
        area=area,
        today=today,
        closed=closed,
        definitions=definitions,
        figure=figure,
        closed_figure=closed_figure,
        cards=cards,
        children=children,
        alerts=alerts,
        open_alerts=open_alerts,
        chart=chart,
        live=is_live,
        children_day=children_day,
    )


@dataclass
class Supplies:
    """Days of supply (物资保障) in the area: each item over all its locations, and the
    locations whose stock of an item lasts fewer days than the item's alert days."""

    items: list[supply_figures.StockFigure]
    low: list[supply_figures.StockFigure]  # the shortest LOW_STOCK_SHOWN
    low_count: int


def supplies(user: Any, area: Area) -> Supplies | None:
    """For readers of supplies; three queries whatever the number of locations."""
    if not user.can("supplies.view"):
        return None
    items = supply_figures.stock_by_item(area)
    low = supply_figures.low_stock(area)
    return Supplies(items=items, low=low[:LOW_STOCK_SHOWN], low_count=len(low))
