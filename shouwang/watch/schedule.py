"""Days and follow-up slots.

A day runs from midnight to midnight in the site's time zone (Asia/Shanghai); moments
are stored in UTC. A community's policy lists the slots of a day, each with an opening
and a deadline in local time (default 上午 06:00-12:00, 下午 14:00-20:00). A change of
the slots holds from the day it is made; earlier days keep the slots they had
(``PastSlots``, ``SlotHistory``).

A key person is *due* in a slot when the slot's day lies in the observation period
[start date, planned end), the record was registered before the slot's deadline, and
the record was under control at the deadline (not ended by then, nor in a spell out of
control that ended with control resumed: ``KeyPerson.pauses``). A due slot whose deadline has
passed with no follow-up is *overdue*. Everything here is computed on read; the
``watch_overdue`` job only records what it finds and raises the alerts.

The functions take records as ``KeyPerson`` instances (area loaded) or as the lighter
``ScheduleRow`` tuples of ``KeyPerson.objects.schedule_rows()``, which whole-jurisdiction
pages use: the arithmetic reads the same few attributes (``Scheduled``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError

from shouwang.core.text import half_width

from .models import DEFAULT_LOST_AFTER, DEFAULT_SLOTS, KeyPerson, KeyPersonEvent

if TYPE_CHECKING:
    from .models import ContactAttempt, ContactAttemptQuerySet, FollowUpQuerySet, WatchPolicy

SLOT_RE = re.compile(
    r"^(?P<label>[^\s\d]{1,8})\s*(?P<start>\d{1,2}:\d{2})\s*[-–—~至]\s*(?P<end>\d{1,2}:\d{2})$"
)
MAX_SLOTS = 6
ONE_DAY = timedelta(days=1)


@cache
def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=8192)
def at(day: date, moment: time) -> datetime:
    """``day`` at local ``moment`` (aware); cached, as pages ask for the same few."""
    return datetime.combine(day, moment, tzinfo=zone())


def day_start(day: date) -> datetime:
    """Local midnight starting ``day`` (an aware datetime)."""
    return datetime.combine(day, time.min, tzinfo=zone())


def day_window(day: date) -> tuple[datetime, datetime]:
    """[midnight, next midnight) of ``day`` in local time."""
    return day_start(day), day_start(day + timedelta(days=1))


def local_day(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def first_day_due_from(since: datetime) -> date:
    """The first local day whose slots may have a deadline at or after ``since``:
    the day before ``since``'s when it is a midnight, which ends that day's slot to
    24:00."""
    return local_day(since - timedelta(microseconds=1))


# A slot's deadline typed 24:00: the midnight that ends its day. A deadline is later
# than its opening, so it is never the midnight that starts the day, and ``Slot``
# keeps this one as ``time(0, 0)``.
MIDNIGHT = time(0, 0)
END_OF_DAY = "24:00"


@dataclass(frozen=True)
class Slot:
    number: int  # 1-based
    label: str
    opens: time
    deadline: time  # MIDNIGHT: 24:00, the end of the slot's day

    @property
    def ends_at_midnight(self) -> bool:
        return self.deadline == MIDNIGHT

    def opens_at(self, day: date) -> datetime:
        return at(day, self.opens)

    def deadline_at(self, day: date) -> datetime:
        if self.ends_at_midnight:
            return at(day + ONE_DAY, MIDNIGHT)
        return at(day, self.deadline)

    @property
    def deadline_text(self) -> str:
        """'12:00'; '24:00' for a slot that ends with its day."""
        return END_OF_DAY if self.ends_at_midnight else f"{self.deadline:%H:%M}"

    def __str__(self) -> str:
        return f"{self.label} {self.opens:%H:%M}-{self.deadline_text}"


def _minute_of_day(moment: time, *, deadline: bool = False) -> int:
    """Minutes since the day's start; a deadline at MIDNIGHT is the day's end (1440)."""
    if deadline and moment == MIDNIGHT:
        return 24 * 60
    return moment.hour * 60 + moment.minute


def _clock(text: str, *, number: int, part: str, deadline: bool) -> time:
    """'6:00' -> 06:00; '24:00' -> MIDNIGHT as a deadline (the end of the day), refused
    as an opening; ValidationError for a time that does not exist."""
    if text.zfill(5) == END_OF_DAY:
        if deadline:
            return MIDNIGHT
        raise ValidationError(
            f"第{number}个时段“{part}”的开始时间不能是 24:00，24:00 只能作截止时间"
        )
    try:
        return time.fromisoformat(text.zfill(5))
    except ValueError as exc:
        raise ValidationError(f"第{number}个时段“{part}”的时间不存在") from exc


def parse_slots(text: str, *, unique_labels: bool = True) -> list[Slot]:
    """Parse "上午 06:00-12:00；下午 14:00-20:00" (a deadline may be 24:00, the end of
    the day); raises ValidationError in Chinese. Slots come in order of time, do not
    overlap (one may open when the previous closes) and have different names — two
    slots named alike read the same on the phone page, in alerts and in reports.
    ``unique_labels=False`` reads a policy saved before names had to differ."""
    parts = [p.strip() for p in re.split(r"[;；,，\n]", text or "") if p.strip()]
    if not parts:
        raise ValidationError("请至少填写一个随访时段")
    if len(parts) > MAX_SLOTS:
        raise ValidationError(f"每天最多 {MAX_SLOTS} 个随访时段")
    slots: list[Slot] = []
    for number, part in enumerate(parts, start=1):
        match = SLOT_RE.match(half_width(part))  # ０６：００～１２：００ as typed
        if not match:
            raise ValidationError(f"第{number}个时段“{part}”格式不对，应为“名称 06:00-12:00”")
        opens = _clock(match["start"], number=number, part=part, deadline=False)
        typed_end = match["end"].zfill(5)
        deadline = _clock(match["end"], number=number, part=part, deadline=True)
        start_minute = _minute_of_day(opens)
        if typed_end == "00:00" or _minute_of_day(deadline, deadline=True) <= start_minute:
            raise ValidationError(
                f"第{number}个时段的截止时间应晚于开始时间（到当天结束请写 {END_OF_DAY}）"
            )
        label = match["label"]
        if unique_labels and any(s.label == label for s in slots):
            raise ValidationError(f"时段名称“{label}”重复，请为每个时段取不同的名称")
        if slots:
            previous = slots[-1]
            if start_minute < _minute_of_day(previous.opens):
                raise ValidationError(
                    f"第{number}个时段“{part}”早于上一个时段“{previous}”，请按时间先后填写"
                )
            if start_minute < _minute_of_day(previous.deadline, deadline=True):
                raise ValidationError(
                    f"第{number}个时段“{part}”与上一个时段“{previous}”重叠，"
                    f"请在 {previous.deadline_text} 之后开始"
                )
        slots.append(Slot(number, label, opens, deadline))
    return slots


def format_slots(slots: Iterable[Slot]) -> str:
    return "；".join(str(s) for s in slots)


DEFAULT = parse_slots(DEFAULT_SLOTS)


class Scheduled(Protocol):
    """What slot arithmetic reads from a record: a ``KeyPerson`` or a ``ScheduleRow``."""

    @property
    def pk(self) -> int: ...
    @property
    def area_path(self) -> str: ...
    @property
    def start_date(self) -> date: ...
    @property
    def planned_end(self) -> date: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...
    @property
    def status(self) -> str: ...
    @property
    def pauses(self) -> list[list[str]]: ...


@dataclass(frozen=True)
class DueSlot:
    key_person_id: int
    day: date
    slot: Slot

    @property
    def deadline(self) -> datetime:
        return self.slot.deadline_at(self.day)


@lru_cache(maxsize=8192)
def _deadline_timestamp(day: date, slot: Slot) -> float:
    return slot.deadline_at(day).timestamp()


def _due(
    record: Scheduled, slots_on: Callable[[date], list[Slot]], first: date, last: date
) -> list[tuple[date, Slot, float]]:
    """(day, slot, deadline) of the slots of days in [first, last] in which ``record``
    is due, each day's slots those ``slots_on`` it (``SlotHistory.on``). Moments are
    compared as POSIX timestamps: the same order as the aware datetimes, without
    converting between time zones at each comparison (pages run this for every record
    of a jurisdiction)."""
    ended = record.ended_at
    if ended is None and record.status != KeyPerson.Status.ACTIVE:
        return []
    created = record.created_at.timestamp()
    ended_ts = ended.timestamp() if ended is not None else None
    # Spells out of control that ended with control resumed: (left, resumed].
    away = [
        (datetime.fromisoformat(left).timestamp(), datetime.fromisoformat(back).timestamp())
        for left, back in record.pauses
    ]
    found = []
    # The days of the observation period (registration day on) within [first, last].
    day = max(record.start_date, local_day(record.created_at), first)
    until = min(record.planned_end - ONE_DAY, last)
    while day <= until:
        for slot in slots_on(day):
            deadline = _deadline_timestamp(day, slot)
            if deadline <= created or (ended_ts is not None and ended_ts < deadline):
                continue
            if any(left < deadline <= back for left, back in away):
                continue
            found.append((day, slot, deadline))
        day += ONE_DAY
    return found


def due_slots(
    record: Scheduled, slots: list[Slot], *, first: date, last: date
) -> Iterator[DueSlot]:
    """The slots of days in [first, last] in which ``record`` is due, the same
    ``slots`` every day."""
    for day, slot, _ in _due(record, lambda day: slots, first, last):
        yield DueSlot(record.pk, day, slot)


def current_slot(slots: list[Slot], moment: datetime) -> Slot | None:
    """The latest slot that has opened by ``moment`` on its local day (None before the
    first opens)."""
    local = moment.astimezone(zone()).time()
    opened = [s for s in slots if s.opens <= local]
    return opened[-1] if opened else None


class SlotHistory:
    """A community's slots by day: those in force now, and those in force before each
    change of them (``PastSlots``: (day of the change, slots), earliest first), read
    only for a day before ``since`` — the policy's last save, which no change is
    after — so pages about today never read them."""

    def __init__(
        self,
        current: list[Slot],
        since: date | None = None,
        past: Callable[[], list[tuple[date, list[Slot]]]] = list,
    ) -> None:
        self.current = current
        self.since = since
        self._past = past

    def on(self, day: date) -> list[Slot]:
        if self.since is None or day >= self.since:
            return self.current
        for until, slots in self._past():
            if day < until:
                return slots
        return self.current


class Policies:
    """Each community's policy and its past slots, loaded once per page or job (two
    small tables)."""

    def __init__(self) -> None:
        from shouwang.areas.models import SEGMENT

        from .models import WatchPolicy

        self._segment = SEGMENT
        self._by_path = {
            p.community.path: p for p in WatchPolicy.objects.select_related("community")
        }
        self._slots: dict[str, list[Slot]] = {}
        self._history_of_area: dict[str, SlotHistory] = {}
        self._past: dict[int, list[tuple[date, list[Slot]]]] | None = None

    def policy_for(self, area_path: str) -> WatchPolicy | None:
        for end in range(len(area_path), 0, -self._segment):
            policy = self._by_path.get(area_path[:end])
            if policy is not None:
                return policy
        return None

    def slots_for(self, area_path: str, day: date | None = None) -> list[Slot]:
        """The slots of the community of ``area_path`` on ``day`` (today's: now)."""
        history = self.history_for(area_path)
        return history.current if day is None else history.on(day)

    def history_for(self, area_path: str) -> SlotHistory:
        found = self._history_of_area.get(area_path)
        if found is None:
            policy = self.policy_for(area_path)
            if policy is None:
                found = SlotHistory(DEFAULT)
            else:
                found = SlotHistory(
                    self._parse(policy.slots),
                    since=local_day(policy.updated_at),
                    past=lambda pk=policy.pk: self._past_of(pk),
                )
            self._history_of_area[area_path] = found
        return found

    def _past_of(self, policy_id: int) -> list[tuple[date, list[Slot]]]:
        """The past slots of a policy; every policy's read at the first call (one
        query)."""
        if self._past is None:
            from .models import PastSlots

            self._past = {}
            for row in PastSlots.objects.order_by("policy_id", "until"):
                self._past.setdefault(row.policy_id, []).append((row.until, self._parse(row.slots)))
        return self._past.get(policy_id, [])

    def _parse(self, text: str) -> list[Slot]:
        if text not in self._slots:
            try:
                self._slots[text] = parse_slots(text, unique_labels=False)
            except ValidationError:
                self._slots[text] = DEFAULT
        return self._slots[text]

    def self_report_allowed(self, area_path: str) -> bool:
        policy = self.policy_for(area_path)
        return bool(policy and policy.self_report)

    def lost_after(self, area_path: str) -> int:
        """How many slots with failed attempts and no follow-up since make a record
        疑似失联 (``suspected_lost``)."""
        policy = self.policy_for(area_path)
        return policy.lost_after if policy is not None else DEFAULT_LOST_AFTER


def followups_of(records: Iterable[Scheduled]) -> FollowUpQuerySet:
    """The follow-ups of ``records``, by id: for a few records. Pages over a whole
    jurisdiction read ``FollowUp.objects.within(area)`` instead (one join, however many
    records) and pass what they read as ``filled``."""
    from .models import FollowUp

    return FollowUp.objects.filter(key_person_id__in=[r.pk for r in records])


def filled_slots(
    followups: FollowUpQuerySet, *, first: date, last: date
) -> set[tuple[int, date, int]]:
    """(record id, day, slot) of each follow-up in ``followups`` on days [first, last]."""
    return set(followups.on_days(first, last).values_list("key_person_id", "day", "slot"))


def overdue_slots(
    records: Iterable[Scheduled],
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    policies: Policies | None = None,
    filled: Collection[tuple[int, date, int]] | None = None,
) -> list[DueSlot]:
    """Due slots with no follow-up whose deadline has passed (``<= now``) and lies in
    [since, until), latest first. ``filled``: the follow-ups already read
    (``filled_slots`` of any superset of the records' follow-ups, covering the local
    days from ``first_day_due_from(since)`` to ``min(until, now)``); read for the
    records when not given."""
    records = list(records)
    if not records:
        return []
    policies = policies or Policies()
    end = min(until, now) if until is not None else now
    last = local_day(end)
    first = first_day_due_from(since) if since is not None else min(r.start_date for r in records)
    if filled is None:
        filled = filled_slots(followups_of(records), first=first, last=last)
    passed = now.timestamp()
    before = until.timestamp() if until is not None else None
    after = since.timestamp() if since is not None else None
    missed: list[tuple[float, DueSlot]] = []
    for record in records:
        slots_on = policies.history_for(record.area_path).on
        for day, slot, deadline in _due(record, slots_on, first, last):
            if deadline > passed or (before is not None and deadline >= before):
                continue
            if after is not None and deadline < after:
                continue
            if (record.pk, day, slot.number) not in filled:
                missed.append((deadline, DueSlot(record.pk, day, slot)))
    missed.sort(key=lambda item: item[0], reverse=True)
    return [due for _, due in missed]


@dataclass
class Completeness:
    due: int
    done: int
    abnormal: int
    # The extension for the gap (随访记录不完整, 观察期内随访异常) the count starts
    # from, when there is one (``completeness``).
    since: Extension | None = None

    @property
    def missing(self) -> int:
        return max(self.due - self.done, 0)

    @property
    def clean(self) -> bool:
        """Followed up at least once, every due follow-up recorded, none abnormal:
        proposed for release. A record registered at (or after) its last due slot has
        none due and none recorded — nothing says it passed without anything abnormal."""
        return self.due > 0 and self.missing == 0 and self.abnormal == 0


@dataclass(frozen=True)
class Extension:
    at: datetime
    reason: str
    label: str


def gap_extensions(record_ids: Collection[int]) -> dict[int, Extension]:
    """Per record, its latest extension whose reason was the gap in its follow-ups
    (``KeyPerson.GAP_EXTENSIONS``): the period is extended so that it be followed up
    fully and normally from then on, and release judges that (one query)."""
    from .models import KeyPerson, KeyPersonEvent

    found: dict[int, Extension] = {}
    rows = (
        KeyPersonEvent.objects.filter(
            key_person_id__in=list(record_ids),
            kind=KeyPersonEvent.Kind.EXTENDED,
            reason__in=KeyPerson.GAP_EXTENSIONS,
        )
        .order_by("key_person_id", "at", "pk")
        .values_list("key_person_id", "at", "reason")
    )
    for record_id, at, reason in rows:
        label = KeyPerson.ExtensionReason(reason).label
        found[record_id] = Extension(at=at, reason=reason, label=label)
    return found


def completeness(
    records: Iterable[Scheduled], *, now: datetime, policies: Policies | None = None
) -> dict[int, Completeness]:
    """Per record: slots due so far — past their deadline, or open and already
    followed up — how many have a follow-up, abnormal follow-ups. After an extension
    for the gap (``gap_extensions``), only the slots whose deadline is after it count,
    and the abnormal follow-ups of those slots."""
    from .models import FollowUp

    records = list(records)
    policies = policies or Policies()
    filled: set[tuple[int, date, int]] = set()
    bad_slots: set[tuple[int, date, int]] = set()
    abnormal: dict[int, int] = {}
    rows = FollowUp.objects.filter(key_person_id__in=[r.pk for r in records]).values_list(
        "key_person_id", "day", "slot", "abnormal"
    )
    for record_id, day, slot, bad in rows:
        filled.add((record_id, day, slot))
        abnormal[record_id] = abnormal.get(record_id, 0) + int(bad)
        if bad:
            bad_slots.add((record_id, day, slot))
    extensions = gap_extensions([r.pk for r in records])
    today = local_day(now)
    passed = now.timestamp()
    result = {}
    for record in records:
        slots_on = policies.history_for(record.area_path).on
        since = extensions.get(record.pk)
        after = since.at.timestamp() if since else None
        due = [
            (day, slot)
            for day, slot, deadline in _due(record, slots_on, record.start_date, today)
            if (deadline <= passed or (record.pk, day, slot.number) in filled)
            and (after is None or deadline > after)
        ]
        done = sum((record.pk, day, slot.number) in filled for day, slot in due)
        if since is None:
            bad = abnormal.get(record.pk, 0)
        else:
            bad = sum((record.pk, day, slot.number) in bad_slots for day, slot in due)
        result[record.pk] = Completeness(due=len(due), done=done, abnormal=bad, since=since)
    return result


@dataclass
class SlotState:
    """One slot of one record on the phone page."""

    DONE = "done"
    OPEN = "open"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    NOT_DUE = "not_due"

    slot: Slot
    state: str
    followup: object | None = None
    # The slot's attempts that reached nobody (未联系上), earliest first: they leave the
    # state as it is (open or overdue until a follow-up).
    attempts: list[ContactAttempt] = field(default_factory=list)

    @property
    def can_record(self) -> bool:
        return self.state in (self.OPEN, self.OVERDUE)


def _state_by_time(slot: Slot, day: date, now: datetime) -> str:
    if slot.opens_at(day) > now:
        return SlotState.UPCOMING
    if slot.deadline_at(day) <= now:
        return SlotState.OVERDUE
    return SlotState.OPEN


def today_sheet(
    records: Iterable[Scheduled],
    *,
    now: datetime,
    policies: Policies | None = None,
    filled: Collection[tuple[int, date, int]] | None = None,
) -> dict[int, list[SlotState]]:
    """Per record, today's slots with their state, follow-up and attempts that reached
    nobody (two queries). Given ``filled`` (``filled_slots`` covering today), the states
    only, for counts: nothing is read, ``followup`` stays None and ``attempts`` empty."""
    from .models import ContactAttempt, FollowUp

    records = list(records)
    policies = policies or Policies()
    today = local_day(now)
    followups: dict[tuple[int, int], FollowUp | None]
    attempts: dict[tuple[int, int], list[ContactAttempt]] = {}
    if filled is None:
        followups = {
            (f.key_person_id, f.slot): f
            for f in followups_of(records)
            .on_days(today, today)
            .only(
                "key_person_id",
                "slot",
                "method",
                "abnormal",
                "temperature",
                "symptoms",
                "recorded_at",
                "late",
            )
        }
        for attempt in (
            ContactAttempt.objects.filter(key_person_id__in=[r.pk for r in records], day=today)
            .only("key_person_id", "slot", "method", "recorded_at")
            .order_by("recorded_at", "pk")
        ):
            attempts.setdefault((attempt.key_person_id, attempt.slot), []).append(attempt)
    else:
        followups = {(pk, slot): None for pk, day, slot in filled if day == today}
    # A slot due and not recorded is upcoming, open or overdue by the clock alone.
    by_time: dict[Slot, str] = {}
    sheet: dict[int, list[SlotState]] = {}
    for record in records:
        history = policies.history_for(record.area_path)
        slots = history.current
        due = {slot.number for _, slot, _ in _due(record, history.on, today, today)}
        states = []
        for slot in slots:
            key = (record.pk, slot.number)
            if key in followups:
                state = SlotState.DONE
            elif slot.number not in due:
                state = SlotState.NOT_DUE
            else:
                if slot not in by_time:
                    by_time[slot] = _state_by_time(slot, today, now)
                state = by_time[slot]
            states.append(SlotState(slot, state, followups.get(key), attempts.get(key, [])))
        sheet[record.pk] = states
    return sheet


@dataclass
class Progress:
    due: int = 0
    done: int = 0
    overdue: int = 0

    def add(self, other: Progress) -> None:
        self.due += other.due
        self.done += other.done
        self.overdue += other.overdue


def progress(states: Iterable[SlotState]) -> Progress:
    """Today's due, done and overdue slots of one record."""
    result = Progress()
    for s in states:
        if s.state == SlotState.NOT_DUE:
            continue
        result.due += 1
        result.done += s.state == SlotState.DONE
        result.overdue += s.state == SlotState.OVERDUE
    return result


def carried_over(
    records: Iterable[Scheduled],
    *,
    day: date,
    filled: Collection[tuple[int, date, int]],
    policies: Policies | None = None,
) -> dict[int, Progress]:
    """Per record, the previous day's slots to 24:00 it was due in: due at the
    midnight that starts ``day``, they count among ``day``'s (as ``overdue_slots``
    counts them in the window starting there) — due, and done or overdue. ``filled``
    covers the previous day."""
    policies = policies or Policies()
    before = day - ONE_DAY
    result: dict[int, Progress] = {}
    for record in records:
        for _, slot, _ in _due(record, policies.history_for(record.area_path).on, before, before):
            if not slot.ends_at_midnight:
                continue
            carried = result.setdefault(record.pk, Progress())
            carried.due += 1
            if (record.pk, before, slot.number) in filled:
                carried.done += 1
            else:
                carried.overdue += 1
    return result


@dataclass
class LostContact:
    """A record 疑似失联: attempts that reached nobody in ``slots`` slots (``attempts``
    in all) and no follow-up since the first of them (``since``). ``unreached``: those
    attempts, earliest first — one episode of 疑似失联, which a follow-up ends."""

    key_person_id: int
    slots: int
    attempts: int
    since: datetime
    last: ContactAttempt
    unreached: list[ContactAttempt] = field(default_factory=list, repr=False)


def suspected_lost(
    records: Iterable[Scheduled],
    *,
    attempts: ContactAttemptQuerySet,
    followups: FollowUpQuerySet,
    policies: Policies | None = None,
) -> list[LostContact]:
    """The ``records`` with failed attempts (未联系上) in at least their community's
    number of slots (``Policies.lost_after``, default 2) since their last follow-up,
    most slots first. Any follow-up, by anyone, normal or not, resets the count —
    someone reached them then (its recording time, whatever slot it was recorded in:
    a late one of the morning done at 15:00 is a contact at 15:00); so does control
    resumed (a status change back to 管控中: found, back from hospital); a slot that
    passed with neither attempt nor follow-up counts for nothing and resets nothing.
    ``attempts`` and ``followups``: those the reader may see (rows of other records are
    skipped). Two queries: the attempts, and — for the records that have any — the
    follow-ups since the day of the earliest of them (a recording time lies in its
    day) with the resumptions of control."""
    by_pk = {r.pk: r for r in records}
    policies = policies or Policies()
    tried: dict[int, list[ContactAttempt]] = {}
    for attempt in attempts.filter(key_person__status=KeyPerson.Status.ACTIVE).order_by(
        "recorded_at", "pk"
    ):
        if attempt.key_person_id in by_pk:
            tried.setdefault(attempt.key_person_id, []).append(attempt)
    if not tried:
        return []
    reached: dict[int, datetime] = {}
    first_day = min(a.day for found in tried.values() for a in found)
    contacts = (
        followups.filter(key_person_id__in=tried, day__gte=first_day)
        .order_by()
        .values_list("key_person_id", "recorded_at")
    )
    # Control resumed (已找到、出院或返回…) ends the tries before it, like a follow-up.
    resumed = (
        KeyPersonEvent.objects.filter(
            key_person_id__in=tried,
            kind=KeyPersonEvent.Kind.STATUS,
            to_status=KeyPerson.Status.ACTIVE,
        )
        .order_by()
        .values_list("key_person_id", "at")
    )
    for pk, at in contacts.union(resumed, all=True):
        reached[pk] = max(reached.get(pk, at), at)
    found: list[LostContact] = []
    for pk, tries in tried.items():
        after = reached.get(pk)
        unreached = [a for a in tries if after is None or a.recorded_at > after]
        slots = {(a.day, a.slot) for a in unreached}
        if unreached and len(slots) >= policies.lost_after(by_pk[pk].area_path):
            found.append(
                LostContact(
                    pk,
                    len(slots),
                    len(unreached),
                    unreached[0].recorded_at,
                    unreached[-1],
                    unreached,
                )
            )
    found.sort(key=lambda lost: (-lost.slots, lost.since))
    return found


def suspected_lost_of(
    records: Iterable[Scheduled], *, policies: Policies | None = None
) -> dict[int, LostContact]:
    """``suspected_lost`` of a few records (a page of cards), by record id."""
    from .models import ContactAttempt, FollowUp

    records = list(records)
    ids = [r.pk for r in records]
    found = suspected_lost(
        records,
        attempts=ContactAttempt.objects.filter(key_person_id__in=ids),
        followups=FollowUp.objects.filter(key_person_id__in=ids),
        policies=policies,
    )
    return {lost.key_person_id: lost for lost in found}
