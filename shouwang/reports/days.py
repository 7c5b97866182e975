"""The report day.

Day D's report covers the window [cutoff of D-1, cutoff of D) in local time, with the
cutoff configurable (``REPORT_CUTOFF``, e.g. "15:00" Asia/Shanghai): a check-in at
14:59:59 on 13 Feb counts for 13 Feb, one at 15:00:00 counts for 14 Feb. The report
of D can be submitted once D's cutoff has passed and is due ``REPORT_GRACE_MINUTES``
later; a submission after that is marked late.

A community reports from its first day on: the day in progress when it was created
(``first_day``). For the days before, it is not expected: not missing, not reminded,
and no report can be written for them (``expected_on``, ``is_expected``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from shouwang.core.text import day_label

if TYPE_CHECKING:
    from shouwang.areas.models import Area


@dataclass(frozen=True)
class Window:
    """One report day: ``start`` inclusive, ``end`` (the day's cutoff) exclusive."""

    day: date
    start: datetime
    end: datetime

    @property
    def is_open(self) -> bool:
        """The cutoff is still ahead: the state "at the cutoff" is the current state
        (nothing can have been created or closed after it yet)."""
        return self.end > timezone.now()

    def hour_starts(self) -> list[datetime]:
        """The 24 hourly buckets of the window (the first starts at ``start``)."""
        return [self.start + timedelta(hours=h) for h in range(24)]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def cutoff_time() -> time:
    hours, _, minutes = settings.REPORT_CUTOFF.partition(":")
    return time(int(hours), int(minutes or 0))


def parse(text: str) -> date:
    """A report day from its ISO text; ValueError when it is not a date, or is the
    first day of the calendar (its window would start the day before)."""
    day = date.fromisoformat(text)
    if day == date.min:
        raise ValueError("a report day needs a day before it")
    return day


def day_before(day: date) -> date | None:
    """The report day before ``day``; None for the second day of the calendar (the
    first is no report day: ``parse``)."""
    before = day - timedelta(days=1)
    return before if before > date.min else None


def window(day: date) -> Window:
    zone, cut = local_zone(), cutoff_time()
    end = datetime.combine(day, cut, tzinfo=zone)
    start = datetime.combine(day - timedelta(days=1), cut, tzinfo=zone)
    return Window(day=day, start=start, end=end)


def day_of(moment: datetime) -> date:
    """The report day a moment belongs to."""
    local = moment.astimezone(local_zone())
    if local.time() < cutoff_time():
        return local.date()
    return local.date() + timedelta(days=1)


def first_day(community: Area) -> date:
    """The first day a community reports: the day in progress when it was created
    (created before the cutoff: that day; after it: the next)."""
    return day_of(community.created_at)


def is_expected(community: Area, day: date) -> bool:
    """Whether the community reports ``day`` (``day`` is not before its first day)."""
    return first_day(community) <= day


def expected_on(day: date, *, prefix: str = "") -> Q:
    """The condition of ``is_expected`` in SQL: the community was created before
    ``day``'s cutoff, which is ``first_day(community) <= day`` (the day of a moment is
    the one whose window holds it, and the windows follow each other). ``prefix``
    reaches the community from another row (``"community__"`` for a report)."""
    return Q(**{f"{prefix}created_at__lt": window(day).end})


def open_day(now: datetime | None = None) -> date:
    """The day in progress (its cutoff is still ahead)."""
    return day_of(now or timezone.now())


def last_closed_day(now: datetime | None = None) -> date:
    """The latest day whose cutoff has passed: the one communities report now."""
    return open_day(now) - timedelta(days=1)


def is_scheduled(day: date, now: datetime | None = None) -> bool:
    """Whether the scheduled roll-up computes ``day`` when it has no figures yet: the
    day in progress and the day just closed (``rollup.due_days``); an older day is
    rolled up only when asked (重新汇总, ``report_rollup --day``)."""
    return day >= last_closed_day(now)


def deadline(day: date) -> datetime:
    return window(day).end + timedelta(minutes=settings.REPORT_GRACE_MINUTES)


def is_late(day: date, now: datetime | None = None) -> bool:
    """Whether a report of ``day`` submitted at ``now`` is 迟报 (past its deadline)."""
    return (now or timezone.now()) > deadline(day)


def is_closed(day: date, now: datetime | None = None) -> bool:
    return day <= last_closed_day(now)


def cutoff_label(day: date) -> str:
    """ "2月13日15时" (or "15时30分" when the cutoff is not on the hour)."""
    cut = cutoff_time()
    return _label(day, cut.hour, cut.minute)


def moment_label(moment: datetime) -> str:
    """ "2月13日10时05分" in local time: what figures of a day in progress are as of."""
    local = moment.astimezone(local_zone())
    return _label(local.date(), local.hour, local.minute)


def as_of_label(day: date, computed_at: datetime | None, now: datetime | None = None) -> str:
    """What the figures of ``day`` are as of, in the pages' words. A closed day:
    统计截至2月13日15时（已截止）. The day in progress is not complete, so it is dated at
    its figures' time and says so: 截至2月13日10时05分（当日统计进行中，2月13日15时截止）
    (尚未汇总 before its first roll-up)."""
    if is_closed(day, now):
        return f"统计截至{cutoff_label(day)}（已截止）"
    counting = f"当日统计进行中，{cutoff_label(day)}截止"
    if computed_at is None:
        return f"今日尚未汇总（{counting}）"
    return f"截至{moment_label(computed_at)}（{counting}）"


def _label(day: date, hour: int, minute: int) -> str:
    clock = f"{hour}时" + (f"{minute:02d}分" if minute else "")
    return f"{day_label(day)}{clock}"
