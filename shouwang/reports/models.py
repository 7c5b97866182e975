"""Daily reports (日报/零报告), their figures rolled up the tree, reminders, bulletins.

``IndicatorDefinition`` rows are what HQ edits (order, label, retired, manual ones);
the computing code lives in the registry (``indicators.py``). ``DailyReport`` is one
community's report of one day with its ``ReportValue`` rows and the ``ReportRevision``
history. ``DailyFigure`` is the pre-aggregated table the HQ pages and the dashboard
read: one row per area (community and every level above) and day.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core.access import ScopedQuerySet
from shouwang.core.models import TimeStampedModel
from shouwang.core.text import day_label

from . import days
from .indicators import CODE_RE, FLOW, STOCK, Indicator, registry


class IndicatorDefinitionQuerySet(models.QuerySet):
    def active(self) -> IndicatorDefinitionQuerySet:
        return self.filter(active=True)


class IndicatorDefinition(TimeStampedModel):
    class Kind(models.TextChoices):
        FLOW = FLOW, "当日新增（可累计）"
        STOCK = STOCK, "截止时点数"

    class Source(models.TextChoices):
        AUTO = "auto", "系统统计"
        MANUAL = "manual", "社区填报"

    code = models.CharField(
        "代码",
        max_length=40,
        unique=True,
        validators=[RegexValidator(CODE_RE, "只能用小写字母、数字和下划线，字母开头")],
    )
    label = models.CharField("名称", max_length=40)
    unit = models.CharField("单位", max_length=10, blank=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.FLOW)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    incident = models.BooleanField(
        "零报告须为0", default=False, help_text="非0表示有新情况，此时不能零报告"
    )
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    description = models.CharField("说明", max_length=200, blank=True)

    objects = IndicatorDefinitionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "日报指标"
        verbose_name_plural = "日报指标"

    def __str__(self) -> str:
        return self.label

    def check_code_free(self) -> None:
        """Refuse a code another definition (a retired one too) holds."""
        taken = IndicatorDefinition.objects.filter(code=self.code).exclude(pk=self.pk).first()
        if taken is not None:
            raise ValidationError(
                f"代码“{self.code}”已被指标“{taken.label}”使用"
                + ("（已停用）" if not taken.active else "")
                + "，请换一个代码"
            )

    @property
    def indicator(self) -> Indicator | None:
        """The registry entry (None: a manual indicator HQ added, or a retired module)."""
        return registry().get(self.code)

    @property
    def available(self) -> bool:
        return self.source == self.Source.MANUAL or self.indicator is not None

    @property
    def manual(self) -> bool:
        indicator = self.indicator
        return indicator.manual if indicator is not None else self.source == self.Source.MANUAL

    @property
    def ratio(self) -> tuple[str, str] | None:
        indicator = self.indicator
        return indicator.ratio if indicator is not None else None

    @property
    def is_flow(self) -> bool:
        return self.kind == self.Kind.FLOW

    def value_in(self, values: Mapping[str, Any] | None) -> Any:
        """This indicator's figure in a stored row's ``values`` (None: none). A rate
        is read only beside its numerator: a row rolled up under an earlier definition
        of the rate has none (入户登记率 before 计入登记率户数 was counted, 已登记户数 ÷
        应登记户数, up to 137.5 %), and the rate it holds is not this indicator's."""
        if values is None:
            return None
        ratio = self.ratio
        if ratio is not None and ratio[0] not in values:
            return None
        return values.get(self.code)

    @property
    def heading(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


class DailyReportQuerySet(ScopedQuerySet):
    scope = "community"

    def for_day(self, day: Any) -> DailyReportQuerySet:
        return self.filter(day=day)

    def expected_on(self, day: Any) -> DailyReportQuerySet:
        """The reports of ``day`` of the communities that report it (from their first
        day on; see ``days.expected_on``)."""
        return self.filter(days.expected_on(day, prefix="community__"), day=day)

    def submitted(self) -> DailyReportQuerySet:
        return self.filter(status=DailyReport.Status.SUBMITTED)


class DailyReport(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "未提交"
        SUBMITTED = "submitted", "已上报"

    community = models.ForeignKey(
        "areas.Area", verbose_name="社区", on_delete=models.PROTECT, related_name="daily_reports"
    )
    day = models.DateField("日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_zero = models.BooleanField("零报告", default=False)
    late = models.BooleanField("迟报", default=False)
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    amendments = models.PositiveSmallIntegerField("更正次数", default=0)
    note = models.TextField("情况说明", blank=True)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "community__path"]
        verbose_name = "日报"
        verbose_name_plural = "日报"
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="report_once_per_day"),
        ]
        indexes = [models.Index(fields=["day", "status"], name="report_day_status")]

    def __str__(self) -> str:
        return f"{self.community.name} {day_label(self.day, year=True)}日报"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def status_label(self) -> str:
        if not self.is_submitted:
            return "未报"
        label = "零报告" if self.is_zero else "已报"
        return f"{label}（迟报）" if self.late else label


class ReportValue(models.Model):
    """One figure of a report: what the system counted and what the community stands by."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="values")
    code = models.CharField("指标", max_length=40)
    # What the system counted, as counted: below 0 when the data are wrong (supplies
    # issued with a time before their receipt), which the community corrects with a reason.
    auto_value = models.IntegerField("系统统计", null=True, blank=True)
    value = models.PositiveIntegerField("上报数")
    # As long as an amendment's 更正原因, which serves a changed figure given none of its own.
    reason = models.CharField("更正原因", max_length=500, blank=True)

    class Meta:
        ordering = ["report", "code"]
        verbose_name = "日报数值"
        verbose_name_plural = "日报数值"
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="report_value_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"


class ReportRevision(models.Model):
    """The report as it stood after each submission or amendment (kept forever)."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", "上报"
        ZERO = "zero", "零报告"
        AMEND = "amend", "更正"

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField("版本")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    values = models.JSONField("数值", default=dict)
    changes = models.JSONField("变更", default=list)
    reason = models.TextField("原因", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["report", "number"]
        verbose_name = "日报版本"
        verbose_name_plural = "日报版本"
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class DailyFigureQuerySet(ScopedQuerySet):
    scope = "area"

    def missing(self) -> DailyFigureQuerySet:
        """The rows of the communities that have not reported their day (a community
        not reporting yet, before its first day, counts 0 communities: not missing)."""
        return self.filter(area__kind=Area.Kind.COMMUNITY, communities__gt=F("submitted"))


class DailyFigure(models.Model):
    """Pre-aggregated figures of one area and day, filled by the roll-up and kept
    current by submissions. ``values`` are the official figures (the community's
    submitted report, else what the system counted), ``auto`` what the system counted
    (community rows only);
    ``hourly`` holds 24 hourly counts for indicators that offer them. ``communities``
    counts the communities that report the day: a community's row has 0 for a day
    before its first day (not expected, so not missing)."""

    # Indexed by the (area, day) constraint; a row is written for every area each
    # roll-up, so no further index.
    area = models.ForeignKey(
        "areas.Area", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    values = models.JSONField(default=dict)
    auto = models.JSONField(default=dict)
    hourly = models.JSONField(default=dict)
    communities = models.PositiveIntegerField(default=0)
    submitted = models.PositiveIntegerField(default=0)
    zero = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = DailyFigureQuerySet.as_manager()

    class Meta:
        ordering = ["day", "area__path"]
        verbose_name = "日汇总"
        verbose_name_plural = "日汇总"
        constraints = [
            models.UniqueConstraint(fields=["area", "day"], name="figure_once_per_area_day"),
        ]
        indexes = [models.Index(fields=["day", "area"], name="figure_day_area")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day}"

    @property
    def missing(self) -> int:
        return self.communities - self.submitted


class ReminderQuerySet(ScopedQuerySet):
    scope = "community"


class Reminder(models.Model):
    """A reminder the scheduled job left for a community that has not reported."""

    class Kind(models.TextChoices):
        DUE = "due", "请及时上报"
        OVERDUE = "overdue", "已逾期未报"

    community = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日报日期")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    message = models.CharField("内容", max_length=200)
    created_at = models.DateTimeField("提醒时间", default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "日报提醒"
        verbose_name_plural = "日报提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "kind"], name="reminder_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.message


class BulletinTemplate(TimeStampedModel):
    """HQ's template of the daily bulletin for its area (the nearest one applies)."""

    area = models.OneToOneField("areas.Area", on_delete=models.CASCADE, related_name="+")
    text = models.TextField("通报模板")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["area__path"]
        verbose_name = "通报模板"
        verbose_name_plural = "通报模板"

    def __str__(self) -> str:
        return f"通报模板（{self.area_id}）"


class BulletinQuerySet(ScopedQuerySet):
    scope = "area"


class Bulletin(TimeStampedModel):
    """A bulletin as HQ edited and kept it for one area and day."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    text = models.TextField("通报")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        verbose_name = "通报"
        verbose_name_plural = "通报"
        constraints = [
            models.UniqueConstraint(fields=["area", "day"], name="bulletin_once_per_area_day"),
        ]

    def __str__(self) -> str:
        return f"通报 {self.day}"
