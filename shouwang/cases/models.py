"""Cases, their close contacts, key areas, and presence traces.

A ``Case`` is one person's record (疑似 → 确诊 → 治愈 …) with its history in
``CaseEvent``. A ``Contact`` is a person who met a case (密接) or met one of its close
contacts (次密接, ``via``). A ``KeyArea`` marks a compound or building with cases or
contacts for a period; its households are followed up daily (``HouseholdVisit``, with a
``HouseholdFinding`` per member found unwell). A
``Trace`` is one audited presence query over check-ins and its
``TraceHit`` rows are the persons it found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Substr, TruncDate
from django.utils import timezone

from shouwang.areas.models import SEGMENT, Area
from shouwang.core import pii
from shouwang.core.access import ScopedQuerySet
from shouwang.core.models import TimeStampedModel
from shouwang.core.text import day_label
from shouwang.people.models import Person
from shouwang.watch.models import (
    FEVER_FROM,
    PLAUSIBLE_TEMPERATURE,
    Category,
    FollowUp,
    KeyPerson,
)

# The names of the key-person categories HQ keeps (seeded by watch's migration 0003):
# a contact is observed under the entry HQ edits, for its days.
CLOSE_CONTACT_CATEGORY = "密切接触者"
SECONDARY_CONTACT_CATEGORY = "次密接"
OBSERVATION_DAYS = 14

# Contacts are traced from two days before onset (or before the report, for a case
# without symptoms): the usual definition of the infectious period for close contacts.
INFECTIOUS_LEAD_DAYS = 2


class TreatmentInstitution(TimeStampedModel):
    """Editable list (HQ): where cases are treated (收治机构) — 定点医院, 发热门诊 … —
    so that one hospital is one name in lists and counts."""

    class Kind(models.TextChoices):
        DESIGNATED = "designated", "定点医院"
        FEVER_CLINIC = "fever_clinic", "发热门诊"
        SHELTER = "shelter", "方舱医院"
        OTHER = "other", "其他"

    name = models.CharField("机构名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=14, choices=Kind.choices, default=Kind.DESIGNATED)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "收治机构"
        verbose_name_plural = "收治机构"

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(ScopedQuerySet):
    scope = "area"

    def of_classification(self, classification: str) -> CaseQuerySet:
        return self.filter(classification=classification)

    def open(self) -> CaseQuerySet:
        return self.filter(classification__in=Case.OPEN)

    def closed(self) -> CaseQuerySet:
        """治愈, 排除 or 死亡: no longer under treatment."""
        return self.exclude(classification__in=Case.OPEN)

    def away_from_home(self) -> CaseQuerySet:
        """Cases whose person is not at home: dead (死亡), or an open case (疑似, 确诊,
        无症状) with a 收治机构 (in hospital or a designated facility). A case 治愈 or
        排除 is home again, whatever facility treated it; an open case with no 收治机构
        is at home (isolated at home, or waiting for a transfer)."""
        return self.filter(
            models.Q(classification=Case.Classification.DIED)
            | models.Q(classification__in=Case.OPEN, institution__isnull=False)
        )

    def not_observed_as_contacts(self) -> CaseQuerySet:
        """Cases whose person is not put under observation as someone's contact: an
        infected case is cared for as a case, and the dead need none."""
        return self.filter(classification__in=(*Case.INFECTED, Case.Classification.DIED))

    def treated_in(self, institution: TreatmentInstitution) -> CaseQuerySet:
        return self.filter(institution=institution)

    def search(self, q: str) -> CaseQuerySet:
        q = q.strip()
        if not q:
            return self
        condition = (
            models.Q(person__name__icontains=q)
            | models.Q(person__name_initials__startswith=q.lower())
            | models.Q(institution__name__icontains=q)
        )
        if len(q) == 4:
            condition |= models.Q(person__doc_tail=pii.tail_hash(q)) | models.Q(
                person__phone_last4=q
            )
        return self.filter(condition)


class Case(TimeStampedModel):
    class Classification(models.TextChoices):
        SUSPECTED = "suspected", "疑似"
        CONFIRMED = "confirmed", "确诊"
        ASYMPTOMATIC = "asymptomatic", "无症状感染者"
        EXCLUDED = "excluded", "排除"
        RECOVERED = "recovered", "治愈"
        DIED = "died", "死亡"

    # Which classification may follow which (复阳: a recovered case confirmed again; a
    # suspected case may die before it is confirmed, and an asymptomatic carrier of
    # another cause — one who falls ill first becomes 确诊).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Classification.SUSPECTED: frozenset({"confirmed", "asymptomatic", "excluded", "died"}),
        Classification.ASYMPTOMATIC: frozenset({"confirmed", "recovered", "excluded", "died"}),
        Classification.CONFIRMED: frozenset({"recovered", "died"}),
        Classification.EXCLUDED: frozenset({"suspected"}),
        Classification.RECOVERED: frozenset({"confirmed", "asymptomatic"}),
        Classification.DIED: frozenset(),
    }
    OPEN = ("suspected", "confirmed", "asymptomatic")
    INFECTED = ("confirmed", "asymptomatic")
    # A case in these with a confirmation date has been confirmed: the date stays.
    CONFIRMED_BEFORE = ("confirmed", "recovered", "died")

    person = models.ForeignKey(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="cases"
    )
    # The person's area when the case was entered (building, or community).
    area = models.ForeignKey(Area, verbose_name="所属辖区", on_delete=models.PROTECT)
    classification = models.CharField(
        "分类", max_length=14, choices=Classification.choices, db_index=True
    )
    onset_date = models.DateField("发病日期", null=True, blank=True)
    report_date = models.DateField("报告日期", default=timezone.localdate)
    confirmed_date = models.DateField("确诊日期", null=True, blank=True)
    institution = models.ForeignKey(
        TreatmentInstitution,
        verbose_name="收治机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    notes = models.TextField("备注", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date", "-id"]
        verbose_name = "病例"
        verbose_name_plural = "病例"
        constraints = [
            # One record per person: later turns (治愈, 复阳) are changes of that record.
            models.UniqueConstraint(fields=["person"], name="case_one_per_person"),
            models.CheckConstraint(
                condition=models.Q(onset_date__isnull=True)
                | models.Q(onset_date__lte=models.F("report_date")),
                name="case_onset_before_report",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_date__isnull=True)
                | models.Q(onset_date__isnull=True)
                | models.Q(confirmed_date__gte=models.F("onset_date")),
                name="case_confirmed_after_onset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_classification_display()}）"

    def can_become(self, classification: str) -> bool:
        return classification == self.classification or classification in self.TRANSITIONS.get(
            self.classification, frozenset()
        )

    def contact_refusal(self) -> str:
        """Why no contact may be entered for this case ("" if they may)."""
        if self.classification == self.Classification.EXCLUDED:
            return "该病例已排除，不再登记密接；如分类有误，请先修改病例分类"
        return ""

    def trace_refusal(self) -> str:
        """Why this case is not traced, nor its trace's hop 2 run or hits made contacts
        ("" if it may be): 排除 is not a case."""
        if self.classification == self.Classification.EXCLUDED:
            return "该病例已排除，无需追踪；如分类有误，请先修改病例分类"
        return ""

    @property
    def is_infected(self) -> bool:
        return self.classification in self.INFECTED

    def infectious_from(self) -> date:
        """First day contacts are traced from: before the earliest known date (onset,
        or with no onset the confirmation or report date, whichever came first)."""
        known = [d for d in (self.onset_date, self.confirmed_date, self.report_date) if d]
        return min(known) - timedelta(days=INFECTIOUS_LEAD_DAYS)

    def contacts_observed_after_exclusion(self) -> ContactQuerySet:
        """A case classified 排除: its contacts still under observation, to be released
        by a person if nothing else keeps them (never by the system). None otherwise."""
        if self.classification != self.Classification.EXCLUDED:
            return self.contacts.none()
        return self.contacts.under_observation()

    def contacts_before_window(self) -> ContactQuerySet:
        """Contacts listed whose last contact date lies before ``infectious_from``: the
        onset (or report) date was changed since, and they are outside the window now.
        Kept, to be reviewed: nothing is deleted for it."""
        return self.contacts.filter(last_contact_date__lt=self.infectious_from())

    def traces_on_old_dates(self) -> TraceQuerySet:
        """Traces run while the case's window began on another day (``window_from``):
        their results answer the old dates."""
        return self.traces.exclude(window_from=self.infectious_from())

    def needs_retrace(self) -> bool:
        """Traces were run on old dates and none on the current ones: run it again."""
        current = self.traces.filter(window_from=self.infectious_from())
        return self.traces_on_old_dates().exists() and not current.exists()


class CaseEventQuerySet(ScopedQuerySet):
    scope = "case__area"

    def became(self, classification: str, *, start: datetime, end: datetime) -> CaseEventQuerySet:
        """Cases entered as, or changed to, ``classification`` in [start, end)."""
        return self.filter(to_classification=classification, at__gte=start, at__lt=end).exclude(
            from_classification=classification
        )


class CaseEvent(models.Model):
    """One change of a case, with its reason (the history shown on the case page)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_classification = models.CharField(
        "原分类", max_length=14, choices=Case.Classification.choices, blank=True
    )
    to_classification = models.CharField(
        "新分类", max_length=14, choices=Case.Classification.choices
    )
    # {"field label": ["old", "new"], ...} for the other fields changed.
    changes = models.JSONField("变更内容", default=dict, blank=True)
    reason = models.TextField("原因")

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "病例变更记录"
        verbose_name_plural = "病例变更记录"

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d %H:%M}"


class ContactQuerySet(ScopedQuerySet):
    scope = "area"

    def close(self) -> ContactQuerySet:
        return self.filter(degree=Contact.Degree.CLOSE)

    def open_to_observation(self) -> ContactQuerySet:
        """Contacts with no key-person record, or whose record has ended before their
        last contact (a new exposure: ``Contact.exposed_after_record_ended``)."""
        ended_on = TruncDate("key_person__ended_at", tzinfo=timezone.get_current_timezone())
        return self.alias(record_ended_on=ended_on).filter(
            models.Q(key_person__isnull=True)
            | (
                ~models.Q(key_person__status=KeyPerson.Status.ACTIVE)
                & models.Q(last_contact_date__gt=models.F("record_ended_on"))
            )
        )

    def observation_over(self, on: date | None = None) -> ContactQuerySet:
        """Contacts whose observation period (from the last contact, for their
        category's days) is over by ``on`` (today)."""
        today = on or timezone.localdate()
        condition = models.Q(pk__in=[])
        for degree, days in Contact.observation_days().items():
            last = today - timedelta(days=days)
            condition |= models.Q(degree=degree, last_contact_date__lte=last)
        return self.filter(condition)

    def under_observation(self) -> ContactQuerySet:
        """Contacts whose key-person record is still 管控中."""
        return self.filter(key_person__status=KeyPerson.Status.ACTIVE)

    def pending(self, on: date | None = None) -> ContactQuerySet:
        """Contacts still to be put under observation: not observed yet (or exposed again
        after their record ended), their case not
        excluded, their observation period not over, and not a case themselves that is
        not observed as a contact (``CaseQuerySet.not_observed_as_contacts``)."""
        over = self.observation_over(on).values("pk")
        own_cases = Case.objects.not_observed_as_contacts().values("person")
        return (
            self.open_to_observation()
            .exclude(case__classification=Case.Classification.EXCLUDED)
            .exclude(pk__in=over)
            .exclude(person__in=own_cases)
        )

    def with_own_case(self) -> ContactQuerySet:
        """Annotate ``own_case_id`` and ``own_case_classification``: the contact's own
        case when it keeps them from observation as a contact (确诊, 无症状感染者 or
        死亡), else None; and ``is_case``: whether the contact has a case of any
        classification — in the same query."""
        own = Case.objects.not_observed_as_contacts().filter(person=models.OuterRef("person"))
        return self.annotate(
            own_case_id=models.Subquery(own.values("pk")[:1]),
            own_case_classification=models.Subquery(own.values("classification")[:1]),
            is_case=models.Exists(Case.objects.filter(person=models.OuterRef("person"))),
        )


class Contact(TimeStampedModel):
    """A person who met a case (密接), or met one of its close contacts (次密接)."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", "同住"
        COWORKER = "coworker", "同事"
        TRANSPORT = "transport", "同乘"
        CHECKPOINT = "checkpoint", "同一卡点时段"
        MEAL = "meal", "共同就餐"
        VISIT = "visit", "走亲访友"
        MEDICAL = "medical", "诊疗护理"
        OTHER = "other", "其他"

    class Degree(models.IntegerChoices):
        CLOSE = 1, "密切接触者"
        SECONDARY = 2, "次密切接触者"

    class Source(models.TextChoices):
        MANUAL = "manual", "流调登记"
        TRACING = "tracing", "卡点轨迹"

    case = models.ForeignKey(
        Case, verbose_name="病例", on_delete=models.PROTECT, related_name="contacts"
    )
    # For a secondary contact: the close contact they met.
    via = models.ForeignKey(
        "self",
        verbose_name="经由密接",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secondary",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="contact_records",
    )
    # The contact's own area (their building or community): their community follows
    # them up, whichever community the case is in.
    area = models.ForeignKey(Area, verbose_name="所属辖区", on_delete=models.PROTECT)
    kind = models.CharField("接触方式", max_length=12, choices=Kind.choices)
    degree = models.PositiveSmallIntegerField("类别", choices=Degree.choices, default=Degree.CLOSE)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    last_contact_date = models.DateField("末次接触日期")
    notes = models.CharField("情况说明", max_length=200, blank=True)
    trace = models.ForeignKey(
        "Trace", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    key_person = models.ForeignKey(
        "watch.KeyPerson",
        verbose_name="重点人员记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_contacts",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["case_id", "degree", "-last_contact_date", "id"]
        verbose_name = "密切接触者"
        verbose_name_plural = "密切接触者"
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="contact_once_per_case"),
            models.CheckConstraint(
                condition=models.Q(degree=1, via__isnull=True)
                | models.Q(degree=2, via__isnull=False),
                name="contact_secondary_has_via",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_degree_display()}）"

    def own_case_state(self) -> str:
        """The contact's control state given by their own case (rows from
        ``with_own_case``): 本人已是病例 for an infected case, 本人已死亡 for a dead one —
        unless a key-person record observes them for another reason than having become
        a case (still 管控中, or ended otherwise than 转医院, with no new exposure since
        — after one, that old record says nothing of them now); "" when none applies."""
        classification = getattr(self, "own_case_classification", None)
        if classification is None:
            return ""
        record = self.key_person
        if (
            record is not None
            and record.status != KeyPerson.Status.HOSPITAL
            and not self.exposed_after_record_ended()
        ):
            return ""
        if classification == Case.Classification.DIED:
            return "本人已死亡"
        return "本人已是病例"

    def outcome(self) -> str:
        """What became of the contact, in words (the transmission chain; rows from
        ``with_own_case`` with their key person): 本人已是病例 / 本人已死亡 as in the
        contact lists, 管控中 至 <planned end>, else the day and status the record
        ended with — "转医院，未登记为病例" for one in hospital who is no case."""
        state = self.own_case_state()
        if state or self.key_person is None:
            return state
        record = self.key_person
        if record.status == KeyPerson.Status.ACTIVE:
            return f"{record.get_status_display()} 至 {day_label(record.planned_end)}"
        ended = ""
        if record.ended_at:
            ended = f"{day_label(timezone.localtime(record.ended_at).date())} "
        if record.status == KeyPerson.Status.HOSPITAL and not getattr(self, "is_case", False):
            return f"{ended}转医院，未登记为病例"
        return f"{ended}{record.get_status_display()}"

    def exposed_after_record_ended(self) -> bool:
        """The contact's key-person record has ended, and their last contact came after
        the day it ended: a new exposure, to be put under control anew (a new record)."""
        record = self.key_person
        if record is None or record.is_active or record.ended_at is None:
            return False
        return self.last_contact_date > timezone.localdate(record.ended_at)

    def open_to_observation(self) -> bool:
        """No key-person record yet, or one that ended before a new exposure."""
        return self.key_person is None or self.exposed_after_record_ended()

    @classmethod
    def category_name(cls, degree: int) -> str:
        return CLOSE_CONTACT_CATEGORY if degree == cls.Degree.CLOSE else SECONDARY_CONTACT_CATEGORY

    @classmethod
    def observation_days(cls) -> dict[int, int]:
        """Days of observation by degree: the category's days (editable by HQ;
        ``OBSERVATION_DAYS`` before it exists)."""
        names = {degree: cls.category_name(degree) for degree in cls.Degree.values}
        days = dict(
            Category.objects.filter(name__in=names.values()).values_list("name", "default_days")
        )
        return {degree: days.get(name, OBSERVATION_DAYS) for degree, name in names.items()}

    @classmethod
    def observation_over_among(
        cls, contacts: Iterable[Contact], on: date | None = None
    ) -> set[int]:
        """The pks of ``contacts`` whose observation period is over by ``on`` (today),
        as ``ContactQuerySet.observation_over`` decides it, for rows loaded already."""
        today = on or timezone.localdate()
        days = cls.observation_days()
        return {
            c.pk for c in contacts if c.last_contact_date + timedelta(days=days[c.degree]) <= today
        }


class KeyAreaQuerySet(ScopedQuerySet):
    scope = "area"

    def active(self, on: date | None = None) -> KeyAreaQuerySet:
        """Marks in force on ``on`` (today): started, and not lifted yet."""
        day = on or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gt=day)
        )

    def containing(self, area: Area) -> KeyAreaQuerySet:
        """Marks on ``area`` or on one of its ancestors (a building in a marked compound)."""
        prefixes = [area.path[:i] for i in range(SEGMENT, len(area.path) + 1, SEGMENT)]
        return self.filter(area__path__in=prefixes)

    def inside(self, area: Area) -> KeyAreaQuerySet:
        """Marks on places inside ``area`` (its buildings, for a compound), not on it."""
        return self.filter(area__path__startswith=area.path).exclude(area=area)

    def uncovered(self, on: date | None = None) -> KeyAreaQuerySet:
        """Marks with no mark in force on ``on`` (today) on an ancestor of their area: a
        building marked inside a marked compound is one key area with it, not two."""
        covering = (
            KeyArea.objects.active(on)
            .exclude(area=models.OuterRef("area"))
            .annotate(outer_prefix=Substr(models.OuterRef("area__path"), 1, Length("area__path")))
            .filter(outer_prefix=models.F("area__path"))
        )
        return self.exclude(models.Exists(covering))


class KeyArea(TimeStampedModel):
    """A compound or building with cases or contacts (重点区域), from start to lift."""

    class Level(models.TextChoices):
        FOLLOW_UP = "follow_up", "每日随访"
        STRICT = "strict", "通行从严"
        SEALED = "sealed", "封闭管理"

    # What each level asks of check-in rules (read by the checkpoints app).
    LEVEL_RANK = {Level.FOLLOW_UP: 1, Level.STRICT: 2, Level.SEALED: 3}

    area = models.ForeignKey(
        Area, verbose_name="小区/楼栋", on_delete=models.PROTECT, related_name="key_area_marks"
    )
    case = models.ForeignKey(
        Case,
        verbose_name="关联病例",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_areas",
    )
    level = models.CharField("管控级别", max_length=10, choices=Level.choices, default=Level.STRICT)
    reason = models.CharField("原因", max_length=200)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("解除日期", null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField("解除操作时间", null=True, blank=True)

    objects = KeyAreaQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = "重点区域"
        verbose_name_plural = "重点区域"
        constraints = [
            # Ending on its start day: lifted the day it started, or before it started
            # (a mark made by mistake): never in force.
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="key_area_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area.name}（{self.get_level_display()}）"

    def is_active(self, on: date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or day < self.end_date)

    def can_lift(self, on: date | None = None) -> bool:
        """In force or not started yet: not lifted, nor past its planned end."""
        return self.lift_refusal(on) is None

    def ended_on_schedule(self, on: date | None = None) -> bool:
        """Out of force at its planned end date, which nobody lifted."""
        day = on or timezone.localdate()
        return self.lifted_at is None and self.end_date is not None and self.end_date <= day

    def lift_refusal(self, on: date | None = None) -> str | None:
        """Why this mark cannot be lifted on ``on`` (today): lifted already, or ended at
        its planned end date; None when it can be."""
        day = on or timezone.localdate()
        if self.end_date is None or day < self.end_date:
            return None
        if self.ended_on_schedule(day):
            return f"该重点区域已于 {self.end_date} 到期结束（计划解除日期），无需解除"
        return f"该重点区域已解除（解除日期 {self.end_date}）"

    @property
    def rank(self) -> int:
        return self.LEVEL_RANK[self.level]

    def marks_inside(self) -> KeyAreaQuerySet:
        """Marks on places inside this one's area (buildings of a marked compound) in
        force or to come while this one is: each keeps its own level and lift."""
        day = max(timezone.localdate(), self.start_date)
        marks = KeyArea.objects.inside(self.area).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gt=day)
        )
        return marks.filter(start_date__lt=self.end_date) if self.end_date else marks


class HouseholdVisitQuerySet(ScopedQuerySet):
    scope = "household__area"

    def on(self, day: date) -> HouseholdVisitQuerySet:
        return self.filter(day=day)

    def reached(self) -> HouseholdVisitQuerySet:
        """Visits that found the household (随访): not a 联系不上 attempt."""
        return self.filter(reached=True)

    def unreached(self) -> HouseholdVisitQuerySet:
        """The day's attempts that found nobody (未联系上) and no visit since."""
        return self.filter(reached=False)


class HouseholdVisit(models.Model):
    """The day's follow-up of one household in a key area (住户随访): one per household
    and day, "全户正常" in one tap, or with each member found unwell as a
    ``HouseholdFinding`` (``abnormal`` says there is one). ``client_id`` is made by the
    phone: the same tap sent twice is stored once.

    A knock nobody answered, a call never picked up (联系不上) is a row with ``reached``
    false: not a visit, yet not a miss either. A visit later that day turns the same
    row into the visit; ``unreached_at`` keeps when the attempt was."""

    class Method(models.TextChoices):
        VISIT = "visit", "上门"
        PHONE = "phone", "电话"

    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="key_area_visits"
    )
    day = models.DateField("日期")
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    reached = models.BooleanField("已联系上", default=True)
    unreached_at = models.DateTimeField("未联系上时间", null=True, blank=True)
    abnormal = models.BooleanField("异常", default=False)
    note = models.CharField("情况说明", max_length=200, blank=True)
    client_id = models.UUIDField(unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = HouseholdVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-recorded_at"]
        verbose_name = "住户随访"
        verbose_name_plural = "住户随访"
        constraints = [
            models.UniqueConstraint(fields=["household", "day"], name="household_visit_once"),
            # An attempt that found nobody has its time and no finding.
            models.CheckConstraint(
                condition=models.Q(reached=True)
                | models.Q(abnormal=False, unreached_at__isnull=False),
                name="household_visit_unreached_attempt",
            ),
        ]
        indexes = [models.Index(fields=["key_area", "day"], name="household_visit_area_day")]

    def __str__(self) -> str:
        return f"{self.household} {self.day}"


class HouseholdFinding(models.Model):
    """A member of a visited household found unwell that day: temperature, symptoms.
    Each raises its own alert; a second unwell member is a second finding."""

    visit = models.ForeignKey(HouseholdVisit, on_delete=models.CASCADE, related_name="findings")
    person = models.ForeignKey(
        "people.Person", verbose_name="异常人员", on_delete=models.PROTECT, related_name="+"
    )
    temperature = models.DecimalField(
        "体温（℃）", max_digits=3, decimal_places=1, null=True, blank=True
    )
    # Symptom codes of ``watch.FollowUp.Symptom`` joined by commas.
    symptoms = models.CharField("症状", max_length=120, blank=True)
    note = models.CharField("情况说明", max_length=200, blank=True)
    client_id = models.UUIDField(unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = "住户随访异常"
        verbose_name_plural = "住户随访异常"
        constraints = [
            models.UniqueConstraint(fields=["visit", "person"], name="household_finding_once"),
            models.CheckConstraint(
                condition=PLAUSIBLE_TEMPERATURE, name="household_finding_temperature_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.person_id}"

    @property
    def symptom_labels(self) -> list[str]:
        return FollowUp.labels_of(self.symptoms)

    @property
    def fever(self) -> bool:
        return self.temperature is not None and self.temperature >= FEVER_FROM


class SecondDayUnreachedQuerySet(ScopedQuerySet):
    scope = "household__area"


class SecondDayUnreached(models.Model):
    """A household's second day running not reached, with nobody trying: the day before,
    an attempt found nobody (``attempt``, 联系不上); on ``day`` there was no visit nor
    attempt at all. Recorded by the ``cases_unreached`` job once ``day`` is over (pages
    compute 漏访 on read; this row carries the alert). A second attempt that found nobody
    raises the same alert when it is recorded, from its own ``HouseholdVisit``."""

    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    attempt = models.ForeignKey(
        HouseholdVisit, on_delete=models.CASCADE, related_name="+", verbose_name="前一天的未联系上"
    )
    detected_at = models.DateTimeField("发现时间", default=timezone.now)

    objects = SecondDayUnreachedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = "住户连续两天未联系上"
        verbose_name_plural = "住户连续两天未联系上"
        constraints = [
            models.UniqueConstraint(fields=["household", "day"], name="second_day_unreached_once")
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.day}"


class TraceQuerySet(ScopedQuerySet):
    scope = "case__area"


class Trace(models.Model):
    """One presence query for a case: who passed the checkpoints it passed, within
    ±``window_minutes``. Hop 1 runs at once; hop 2 runs as a background task."""

    class Status(models.TextChoices):
        NONE = "", "未请求"
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="traces")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField("查询目的", max_length=200)
    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")
    window_minutes = models.PositiveSmallIntegerField("前后时间窗（分钟）")
    # The case's ``infectious_from`` when the trace ran: a change of its onset (or
    # report) date since leaves this trace on the old dates (``is_on_old_dates``).
    window_from = models.DateField("可传染期起点")
    # The case's own passes: [{"checkpoint_id", "checkpoint", "at"}, ...]
    passes = models.JSONField(default=list, blank=True)
    # Persons found in check-ins but outside the requester's jurisdiction (or not in the
    # ledger): counted, never named.
    outside_count = models.PositiveIntegerField(default=0)
    # Persons hop 1 found within the requester's jurisdiction; the closest of them (up
    # to ``actions.tracing.MAX_STORED_HITS``) are stored as hits.
    hop1_count = models.PositiveIntegerField("第一跳人数", default=0)
    second_hop = models.CharField(max_length=10, choices=Status.choices, blank=True, default="")
    second_hop_error = models.CharField(max_length=200, blank=True)
    # When hop 2 was last requested, and when the worker last took it up: a job not
    # finished ``CASES_SECOND_HOP_STALE_MINUTES`` after either is stale (see below).
    second_hop_requested_at = models.DateTimeField(null=True, blank=True)
    second_hop_started_at = models.DateTimeField(null=True, blank=True)
    second_hop_finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("查询时间", default=timezone.now)

    objects = TraceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "轨迹追踪"
        verbose_name_plural = "轨迹追踪"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="trace_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.person.name} {self.created_at:%Y-%m-%d %H:%M}"

    def second_hop_stale(self, now: datetime | None = None) -> bool:
        """Queued or running, and not finished within ``CASES_SECOND_HOP_STALE_MINUTES``
        of its request or of the worker taking it up: the worker is not running, or
        died on it. Such a job may be requested again."""
        if self.second_hop not in (self.Status.QUEUED, self.Status.RUNNING):
            return False
        since = self.second_hop_started_at or self.second_hop_requested_at or self.created_at
        limit = timedelta(minutes=settings.CASES_SECOND_HOP_STALE_MINUTES)
        return (now or timezone.now()) - since > limit

    def is_on_old_dates(self) -> bool:
        return self.window_from != self.case.infectious_from()

    def pass_rows(self) -> list[dict]:
        """The case's passes with aware datetimes (shown in local time)."""
        return [{**p, "at": datetime.fromisoformat(p["at"])} for p in self.passes]

    def counts_for(self, user: Any) -> TraceCounts:
        """The figures of the results page for ``user``: the hits stored for the
        requester's jurisdiction that the viewer's does not hold are counted with
        the persons left out (one query)."""
        shown = models.Q(_person_visible(user, "person_id"))
        hop1, hop2 = models.Q(hop=1), models.Q(hop=2)
        n = self.hits.aggregate(
            stored1=models.Count("pk", filter=hop1),
            shown1=models.Count("pk", filter=hop1 & shown),
            stored2=models.Count("pk", filter=hop2),
            shown2=models.Count("pk", filter=hop2 & shown),
        )
        hidden = n["stored1"] - n["shown1"] + n["stored2"] - n["shown2"]
        return TraceCounts(
            # Past the stored (closest) hits, how many are the viewer's is unknown
            # when some stored ones are not: then only those listed are counted.
            hop1=self.hop1_count if n["shown1"] == n["stored1"] else n["shown1"],
            hop2=n["shown2"],
            outside=self.outside_count + hidden,
            stored1=n["stored1"],
            unstored=self.hop1_count - n["stored1"],
        )


@dataclass(frozen=True)
class TraceCounts:
    hop1: int  # hop-1 persons of the viewer's jurisdiction
    hop2: int  # hop-2 persons listed for the viewer
    outside: int  # persons found but not listed: outside the viewer's area or the ledger
    stored1: int  # hop-1 persons stored (the closest ``MAX_STORED_HITS``)
    unstored: int  # hop-1 persons of the requester's jurisdiction not stored


class TraceHitQuerySet(ScopedQuerySet):
    scope = "trace__case__area"

    def shown_to(self, user: Any) -> Self:
        """The hits whose person ``user`` may see: a trace stores the persons of its
        requester's jurisdiction, which a later viewer's may not hold."""
        return self.filter(_person_visible(user, "person_id"))

    def with_via_shown(self, user: Any) -> Self:
        """Annotate ``via_shown``: whether ``user`` may see the hop-1 person a hop-2 hit
        was found through (the trace's requester may see more than a later viewer); and
        ``convertible``: whether ``user`` may turn the hit into a contact."""
        return self.annotate(
            via_shown=_person_visible(user, "via__person_id"),
            convertible=models.ExpressionWrapper(
                _convertible(user), output_field=models.BooleanField()
            ),
        )

    def not_convertible_by(self, user: Any) -> Self:
        return self.exclude(_convertible(user))


def _convertible(user: Any) -> models.Q:
    """Whether ``user`` may turn a hit into a contact: a hop-2 hit found through a
    hop-1 person outside their jurisdiction who is no contact of the case yet may not
    (making them one would act on a person the user may not see)."""
    via_contact = Contact.objects.filter(
        case_id=models.OuterRef("trace__case_id"), person_id=models.OuterRef("via__person_id")
    )
    return (
        models.Q(hop=1)
        | models.Q(_person_visible(user, "via__person_id"))
        | models.Q(models.Exists(via_contact))
    )


def _person_visible(user: Any, person_field: str) -> models.Exists:
    shown = Person.objects.visible_to(user).filter(pk=models.OuterRef(person_field))
    return models.Exists(shown)


class TraceHit(models.Model):
    """A person a trace found, with each encounter at a checkpoint."""

    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="hits")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    hop = models.PositiveSmallIntegerField(default=1)
    # For hop 2: the hop-1 person whose path this one crossed.
    via = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="onward"
    )
    # [{"checkpoint_id", "checkpoint", "at", "met_at"}, ...]: their pass and the pass of
    # the person they met (the case, or for hop 2 the hop-1 person).
    encounters = models.JSONField(default=list)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    closest_seconds = models.PositiveIntegerField("最小时间差（秒）")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TraceHitQuerySet.as_manager()

    class Meta:
        ordering = ["hop", "closest_seconds", "id"]
        verbose_name = "追踪结果"
        verbose_name_plural = "追踪结果"
        constraints = [
            models.UniqueConstraint(fields=["trace", "person"], name="trace_hit_once"),
            models.CheckConstraint(
                condition=models.Q(hop=1, via__isnull=True) | models.Q(hop=2, via__isnull=False),
                name="trace_hit_hop_via",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} hop {self.hop}"

    def closest_gap(self) -> str:
        """The smallest time gap, to the second: 30 s is not "0 分钟"."""
        minutes, seconds = divmod(self.closest_seconds, 60)
        if not minutes:
            return f"{seconds} 秒"
        return f"{minutes} 分钟" if not seconds else f"{minutes} 分 {seconds} 秒"

    def encounter_rows(self) -> list[dict]:
        return [
            {
                **e,
                "at": datetime.fromisoformat(e["at"]),
                "met_at": datetime.fromisoformat(e["met_at"]),
            }
            for e in self.encounters
        ]
