"""Checkpoints, passes, per-area pass rules and the check-in log.

``CheckIn`` is the hot table: one narrow row per passage (a person, or a vehicle with
its occupants), written by a resident's one-tap self-scan, by staff at the post, or by
the batch API. Its indexes serve the reads other modules need and nothing more:
``(checkpoint, at, person)`` for the live list, the daily roll-up (one range per
checkpoint of an area) and presence tracing (who passed in a window, read from the
index alone), ``(person, at)`` for a person's trail and the household outing quota,
and the unique ``client_id`` that makes every write idempotent. On PostgreSQL the table
is partitioned by local day (``partitions``): keys then include ``at``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import CharField, Count, F, Func, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core import pii
from shouwang.core.access import ScopedQuerySet
from shouwang.core.models import TimeStampedModel, public_code

FEVER_THRESHOLD = Decimal("37.3")
# The reasons of a passage (``rules.judge``) that ask staff at the post to take a
# temperature, and what each still says once one is taken or the person turned back.
KEY_PERSON_MEASURE = "健康监测期内，请配合测温"
SYMPTOMS_MEASURE = "申报有咳嗽、乏力等症状，请值守人员复测体温"
STRICT_AREA_MEASURE = "重点区域通行从严，请值守人员测温登记"
MEASURE_DONE = {
    KEY_PERSON_MEASURE: "健康监测期内",
    SYMPTOMS_MEASURE: "申报有咳嗽、乏力等症状",
    STRICT_AREA_MEASURE: "重点区域通行从严",
}
# A retried write (a resent form, a double tap, a staff scan sent again) is recognised by
# its client id within this window of its time, as idempotency keys are elsewhere; an
# offline upload sent again carries the same time and is always recognised. On
# PostgreSQL the bound also keeps the lookup to those days' partitions (see partitions).
RETRY_WINDOW = timedelta(days=1)


class CheckpointQuerySet(ScopedQuerySet):
    scope = "area"

    def active(self) -> CheckpointQuerySet:
        return self.filter(active=True)

    def with_staff_count(self) -> CheckpointQuerySet:
        """Annotate ``staff_count``: the active accounts assigned to each checkpoint."""
        return self.annotate(staff_count=Count("staff", filter=Q(staff__is_active=True)))

    def open_during(self, start: datetime, end: datetime) -> CheckpointQuerySet:
        """Active checkpoints, set up before ``end``, whose daily opening hours meet
        [start, end) (local time). Windows of a day or more meet every such checkpoint."""
        qs = self.active().filter(created_at__lt=end)
        if end - start >= timedelta(days=1):
            return qs
        s, e = timezone.localtime(start).time(), timezone.localtime(end).time()
        always = Q(opens_at__isnull=True) | Q(closes_at__isnull=True)
        overnight = Q(closes_at__lt=F("opens_at"))  # open [opens, 24:00) and [0:00, closes)
        if s <= e:
            meets = (~overnight & Q(opens_at__lt=e, closes_at__gt=s)) | (
                overnight & (Q(opens_at__lt=e) | Q(closes_at__gt=s))
            )
        else:  # the window crosses midnight: [s, 24:00) and [0:00, e)
            meets = overnight | Q(opens_at__lt=e) | Q(closes_at__gt=s)
        return qs.filter(always | meets)


class Checkpoint(TimeStampedModel):
    class Kind(models.TextChoices):
        GATE = "gate", "小区门岗"
        VILLAGE = "village", "村口"
        ROAD = "road", "道路卡口"
        HIGHWAY = "highway", "高速卡口"
        STATION = "station", "车站"
        MARKET = "market", "市场"

    class Directions(models.TextChoices):
        BOTH = "both", "进出"
        IN = "in", "只进"
        OUT = "out", "只出"

    area = models.ForeignKey(
        "areas.Area", verbose_name="所属辖区", on_delete=models.PROTECT, related_name="checkpoints"
    )
    name = models.CharField("卡点名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.GATE)
    directions = models.CharField(
        "通行方向", max_length=4, choices=Directions.choices, default=Directions.BOTH
    )
    opens_at = models.TimeField("开放时间", null=True, blank=True, help_text="留空表示24小时")
    closes_at = models.TimeField("关闭时间", null=True, blank=True)
    code = models.CharField(max_length=24, unique=True, default=public_code, editable=False)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="值守人员", blank=True, related_name="checkpoints"
    )
    active = models.BooleanField("启用", default=True)
    notes = models.TextField("备注", blank=True)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["area__path", "name"]
        verbose_name = "卡点"
        verbose_name_plural = "卡点"
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="checkpoint_unique_name"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False),
                name="checkpoint_hours_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hours_label(self) -> str:
        """The hours as every page, poster and audit entry says them: hours that cross
        midnight close the next day (22:00–次日06:00), and closing at midnight is 24:00."""
        if self.opens_at is None:
            return "24小时"
        if self.closes_at == time(0):
            return f"{self.opens_at:%H:%M}–24:00"
        if self.closes_at < self.opens_at:
            return f"{self.opens_at:%H:%M}–次日{self.closes_at:%H:%M}"
        return f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def is_open_at(self, moment: datetime) -> bool:
        if self.opens_at is None:
            return True
        now = timezone.localtime(moment).time()
        if self.opens_at <= self.closes_at:
            return self.opens_at <= now < self.closes_at
        return now >= self.opens_at or now < self.closes_at  # overnight

    def allowed_directions(self) -> list[str]:
        if self.directions == self.Directions.BOTH:
            return [CheckIn.Direction.IN, CheckIn.Direction.OUT]
        return [self.directions]

    def out_of_reach(self, users: Any) -> list[Any]:
        """The users who could not open this post's console: their area does not hold
        the checkpoint's (staff see only their own area's subtree)."""
        return [u for u in users if u.area is None or not self.area.is_within(u.area)]

    def check_name_free(self) -> None:
        """Refuse a name another checkpoint of the same area bears."""
        if Checkpoint.objects.filter(area=self.area, name=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": "该辖区已有同名卡点"})

    def rotate_code(self) -> None:
        """A new public code (old posters stop working)."""
        self.code = public_code()
        self.save(update_fields=["code", "updated_at"])


class PassRuleQuerySet(ScopedQuerySet):
    scope = "area"


class PassRule(TimeStampedModel):
    """Pass rules of an area and its subtree (the nearest ancestor's rule applies)."""

    class Visitors(models.TextChoices):
        ALLOWED = "allowed", "允许访客"
        REGISTERED = "registered", "访客须经值守登记"
        REFUSED = "refused", "谢绝访客"

    area = models.OneToOneField(
        "areas.Area", verbose_name="辖区", on_delete=models.CASCADE, related_name="pass_rule"
    )
    visitors = models.CharField(
        "访客", max_length=10, choices=Visitors.choices, default=Visitors.REGISTERED
    )
    outing_quota = models.PositiveSmallIntegerField(
        "每户每天外出次数上限",
        null=True,
        blank=True,
        help_text="如“一户一人一天一次”填 1；留空表示不限",
    )

    objects = PassRuleQuerySet.as_manager()

    class Meta:
        ordering = ["area__path"]
        verbose_name = "通行规则"
        verbose_name_plural = "通行规则"

    def __str__(self) -> str:
        return f"{self.area.name}通行规则"

    @property
    def outing_quota_label(self) -> str:
        """The quota as pages and the audit say it: empty is no limit; 0 is enforced
        (every outing is red), so it must never read as 不限."""
        if self.outing_quota is None:
            return "不限"
        if self.outing_quota == 0:
            return "0（暂停外出）"
        return str(self.outing_quota)


class PassQuerySet(ScopedQuerySet):
    scope = "person__area"

    def usable(self) -> PassQuerySet:
        return self.filter(revoked_at__isnull=True)

    def printable_cards(self) -> PassQuerySet:
        """Printed cards not revoked, oldest first: a card issued meanwhile joins the
        last batch of a print run instead of shifting every batch by one."""
        return self.usable().filter(kind=Pass.Kind.CARD).order_by("created_at", "pk")


class Pass(TimeStampedModel):
    """出入证. A phone pass is what a resident's phone remembers after registering
    (its QR refreshes every minute); a card is printed for people without a phone
    (long-lived). Both can be revoked. A phone pass keeps the declaration made when it
    was registered; its holder declares again at every scan (``declarations``)."""

    class Kind(models.TextChoices):
        PHONE = "phone", "手机出入证"
        CARD = "card", "纸质出入证"

    person = models.ForeignKey(
        "people.Person", verbose_name="人员", on_delete=models.CASCADE, related_name="passes"
    )
    kind = models.CharField("类型", max_length=5, choices=Kind.choices, default=Kind.PHONE)
    code = models.CharField(max_length=24, unique=True, default=public_code, editable=False)
    registered_at = models.ForeignKey(
        Checkpoint, verbose_name="登记卡点", null=True, blank=True, on_delete=models.SET_NULL
    )
    visitor = models.BooleanField("访客", default=False)
    visiting = models.CharField("拜访对象", max_length=100, blank=True)
    visit_reason = models.CharField("来访事由", max_length=100, blank=True)
    # Health declaration (申报): symptoms now, risky travel or contact in 14 days.
    fever = models.BooleanField("发热", default=False)
    cough = models.BooleanField("咳嗽", default=False)
    other_symptoms = models.CharField("其他症状", max_length=100, blank=True)
    risk_travel = models.BooleanField("14天内到过风险地区", default=False)
    risk_contact = models.BooleanField("接触过病例或疑似病例", default=False)
    declared_at = models.DateTimeField("申报时间", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_until = models.DateField("有效期至", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The id the card form's page was drawn with: a double click on 发放纸质出入证, or
    # the form sent again, returns the card it issued instead of issuing a second.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = PassQuerySet.as_manager()

    # What a self-registration answers (actions.Registration has the same names).
    REGISTRATION_FIELDS = (
        "visitor",
        "visiting",
        "visit_reason",
        "fever",
        "cough",
        "other_symptoms",
        "risk_travel",
        "risk_contact",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "出入证"
        verbose_name_plural = "出入证"

    def __str__(self) -> str:
        return f"{self.person.name}的{self.get_kind_display()}"

    def register_again(self, answers: Any) -> None:
        """Its holder registered again on a phone that holds it: the pass keeps the new
        answers (visitor or resident, whom and why, the declaration) from now on."""
        for name in self.REGISTRATION_FIELDS:
            setattr(self, name, getattr(answers, name))
        self.declared_at = timezone.now()
        self.save(update_fields=[*self.REGISTRATION_FIELDS, "declared_at", "updated_at"])

    def is_usable(self, on: date | None = None) -> bool:
        """Not revoked, and valid on the local day ``on`` (default today)."""
        if self.revoked_at is not None:
            return False
        return self.valid_until is None or self.valid_until >= (on or timezone.localdate())

    def revoke(self, *, by: Any) -> None:
        self.revoked_at = timezone.now()
        self.revoked_by = by
        self.save(update_fields=["revoked_at", "revoked_by", "updated_at"])


def checkin_figures() -> dict[str, Any]:
    """Aggregates shared by every count: a row counts its occupants as people (a
    vehicle's, or a group turned back on foot), else one person."""
    head = Coalesce("occupants", Value(1), output_field=IntegerField())
    back = Q(status="turned_back")
    return {
        "people_in": Coalesce(Sum(head, filter=~back & Q(direction="in")), 0),
        "people_out": Coalesce(Sum(head, filter=~back & Q(direction="out")), 0),
        "people_turned_back": Coalesce(Sum(head, filter=back), 0),
        "vehicles_checked": Count("pk", filter=Q(subject="v")),
        "vehicles_turned_back": Count("pk", filter=back & Q(subject="v")),
        "fevers": Count("pk", filter=Q(temperature__gte=FEVER_THRESHOLD)),
        "declared": Count("pk", filter=Q(status="declared")),
        "confirmed": Count("pk", filter=Q(status="confirmed")),
        "checkins": Count("pk"),
    }


class CheckInQuerySet(ScopedQuerySet):
    # A passage belongs to the area its checkpoint lay in when it was made.
    scope = "area"

    def between(self, start: datetime, end: datetime) -> CheckInQuerySet:
        """Rows in [start, end)."""
        return self.filter(at__gte=start, at__lt=end)

    def sent_with(self, client_id: Any, *, around: datetime) -> CheckInQuerySet:
        """Rows a write with this client id stored or confirmed (a staff scan's id on
        the self-scan it confirmed), within ``RETRY_WINDOW`` of ``around``."""
        return self.filter(
            Q(client_id=client_id) | Q(confirm_client_id=client_id),
            at__gte=around - RETRY_WINDOW,
            at__lte=around + RETRY_WINDOW,
        )

    def recent_first(self, pk: int, *, since: datetime) -> CheckIn | None:
        """The row ``pk``, looked for since ``since`` first (on PostgreSQL, a day
        partition or two), then among every day kept (a page left open since)."""
        return self.filter(pk=pk, at__gte=since).first() or self.filter(pk=pk).first()

    def at_checkpoints(self, checkpoints: Any) -> CheckInQuerySet:
        """Rows of these checkpoints; a materialized id list so the database walks the
        (checkpoint, at) index once per checkpoint instead of joining on the tree."""
        ids = list(checkpoints.values_list("pk", flat=True))
        return self.filter(checkpoint_id__in=ids)

    def in_community(self, community: Any) -> CheckInQuerySet:
        """Passages made in the community's subtree (where the checkpoint lay then: a
        checkpoint moved since leaves its past passages here); an id list of the
        subtree's areas, no join on the big table."""
        areas = list(Area.objects.within(community).values_list("pk", flat=True))
        return self.filter(area_id__in=areas)

    def per_checkpoint_and_area(self) -> dict[tuple[int, int], dict[str, int]]:
        """Figures per checkpoint and the area it lay in at the passages:
        {(checkpoint_id, area_id): {...}} (two entries for a checkpoint moved that day)."""
        rows = self.order_by().values("checkpoint_id", "area_id").annotate(**checkin_figures())
        return {(row.pop("checkpoint_id"), row.pop("area_id")): row for row in rows}

    def outings(self) -> CheckInQuerySet:
        """Passages out that were let through (the household quota counts these)."""
        return self.filter(direction=CheckIn.Direction.OUT, result__in=["g", "y"]).exclude(
            status=CheckIn.Status.TURNED_BACK
        )

    def figures(self) -> dict[str, int]:
        """The seed reports' figures for these rows (people count a row's occupants)."""
        row = self.aggregate(**checkin_figures(), staff_on_duty=Count("recorded_by", distinct=True))
        row["people_checked"] = row["people_in"] + row["people_out"] + row["people_turned_back"]
        return {k: int(v or 0) for k, v in row.items()}

    def per_checkpoint(self) -> dict[int, dict[str, int]]:
        """Figures per checkpoint: {checkpoint_id: {...}}."""
        return {
            row.pop("checkpoint_id"): row
            for row in self.order_by().values("checkpoint_id").annotate(**checkin_figures())
        }

    def by_hour(self) -> list[dict[str, Any]]:
        """Figures per checkpoint, the area it lay in and local hour: [{"checkpoint_id",
        "area_id", "hour", ...}], "hour" an aware datetime."""
        tz = timezone.get_current_timezone()
        if connections[self.db].vendor != "sqlite":
            hour = TruncHour("at", tzinfo=tz)
        else:
            # Django converts time zones on SQLite in Python, row by row (3.3 s for a day
            # of 160k passages); SQLite's own strftime with the zone's current offset does
            # it in C. Exact for zones without daylight saving, such as Asia/Shanghai.
            offset = int(timezone.localtime().utcoffset().total_seconds())
            hour = Func(
                F("at"),
                Value(f"{offset:+d} seconds"),
                template="strftime('%%Y-%%m-%%d %%H:00:00', %(expressions)s)",
                output_field=CharField(),
            )
        rows = list(
            self.annotate(hour=hour)
            .order_by()
            .values("checkpoint_id", "area_id", "hour")
            .annotate(**checkin_figures())
            .order_by("checkpoint_id", "hour", "area_id")
        )
        for row in rows:
            if isinstance(row["hour"], str):
                row["hour"] = datetime.strptime(row["hour"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
        return rows

    def community_figures(self, community: Any, start: datetime, end: datetime) -> dict[str, int]:
        """Per community for [start, end): people and vehicles checked and turned back,
        fevers, declared/confirmed, checkpoints open and staff on duty (staff who
        recorded a passage in the window)."""
        checkpoints = Checkpoint.objects.within(community)
        figures = self.in_community(community).between(start, end).figures()
        figures["checkpoints_open"] = checkpoints.open_during(start, end).count()
        return figures


class CheckIn(models.Model):
    """One passage at a checkpoint. Written once; staff later confirm a self-scan,
    add a measured temperature, or settle its result."""

    class Direction(models.TextChoices):
        IN = "in", "进"
        OUT = "out", "出"

    class Subject(models.TextChoices):
        PERSON = "p", "人员"
        VEHICLE = "v", "车辆"

    class Source(models.TextChoices):
        SELF = "self", "扫码自助"
        PASS = "pass", "查验出入证"
        STAFF = "staff", "值守登记"
        API = "api", "离线上传"

    class Status(models.TextChoices):
        DECLARED = "declared", "自助申报待确认"
        CONFIRMED = "confirmed", "值守已确认"
        TURNED_BACK = "turned_back", "劝返"

    class Result(models.TextChoices):
        GREEN = "g", "绿"
        YELLOW = "y", "黄"
        RED = "r", "红"

    client_id = models.UUIDField(unique=True)
    # Single-column FK indexes are left out where a composite index leads with the
    # column (checkpoint, person) or the referenced rows are never deleted (users).
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="checkins", db_index=False
    )
    # The area the checkpoint lay in at the passage: counts of past days stay with it
    # when the checkpoint is moved to another area. No index of its own: reads narrow by
    # checkpoint and time first.
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="所属辖区",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField("时间", default=timezone.now)
    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    subject = models.CharField("对象", max_length=1, choices=Subject.choices, default="p")
    source = models.CharField("方式", max_length=5, choices=Source.choices)
    status = models.CharField("状态", max_length=11, choices=Status.choices)
    result = models.CharField("结果", max_length=1, choices=Result.choices)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    pass_used = models.ForeignKey(
        Pass, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    temperature = models.DecimalField("体温", max_digits=3, decimal_places=1, null=True, blank=True)
    # A later reading (复测) decides the passage; the first abnormal one it replaced stays.
    first_fever = models.DecimalField(
        "首测异常体温", max_digits=3, decimal_places=1, null=True, blank=True
    )
    plate = models.CharField("车牌", max_length=12, blank=True)
    occupants = models.PositiveSmallIntegerField("车上人数", null=True, blank=True)
    visitor = models.BooleanField("访客", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    # Staff who scanned the pass of a person whose self-scan here was still declared
    # confirmed that row instead of adding a passage: their scan's client id, so that a
    # retried scan finds the row it confirmed (see actions.scan_pass).
    confirm_client_id = models.UUIDField(null=True, blank=True, editable=False)
    # The resident's health declaration made with this passage (self-scans: every tap
    # carries it). ``fever`` is null on rows that carry none (staff rows). Risky travel
    # and contact carry the local day they were first declared: they lapse 14 days later.
    fever = models.BooleanField("申报发热", null=True, blank=True)
    cough = models.BooleanField("申报咳嗽、乏力", null=True, blank=True)
    other_symptoms = models.CharField(
        "申报其他症状", max_length=100, blank=True, default="", db_default=""
    )
    travel_since = models.DateField("申报到过风险地区（首次申报日）", null=True, blank=True)
    contact_since = models.DateField("申报接触病例（首次申报日）", null=True, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "通行记录"
        verbose_name_plural = "通行记录"
        indexes = [
            # person last: presence tracing reads who passed a checkpoint in a window
            # from the index alone (an index-only scan, no heap visits).
            models.Index(
                fields=["checkpoint", "at", "person"], name="checkin_checkpoint_at_person"
            ),
            models.Index(fields=["person", "at"], name="checkin_person_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(temperature__isnull=True) | Q(temperature__gte=30, temperature__lte=45),
                name="checkin_temperature_range",
            ),
            # Partial: the rows no staff scan confirmed (nearly all) cost no index entry.
            models.UniqueConstraint(
                fields=["confirm_client_id"],
                condition=Q(confirm_client_id__isnull=False),
                name="checkin_unique_confirm_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.at:%Y-%m-%d %H:%M} {self.get_direction_display()}"

    @property
    def color(self) -> str:
        return {"g": "green", "y": "yellow", "r": "red"}[self.result]

    # The result page reads these on every scan: an enum lookup, not get_FOO_display(),
    # which re-flattens the field's choices on each call.
    @property
    def result_label(self) -> str:
        return CheckIn.Result(self.result).label

    @property
    def direction_label(self) -> str:
        return CheckIn.Direction(self.direction).label

    @property
    def is_fever(self) -> bool:
        return self.temperature is not None and self.temperature >= FEVER_THRESHOLD

    @property
    def self_scan_seen(self) -> str:
        """What staff at the post made of the person's own self-scan, as the console's
        verdict says it after 本人HH:MM已扫码申报 ("" for any other row): a staff pass scan
        that found it (its ``confirm_client_id``) confirmed or kept it instead of adding a
        second passage; a row's 确认在场 just confirmed the person there."""
        if self.source != CheckIn.Source.SELF:
            return ""
        scanned = self.confirm_client_id is not None
        if self.status == CheckIn.Status.CONFIRMED:
            return "已确认为同一次通行（不重复登记）" if scanned else "已确认在场"
        if self.status == CheckIn.Status.TURNED_BACK and scanned:
            return "已按规定劝返（不重复登记）"
        return ""

    @property
    def note_at_post(self) -> str:
        """The note as the post's console shows it: an instruction to take a temperature
        reads as its fact alone once one is taken or the person turned back."""
        if self.temperature is None and self.status != CheckIn.Status.TURNED_BACK:
            return self.note
        return "；".join(MEASURE_DONE.get(part, part) for part in self.note.split("；"))


class Visit(models.Model):
    """A visitor's details for one check-in (name and phone as written at the post)."""

    # No database foreign key: on PostgreSQL the check-in table is partitioned by day and
    # its ids are unique per partition only (a key would need ``at`` too). The row is
    # written with its check-in in one transaction; deleting a check-in through the ORM
    # cascades here, and retention deletes a day's visits before the day
    # (``partitions.drop_days_before``).
    checkin = models.OneToOneField(
        CheckIn, on_delete=models.CASCADE, related_name="visit", db_constraint=False
    )
    name = models.CharField("姓名", max_length=50)
    phone_enc = models.TextField(blank=True, default="")
    visiting = models.CharField("拜访对象", max_length=100, blank=True)
    reason = models.CharField("来访事由", max_length=100, blank=True)

    class Meta:
        ordering = ["-checkin_id"]
        verbose_name = "访客登记"
        verbose_name_plural = "访客登记"

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(pii.decrypt(self.phone_enc))

    def set_phone(self, phone: str) -> None:
        self.phone_enc = pii.encrypt(phone)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[00:00, next 00:00) of a local calendar day, as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)
