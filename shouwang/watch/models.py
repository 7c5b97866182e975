"""Key persons under observation, their alerts, and leads awaiting confirmation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone

from shouwang.accounts.roles import Role
from shouwang.core import pii
from shouwang.core.access import ScopedQuerySet
from shouwang.core.models import TimeStampedModel, public_code
from shouwang.core.text import day_label
from shouwang.people.documents import DocumentType
from shouwang.people.models import Person

if TYPE_CHECKING:
    from shouwang.accounts.models import User

FEVER_FROM = Decimal("37.3")
# A temperature a thermometer on a living person reads (a column's check constraint).
PLAUSIBLE_TEMPERATURE = models.Q(temperature__isnull=True) | models.Q(
    temperature__gte=Decimal("34.0"), temperature__lte=Decimal("43.0")
)
SELF_REPORT_SALT = "shouwang.watch.self_report"


class Category(models.Model):
    """Editable list: 湖北/武汉返回, 境外返回, 密切接触者 … with its default period."""

    name = models.CharField("类别", max_length=30, unique=True)
    default_days = models.PositiveSmallIntegerField("默认观察天数", default=14)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "重点人员类别"
        verbose_name_plural = "重点人员类别"

    def __str__(self) -> str:
        return self.name


class ScheduleRow(NamedTuple):
    """What slot arithmetic and the counts read from a record
    (``KeyPersonQuerySet.schedule_rows``): reading these few columns instead of model
    instances makes whole-jurisdiction pages cheap. A ``KeyPerson`` with its area
    loaded offers the same attributes."""

    pk: int
    area_path: str
    start_date: date
    planned_end: date
    created_at: datetime
    ended_at: datetime | None
    status: str
    responsible_id: int | None
    category_id: int
    pauses: list[list[str]]


def in_observation_at(moment: datetime) -> models.Q:
    """Under control at ``moment``: registered before it and not ended by then."""
    return models.Q(created_at__lt=moment) & (
        models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=moment)
    )


def new_between(start: datetime, end: datetime) -> models.Q:
    """Registered in the window [start, end)."""
    return models.Q(created_at__gte=start, created_at__lt=end)


def released_between(start: datetime, end: datetime) -> models.Q:
    """Released in the window [start, end)."""
    return models.Q(status=KeyPerson.Status.RELEASED, ended_at__gte=start, ended_at__lt=end)


def lists_own_only(user: User, *, everyone: bool = False) -> bool:
    """Whether the user's 今日随访 lists only the records they answer for: a grid
    worker's does, unless they ask for everyone they may see."""
    return user.role == Role.GRID_WORKER and not everyone


class KeyPersonQuerySet(ScopedQuerySet):
    scope = "area"

    def active(self) -> KeyPersonQuerySet:
        return self.filter(status=KeyPerson.Status.ACTIVE)

    def ended_away(self) -> KeyPersonQuerySet:
        """Records that say their person is away: ended 转医院 or 已离开辖区, and no
        record of the person made since (a later one means they are back): the person's
        latest record (``latest_of_their_person``)."""
        return self.filter(status__in=KeyPerson.AWAY).latest_of_their_person()

    def latest_of_their_person(self) -> KeyPersonQuerySet:
        """Each record that is its person's latest (made last; the higher id of equals),
        among all the person's records, in the user's area or not."""
        newer = KeyPerson.objects.filter(person=models.OuterRef("person")).filter(
            models.Q(created_at__gt=models.OuterRef("created_at"))
            | models.Q(created_at=models.OuterRef("created_at"), pk__gt=models.OuterRef("pk"))
        )
        return self.exclude(models.Exists(newer))

    def to_resume(self) -> KeyPersonQuerySet:
        """Records that resume (已找到, 出院返回) when their person is back: 失联 or
        转医院 and their person's latest record. An older one a newer record followed is
        history. A person with one is not registered a second time (登记, 线索确认,
        the police-list intake)."""
        return self.filter(status__in=KeyPerson.RESUMABLE).latest_of_their_person()

    def tracked(self) -> KeyPersonQuerySet:
        """The records that make their person already tracked, not to register: under
        control, or to resume (``to_resume``)."""
        return self.filter(
            models.Q(status=KeyPerson.Status.ACTIVE)
            | models.Q(pk__in=self.to_resume().values("pk"))
        )

    def in_observation_at(self, moment: datetime) -> KeyPersonQuerySet:
        return self.filter(in_observation_at(moment))

    def new_between(self, start: datetime, end: datetime) -> KeyPersonQuerySet:
        return self.filter(new_between(start, end))

    def released_between(self, start: datetime, end: datetime) -> KeyPersonQuerySet:
        return self.filter(released_between(start, end))

    def overlapping(self, start: datetime, end: datetime) -> KeyPersonQuerySet:
        """Registered before ``end`` and not ended before ``start``: every record that
        may count in a figure of the window [start, end)."""
        return self.filter(created_at__lt=end).filter(
            models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=start)
        )

    def may_owe_slots(self, start: datetime, end: datetime) -> KeyPersonQuerySet:
        """Records that may owe a follow-up slot whose deadline lies in [start, end)."""
        return self.filter(created_at__lt=end).filter(
            models.Q(status=KeyPerson.Status.ACTIVE) | models.Q(ended_at__gte=start)
        )

    def counts_by_area(self, start: datetime, end: datetime) -> models.QuerySet:
        """Per area path: ``in_observation`` at ``end``, ``new`` and ``released`` in
        [start, end) (one grouped query)."""
        return (
            self.overlapping(start, end)
            .order_by()
            .values("area__path")
            .annotate(
                in_observation=models.Count("pk", filter=in_observation_at(end)),
                new=models.Count("pk", filter=new_between(start, end)),
                released=models.Count("pk", filter=released_between(start, end)),
            )
        )

    def schedule_rows(self) -> list[ScheduleRow]:
        """The records as ``ScheduleRow`` tuples (no model instances), in the queryset's
        order."""
        return [
            ScheduleRow._make(row)
            for row in self.values_list(
                "pk",
                "area__path",
                "start_date",
                "planned_end",
                "created_at",
                "ended_at",
                "status",
                "responsible_id",
                "category_id",
                "pauses",
            )
        ]

    def ending_by(self, day: date) -> KeyPersonQuerySet:
        """Active records whose planned end is on or before ``day``."""
        return self.active().filter(planned_end__lte=day)

    def responsible_for(self, user: User) -> KeyPersonQuerySet:
        """Records the user answers for: named as responsible, or on one of their grids."""
        return self.filter(
            models.Q(responsible=user) | models.Q(grid__in=user.grids.all())
        ).distinct()

    def on_followup_sheet(self, user: User, *, everyone: bool = False) -> KeyPersonQuerySet:
        """The active records whose follow-ups the user's 今日随访 lists: a grid worker's
        own (``everyone`` lists all they may see), everyone else's whole area."""
        qs = self.visible_to(user).active()
        return qs.responsible_for(user) if lists_own_only(user, everyone=everyone) else qs

    def ended_on_followup_sheet(
        self, user: User, *, since: datetime, everyone: bool = False
    ) -> KeyPersonQuerySet:
        """The records ended (released, …) since ``since`` that the user's 今日随访
        would list under control: the slots they owed before may still be 补录."""
        qs = self.visible_to(user).exclude(status=KeyPerson.Status.ACTIVE)
        qs = qs.filter(ended_at__gte=since)
        return qs.responsible_for(user) if lists_own_only(user, everyone=everyone) else qs

    def from_self_report_token(self, token: str, *, max_age_days: int) -> KeyPerson:
        """The record a personal self-report link names, under control or not (the
        page says why an ended one takes no report, however old its link: telling a
        released resident that their link expired sends them to the community for
        nothing). A link of a record under control is good ``max_age_days`` from when
        it was given, and until ``max_age_days`` after its planned end — a period of 14
        days plus extensions outlives the days from the link's signing. Raises
        ``signing.SignatureExpired`` for an old link of a record under control,
        ``signing.BadSignature`` for a forged one and ``KeyPerson.DoesNotExist`` when
        the record is gone."""
        signer = signing.TimestampSigner(salt=SELF_REPORT_SALT)
        record = self.select_related("person", "category", "area").get(code=signer.unsign(token))
        max_age = timedelta(days=max_age_days)
        try:
            signer.unsign(token, max_age=max_age)
        except signing.SignatureExpired:
            today = timezone.localdate()
            if record.status == KeyPerson.Status.ACTIVE and record.planned_end + max_age < today:
                raise
        return record


#: A record no grid worker (or no grid) answers for, on every page and export.
UNASSIGNED = "未分配"


class KeyPerson(TimeStampedModel):
    class Source(models.TextChoices):
        POLICE = "police", "公安推送"
        SCREENING = "screening", "排查"
        CHECKIN = "checkin", "扫码申报"
        TIP = "tip", "线索"
        ASSIGNED = "assigned", "上级交办"

    class Measure(models.TextChoices):
        HOME = "home", "居家观察"
        CENTRAL = "central", "集中隔离"
        MONITORING = "monitoring", "健康监测"

    class Status(models.TextChoices):
        ACTIVE = "active", "管控中"
        RELEASED = "released", "已解除"
        HOSPITAL = "hospital", "转医院"
        LOST = "lost", "失联"
        LEFT = "left", "已离开辖区"

    # Statuses that end a record with the person away from home (``ended_away``).
    AWAY = (Status.HOSPITAL, Status.LEFT)
    # Statuses of a spell out of control that ends with control resumed (``to_resume``).
    RESUMABLE = (Status.LOST, Status.HOSPITAL)

    class Reason(models.TextChoices):
        """The fixed list of reasons for a status change."""

        PERIOD_COMPLETE = "period_complete", "观察期满，随访无异常"
        TEST_NEGATIVE = "test_negative", "检测阴性，经评估解除"
        ORDERED_RELEASE = "ordered_release", "上级通知解除"
        WRONG_INFO = "wrong_info", "信息有误，非管控对象"
        FEVER_HOSPITAL = "fever_hospital", "发热送医"
        CASE_TRANSFER = "case_transfer", "疑似/确诊病例转运"
        OTHER_ILLNESS = "other_illness", "其他疾病就医"
        UNREACHABLE = "unreachable", "多次电话联系不上"
        NOT_AT_HOME = "not_at_home", "上门无人，去向不明"
        LEFT_AREA = "left_area", "已离开本辖区"
        TRANSFERRED = "transferred", "移交其他辖区管理"
        RETURNED = "returned", "出院或返回，恢复管控"
        FOUND = "found", "已找到，恢复管控"
        CORRECTION = "correction", "更正误操作，恢复管控"

    class ExtensionReason(models.TextChoices):
        ABNORMAL = "abnormal", "观察期内随访异常"
        INCOMPLETE = "incomplete", "随访记录不完整"
        HOUSEHOLD = "household", "同住人员异常或新增"
        ORDERED = "ordered", "上级要求延长"
        AWAITING_TEST = "awaiting_test", "等待检测结果"

    #: Extensions whose reason is the gap in the follow-ups: release then judges the
    #: follow-ups since the extension (``schedule.completeness``).
    GAP_EXTENSIONS = (ExtensionReason.INCOMPLETE, ExtensionReason.ABNORMAL)

    #: Which reasons may lead to each status.
    REASONS_FOR = {
        Status.RELEASED: [
            Reason.PERIOD_COMPLETE,
            Reason.TEST_NEGATIVE,
            Reason.ORDERED_RELEASE,
            Reason.WRONG_INFO,
        ],
        Status.HOSPITAL: [Reason.FEVER_HOSPITAL, Reason.CASE_TRANSFER, Reason.OTHER_ILLNESS],
        Status.LOST: [Reason.UNREACHABLE, Reason.NOT_AT_HOME],
        Status.LEFT: [Reason.LEFT_AREA, Reason.TRANSFERRED],
        Status.ACTIVE: [Reason.RETURNED, Reason.FOUND, Reason.CORRECTION],
    }

    #: The statuses a record may move to from each status. A record under control may
    #: end any way; 转医院 or 失联 may resume, or end as found out (失联 → 转医院 …);
    #: 已解除 and 已离开辖区 only go back to 管控中 (a mistake corrected, a return).
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.ACTIVE: (Status.RELEASED, Status.HOSPITAL, Status.LOST, Status.LEFT),
        Status.HOSPITAL: (Status.ACTIVE, Status.RELEASED, Status.LEFT),
        Status.LOST: (Status.ACTIVE, Status.RELEASED, Status.HOSPITAL, Status.LEFT),
        Status.LEFT: (Status.ACTIVE,),
        Status.RELEASED: (Status.ACTIVE,),
    }

    person = models.ForeignKey(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="key_records"
    )
    # The person's area at intake (building, or community when not yet located).
    area = models.ForeignKey("areas.Area", verbose_name="所属辖区", on_delete=models.PROTECT)
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    measure = models.CharField("管控措施", max_length=12, choices=Measure.choices)
    start_date = models.DateField("开始日期")
    planned_end = models.DateField("计划解除日期")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    grid = models.ForeignKey(
        "areas.Grid", verbose_name="网格", null=True, blank=True, on_delete=models.SET_NULL
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任网格员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_persons",
    )
    origin = models.CharField("来源地", max_length=100, blank=True)
    arrival_date = models.DateField("抵达日期", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    # Random id named by the personal self-report link (never the sequential pk).
    code = models.CharField(max_length=24, unique=True, default=public_code, editable=False)
    # When the record left 管控中 (cleared again if control resumes).
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    # The spells out of control that ended with control resumed (in hospital, 失联 …),
    # as [left, resumed] ISO moments: no slot was due then (``schedule``).
    pauses = models.JSONField("中断管控", default=list, blank=True, editable=False)

    objects = KeyPersonQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = "重点人员"
        verbose_name_plural = "重点人员"
        indexes = [
            models.Index(fields=["person", "status"], name="keyperson_person_status"),
            models.Index(fields=["status", "planned_end"], name="keyperson_status_end"),
            models.Index(fields=["created_at"], name="keyperson_created"),
            models.Index(fields=["ended_at"], name="keyperson_ended"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="active"),
                name="keyperson_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("start_date")),
                name="keyperson_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.category.name}）"

    @staticmethod
    def default_end(start: date, category: Category) -> date:
        return start + timedelta(days=category.default_days)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def next_statuses(self) -> tuple[str, ...]:
        """The statuses this record may move to (``TRANSITIONS``)."""
        return self.TRANSITIONS[self.Status(self.status)]

    def move_refused(self, status: str) -> str:
        """Why this record may not move to ``status``, in Chinese; empty when it may."""
        if status not in self.Status.values or status == self.status:
            return ""
        if status in self.next_statuses:
            return ""
        allowed = "、".join(f"“{self.Status(s).label}”" for s in self.next_statuses)
        return (
            f"“{self.get_status_display()}”的记录不能变更为“{self.Status(status).label}”，"
            f"只能变更为{allowed}"
        )

    def ended_by(self, moment: datetime) -> bool:
        """No longer under control at ``moment`` (released, moved, lost… by then)."""
        if self.ended_at is None:
            return not self.is_active
        return self.ended_at <= moment

    @property
    def area_path(self) -> str:
        """The path of the record's area (load ``area`` to keep it query-free)."""
        return self.area.path

    def day_number(self, day: date) -> int:
        """第几天 of the observation on ``day`` (the start date is day 1)."""
        return (day - self.start_date).days + 1

    @property
    def start_label(self) -> str:
        """What the pages say instead of 第几天 before the start date (a start may be
        set up to a week ahead): "11月25日开始"."""
        return f"{day_label(self.start_date)}开始"

    def observed_days(self, until: date) -> int:
        """共几天 under observation when it ends on ``until``: a 14-day period ends on
        the 14th day after the start; released on its first day, one day."""
        return max((until - self.start_date).days, 1)

    @property
    def address(self) -> str:
        """'西城花园1号楼2单元301': the person's household (compound, building, door) —
        which after a move (迁入) lies elsewhere than the record's area — or else the
        record's area; needs ``person__household__area__parent`` and ``area__parent``
        loaded to stay query-free."""
        if self.person.household_id:
            return self.person.household.address
        compound = (
            self.area.parent.name if self.area.kind == "building" and self.area.parent_id else ""
        )
        return f"{compound}{self.area.name}"

    @property
    def responsible_label(self) -> str:
        """The grid worker as every page and export names them: 未分配 when nobody
        answers for the record (needs ``responsible`` loaded to stay query-free)."""
        return str(self.responsible) if self.responsible_id else UNASSIGNED

    @property
    def grid_label(self) -> str:
        return str(self.grid) if self.grid_id else UNASSIGNED

    @property
    def period_days(self) -> int:
        return (self.planned_end - self.start_date).days

    def self_report_token(self) -> str:
        """The signed token of this person's self-report link (checked for age on use)."""
        return signing.TimestampSigner(salt=SELF_REPORT_SALT).sign(self.code)


def record_shown_to(user: User) -> models.Exists:
    """Whether a row's key-person record (``key_person_id``) is one ``user`` may open:
    pages link it only then (else its page answers 404)."""
    return models.Exists(
        KeyPerson.objects.visible_to(user).filter(pk=models.OuterRef("key_person_id"))
    )


def ledger_shown_to(user: User) -> models.Expression:
    """Whether a row's person (``person_id``) has a ledger page ``user`` may open
    (the ledger's capability and jurisdiction): pages link it only then."""
    if not user.can("people.view"):
        return models.Value(False, output_field=models.BooleanField())
    return models.Exists(Person.objects.visible_to(user).filter(pk=models.OuterRef("person_id")))


class AlertQuerySet(ScopedQuerySet):
    scope = "area"

    def open(self) -> AlertQuerySet:
        return self.filter(handled_at__isnull=True)

    def between(self, start: datetime, end: datetime) -> AlertQuerySet:
        """Raised in the window [start, end)."""
        return self.filter(raised_at__gte=start, raised_at__lt=end)

    def fevers(self) -> AlertQuerySet:
        """Fever alerts from any source (checkpoints and follow-ups)."""
        return self.filter(kind=Alert.Kind.FEVER)

    def with_record_shown_to(self, user: User) -> AlertQuerySet:
        """Each alert with ``record_shown`` (``record_shown_to``). A fever at a
        checkpoint alerts the checkpoint's community, about a key person who may be
        another community's. And ``ledger_shown`` (``ledger_shown_to``): a fever of a
        resident who is no key person links their ledger page."""
        return self.annotate(record_shown=record_shown_to(user), ledger_shown=ledger_shown_to(user))


class Alert(models.Model):
    """Something that needs a person to act now: a fever at a checkpoint, a key person
    seen at a checkpoint, an abnormal or overdue follow-up, a key person not reached
    (疑似失联). Details are written masked."""

    class Kind(models.TextChoices):
        FEVER = "fever", "发热"
        OBSERVED_AT_CHECKPOINT = "observed_checkin", "管控人员出行"
        SYMPTOM = "symptom", "随访异常"
        OVERDUE = "overdue", "随访逾期"
        LOST = "lost", "疑似失联"
        QUOTA = "quota", "超出出行次数"
        OTHER = "other", "其他"

    area = models.ForeignKey("areas.Area", verbose_name="辖区", on_delete=models.PROTECT)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    detail = models.TextField("详情", blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    key_person = models.ForeignKey(
        KeyPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    # Where it came from, e.g. ("checkpoints.CheckIn", "123").
    source_type = models.CharField(max_length=50, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    raised_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    handled_at = models.DateTimeField("处置时间", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_note = models.CharField("处置说明", max_length=200, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = "预警"
        verbose_name_plural = "预警"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"],
                condition=~models.Q(source_id=""),
                name="alert_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def mark_handled(self, *, by: User | None, note: str = "") -> None:
        self.handled_at = timezone.now()
        self.handled_by = by
        # Read by the whole community and HQ, as the alert's text: numbers masked.
        self.handled_note = pii.mask_in_text(note)[:200]
        self.save(update_fields=["handled_at", "handled_by", "handled_note"])


class LeadQuerySet(ScopedQuerySet):
    scope = "area"

    def pending(self) -> LeadQuerySet:
        return self.filter(status=Lead.Status.NEW)

    def with_record_shown_to(self, user: User) -> LeadQuerySet:
        """Each lead with ``record_shown`` (``record_shown_to``): a lead attached to a
        record of another community (the person moved) does not link it."""
        return self.annotate(record_shown=record_shown_to(user))


class Lead(models.Model):
    """A possible key person (e.g. risky travel declared at a check-in) for staff to
    confirm (it becomes a key person) or dismiss."""

    class Status(models.TextChoices):
        NEW = "new", "待核实"
        CONFIRMED = "confirmed", "已确认"
        DISMISSED = "dismissed", "已排除"

    area = models.ForeignKey("areas.Area", verbose_name="辖区", on_delete=models.PROTECT)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    source = models.CharField("来源", max_length=12, choices=KeyPerson.Source.choices)
    detail = models.TextField("情况", blank=True)
    source_type = models.CharField(max_length=50, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    key_person = models.ForeignKey(KeyPerson, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_note = models.CharField("处理说明", max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "线索"
        verbose_name_plural = "线索"

    def __str__(self) -> str:
        return f"{self.person or '未知人员'}：{self.detail[:30]}"

    @property
    def decided_message(self) -> str:
        """What confirming or dismissing a decided lead says: 该线索已确认，无需再处理."""
        return f"该线索{self.get_status_display()}，无需再处理"

    @property
    def reopen_refused(self) -> str:
        """Why 恢复待核实 is refused, or "": only a dismissed lead goes back (a confirmed
        one has its record, whose status is changed instead)."""
        if self.status == Lead.Status.DISMISSED:
            return ""
        if self.status == Lead.Status.CONFIRMED:
            return "只有已排除的线索可以恢复核实；该线索已确认，请在其重点人员记录上变更状态"
        return "只有已排除的线索可以恢复核实；该线索仍待核实"


class LeadEvent(models.Model):
    """The history of a lead: dismissed, reopened (恢复待核实, with the reason),
    confirmed — who, when and why."""

    class Kind(models.TextChoices):
        DISMISSED = "dismissed", "已排除"
        REOPENED = "reopened", "恢复待核实"
        CONFIRMED = "confirmed", "已确认"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "线索记录"
        verbose_name_plural = "线索记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.note}"


class KeyPersonEventQuerySet(ScopedQuerySet):
    scope = "key_person__area"


class KeyPersonEvent(models.Model):
    """The history of a key-person record: registration, status changes (each with a
    reason from the fixed list), extensions and changes of the responsible worker."""

    class Kind(models.TextChoices):
        CREATED = "created", "登记"
        STATUS = "status", "状态变更"
        EXTENDED = "extended", "延长观察"
        ASSIGNED = "assigned", "调整责任人"
        EDITED = "edited", "修改信息"
        LEAD = "lead", "关联线索"

    key_person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    from_status = models.CharField(max_length=10, choices=KeyPerson.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=KeyPerson.Status.choices, blank=True)
    reason = models.CharField("原因", max_length=20, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    old_end = models.DateField(null=True, blank=True)
    new_end = models.DateField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    objects = KeyPersonEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "重点人员记录"
        verbose_name_plural = "重点人员记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reason_label}"

    @property
    def reason_label(self) -> str:
        labels = dict(KeyPerson.Reason.choices) | dict(KeyPerson.ExtensionReason.choices)
        return labels.get(self.reason, self.reason)


class FollowUpQuerySet(ScopedQuerySet):
    scope = "key_person__area"

    def on_days(self, first: date, last: date) -> FollowUpQuerySet:
        """Follow-ups of the local days [first, last] (both inclusive)."""
        return self.filter(day__gte=first, day__lte=last)


class FollowUp(models.Model):
    """One follow-up of a key person in one slot of one day (本地日期, 时段序号).
    ``client_id`` is generated by the phone: sending the same write twice stores it once."""

    class Method(models.TextChoices):
        PHONE = "phone", "电话"
        VISIT = "visit", "上门"
        SELF = "self", "本人自报"

    #: What a worker records (本人自报 comes only through the self-report link).
    WORKER_METHODS = (Method.PHONE, Method.VISIT)

    class Symptom(models.TextChoices):
        COUGH = "cough", "咳嗽"
        FATIGUE = "fatigue", "乏力"
        SORE_THROAT = "sore_throat", "咽痛"
        SHORT_BREATH = "short_breath", "气促/呼吸困难"
        DIARRHOEA = "diarrhoea", "腹泻"
        SMELL = "smell", "嗅觉味觉减退"
        MUSCLE = "muscle", "肌肉酸痛"
        OTHER = "other", "其他不适"

    key_person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="followups")
    day = models.DateField("日期")
    slot = models.PositiveSmallIntegerField("时段")
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    temperature = models.DecimalField(
        "体温（℃）", max_digits=3, decimal_places=1, null=True, blank=True
    )
    # Symptom codes joined by commas (a short fixed list, read as a whole).
    symptoms = models.CharField("症状", max_length=120, blank=True)
    abnormal = models.BooleanField("异常", default=False)
    note = models.CharField("情况说明", max_length=200, blank=True)
    late = models.BooleanField("补记（已过时段）", default=False)
    client_id = models.UUIDField(unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    # When a follow-up of a past slot was typed in afterwards (补录, from 今日随访 with
    # the time it was done as ``recorded_at``); empty for one recorded as it happened.
    entered_at = models.DateTimeField("补录时间", null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-slot"]
        verbose_name = "随访"
        verbose_name_plural = "随访"
        constraints = [
            models.UniqueConstraint(
                fields=["key_person", "day", "slot"], name="followup_once_per_slot"
            ),
            models.CheckConstraint(
                condition=PLAUSIBLE_TEMPERATURE, name="followup_temperature_range"
            ),
        ]
        indexes = [models.Index(fields=["day", "key_person"], name="followup_day_person")]

    def __str__(self) -> str:
        return f"{self.day} 时段{self.slot}"

    @property
    def symptom_codes(self) -> list[str]:
        """'cough,smell' -> ['cough', 'smell']."""
        return [code for code in self.symptoms.split(",") if code]

    @property
    def symptom_labels(self) -> list[str]:
        return self.labels_of(self.symptoms)

    @classmethod
    def labels_of(cls, symptoms: str) -> list[str]:
        """'cough,smell' -> ['咳嗽', '嗅觉味觉减退']."""
        labels = dict(cls.Symptom.choices)
        return [labels.get(code, code) for code in symptoms.split(",") if code]

    @property
    def fever(self) -> bool:
        return self.temperature is not None and self.temperature >= FEVER_FROM


class ContactAttemptQuerySet(ScopedQuerySet):
    scope = "key_person__area"

    def on_days(self, first: date, last: date) -> ContactAttemptQuerySet:
        """Attempts of the local days [first, last] (both inclusive)."""
        return self.filter(day__gte=first, day__lte=last)


class ContactAttempt(models.Model):
    """A follow-up that reached nobody (未联系上): a call nobody answered, a door nobody
    opened, in one slot of one day. Kept with who tried and when, like a follow-up,
    but it is not one: the slot stays due (overdue past its deadline), and
    completeness and release never count it. Several in a slot are several tries.
    Attempts in the policy's number of slots with no follow-up since say the person
    may be lost (疑似失联, ``schedule.suspected_lost``). ``client_id`` is made by the
    phone: sending the same tap twice stores it once."""

    key_person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="attempts")
    day = models.DateField("日期")
    slot = models.PositiveSmallIntegerField("时段")
    method = models.CharField(
        "方式", max_length=10, choices=[(m.value, m.label) for m in FollowUp.WORKER_METHODS]
    )
    note = models.CharField("情况说明", max_length=200, blank=True)
    client_id = models.UUIDField(unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = ContactAttemptQuerySet.as_manager()

    #: Shown among the follow-ups of the record's page, as 未联系上.
    is_attempt = True

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = "未联系上"
        verbose_name_plural = "未联系上"
        indexes = [models.Index(fields=["key_person", "day"], name="attempt_person_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=FollowUp.WORKER_METHODS),
                name="attempt_worker_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} 时段{self.slot} 未联系上"


class MissedSlotQuerySet(ScopedQuerySet):
    scope = "key_person__area"


class MissedSlot(models.Model):
    """A follow-up slot whose deadline passed with no follow-up, recorded by the
    ``watch_overdue`` job (pages compute overdue on read; this row carries the alert)."""

    key_person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="missed")
    day = models.DateField("日期")
    slot = models.PositiveSmallIntegerField("时段")
    deadline = models.DateTimeField("截止时间")
    detected_at = models.DateTimeField("发现时间", default=timezone.now)

    objects = MissedSlotQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline"]
        verbose_name = "逾期随访"
        verbose_name_plural = "逾期随访"
        constraints = [
            models.UniqueConstraint(fields=["key_person", "day", "slot"], name="missed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} 时段{self.slot}"


DEFAULT_SLOTS = "上午 06:00-12:00；下午 14:00-20:00"
# 疑似失联 after failed attempts in this many slots with no follow-up since.
DEFAULT_LOST_AFTER = 2
MAX_LOST_AFTER = 12


class WatchPolicyQuerySet(ScopedQuerySet):
    scope = "community"


class WatchPolicy(models.Model):
    """Per community: whether key persons may self-report through a personal link, and
    the follow-up slots of a day (label, opening and deadline, local time)."""

    community = models.OneToOneField(
        "areas.Area", verbose_name="社区", on_delete=models.CASCADE, related_name="watch_policy"
    )
    self_report = models.BooleanField("允许本人通过专属链接自报", default=False)
    slots = models.CharField(
        "每日随访时段",
        max_length=200,
        default=DEFAULT_SLOTS,
        help_text="格式：名称 开始-截止，用分号分隔，如“上午 06:00-12:00；下午 14:00-20:00”",
    )
    lost_after = models.PositiveSmallIntegerField(
        "疑似失联：未联系上的时段数",
        default=DEFAULT_LOST_AFTER,
        help_text="自上次随访以来，有这么多个时段都未联系上的人员列为疑似失联",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = WatchPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["community__path"]
        verbose_name = "随访设置"
        verbose_name_plural = "随访设置"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lost_after__gte=1, lost_after__lte=MAX_LOST_AFTER),
                name="watchpolicy_lost_after_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community.name}随访设置"


class PastSlots(models.Model):
    """The follow-up slots a community's policy had before a change of them: in force on
    the days before ``until`` (the day of the change; a change holds from its own day)
    and after the previous change. Past days keep the slots they were due under, so a
    change never makes old days overdue or done."""

    policy = models.ForeignKey(WatchPolicy, on_delete=models.CASCADE, related_name="past_slots")
    until = models.DateField("停用日期")
    slots = models.CharField("每日随访时段", max_length=200)

    class Meta:
        ordering = ["policy", "until"]
        verbose_name = "原随访时段"
        verbose_name_plural = "原随访时段"
        constraints = [
            models.UniqueConstraint(fields=["policy", "until"], name="past_slots_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.slots}（{self.until}前）"


class IntakeQuerySet(ScopedQuerySet):
    scope = "area"


class Intake(models.Model):
    """One committed police list (公安推送名单)."""

    area = models.ForeignKey("areas.Area", verbose_name="导入辖区", on_delete=models.PROTECT)
    filename = models.CharField("文件名", max_length=200, blank=True)
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT)
    measure = models.CharField("管控措施", max_length=12, choices=KeyPerson.Measure.choices)
    found = models.PositiveIntegerField("已匹配", default=0)
    to_locate = models.PositiveIntegerField("待查找", default=0)
    tracked = models.PositiveIntegerField("已在管控", default=0)
    expired = models.PositiveIntegerField("观察期已过", default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("导入时间", default=timezone.now)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "公安推送名单"
        verbose_name_plural = "公安推送名单"

    def __str__(self) -> str:
        return f"{self.filename}（{timezone.localtime(self.created_at):%Y-%m-%d}）"


class LocateTaskQuerySet(ScopedQuerySet):
    scope = "community"

    def pending(self) -> LocateTaskQuerySet:
        return self.filter(status=LocateTask.Status.PENDING)


class LocateTask(pii.EncryptedDocument, pii.EncryptedPhone, models.Model):
    """A listed person not found in the ledger: the community locates them household by
    household and records located / not here / left."""

    class Status(models.TextChoices):
        PENDING = "pending", "待查找"
        LOCATED = "located", "已找到"
        NOT_HERE = "not_here", "查无此人"
        LEFT = "left", "已离开"

    #: Outcomes that may be found wrong and go back to 待查找 (``reopen_refused``).
    REOPENABLE = (Status.NOT_HERE, Status.LEFT)

    intake = models.ForeignKey(
        Intake, null=True, blank=True, on_delete=models.SET_NULL, related_name="locate_tasks"
    )
    community = models.ForeignKey("areas.Area", verbose_name="社区", on_delete=models.PROTECT)
    name = models.CharField("姓名", max_length=50)
    doc_type = models.CharField(
        "证件类型", max_length=10, choices=DocumentType.choices, default=DocumentType.ID_CARD
    )
    doc_enc = models.TextField(blank=True, default="")
    doc_hash = models.CharField(max_length=64, db_index=True)
    doc_last4 = models.CharField(max_length=4, blank=True, default="")
    phone_enc = models.TextField(blank=True, default="")
    arrival_date = models.DateField("抵达日期", null=True, blank=True)
    origin = models.CharField("来源地", max_length=100, blank=True)
    address = models.CharField("住址（名单）", max_length=200, blank=True)
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT)
    measure = models.CharField("管控措施", max_length=12, choices=KeyPerson.Measure.choices)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    key_person = models.ForeignKey(
        KeyPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("下发时间", default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LocateTaskQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "待查找人员"
        verbose_name_plural = "待查找人员"
        constraints = [
            models.UniqueConstraint(
                fields=["community", "doc_hash"],
                condition=models.Q(status="pending"),
                name="locate_one_pending_per_document",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_reopen(self) -> bool:
        return self.status in self.REOPENABLE

    def reopen_refused(self) -> str:
        """Why this task may not go back to 待查找, in Chinese; empty when it may: only
        查无此人 and 已离开 may (已找到 made a ledger person and, mostly, a record)."""
        if self.status == self.Status.PENDING:
            return "该人员仍在待查找中，无需恢复"
        if self.can_reopen:
            return ""
        return (
            f"该人员已记录为“{self.get_status_display()}”并已录入台账，不能恢复为待查找；"
            "如有误，请在其重点人员记录上变更状态"
        )
