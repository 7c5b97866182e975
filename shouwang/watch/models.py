"""Key persons under observation, their alerts, and leads awaiting confirmation."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from shouwang.core.access import ScopedQuerySet
from shouwang.core.models import TimeStampedModel


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


class KeyPersonQuerySet(ScopedQuerySet):
    scope = "area"

    def active(self) -> KeyPersonQuerySet:
        return self.filter(status=KeyPerson.Status.ACTIVE)

    def for_person(self, person_id: int) -> KeyPersonQuerySet:
        return self.filter(person_id=person_id)


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

    objects = KeyPersonQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = "重点人员"
        verbose_name_plural = "重点人员"
        indexes = [models.Index(fields=["person", "status"], name="keyperson_person_status")]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.category.name}）"

    @staticmethod
    def default_end(start, category: Category):
        return start + timedelta(days=category.default_days)


class AlertQuerySet(ScopedQuerySet):
    scope = "area"

    def open(self) -> AlertQuerySet:
        return self.filter(handled_at__isnull=True)


class Alert(models.Model):
    """Something that needs a person to act now: a fever at a checkpoint, a key person
    seen at a checkpoint, an abnormal or overdue follow-up. Details are written masked."""

    class Kind(models.TextChoices):
        FEVER = "fever", "发热"
        OBSERVED_AT_CHECKPOINT = "observed_checkin", "管控人员出行"
        SYMPTOM = "symptom", "随访异常"
        OVERDUE = "overdue", "随访逾期"
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

    def mark_handled(self, *, by, note: str = "") -> None:
        self.handled_at = timezone.now()
        self.handled_by = by
        self.handled_note = note[:200]
        self.save(update_fields=["handled_at", "handled_by", "handled_note"])


class LeadQuerySet(ScopedQuerySet):
    scope = "area"

    def pending(self) -> LeadQuerySet:
        return self.filter(status=Lead.Status.NEW)


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
