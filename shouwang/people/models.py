"""The resident ledger: households and persons.

ID numbers and phones are stored encrypted (``*_enc``) with a keyed hash beside each
(``*_hash``) for exact lookup and de-duplication, and the last four characters in
clear for search by tail. Pages show the ``*_masked`` properties only.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from shouwang.core import pii
from shouwang.core.access import ScopedQuerySet
from shouwang.core.models import TimeStampedModel

from .documents import DocumentType, age_on, parse_id_card, validate_document, validate_phone


class Tag(models.Model):
    """Editable list of person tags (独居老人, 残疾人, 孕产妇 …)."""

    name = models.CharField("标签", max_length=30, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "人员标签"
        verbose_name_plural = "人员标签"

    def __str__(self) -> str:
        return self.name


class HouseholdQuerySet(ScopedQuerySet):
    scope = "area"


class Household(TimeStampedModel):
    class HousingType(models.TextChoices):
        OWNED = "owned", "自住"
        RENTED = "rented", "租住"
        VACANT = "vacant", "空置"
        SHOP = "shop", "商铺"

    area = models.ForeignKey(
        "areas.Area", verbose_name="楼栋/小区", on_delete=models.PROTECT, related_name="households"
    )
    unit = models.CharField("单元", max_length=20, blank=True)
    room = models.CharField("门牌/房号", max_length=40)
    housing_type = models.CharField(
        "房屋类型", max_length=10, choices=HousingType.choices, default=HousingType.OWNED
    )
    landlord_name = models.CharField("房东姓名", max_length=50, blank=True)
    landlord_phone_enc = models.TextField(blank=True, default="")
    landlord_phone_hash = models.CharField(max_length=64, blank=True, default="")
    notes = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["area__path", "unit", "room"]
        verbose_name = "户"
        verbose_name_plural = "户"
        constraints = [
            models.UniqueConstraint(
                fields=["area", "unit", "room"], name="household_unique_address"
            ),
        ]

    def __str__(self) -> str:
        unit = f"{self.unit}单元" if self.unit and not self.unit.endswith("单元") else self.unit
        return f"{self.area.name}{unit}{self.room}"

    @property
    def landlord_phone_masked(self) -> str:
        return pii.mask_phone(pii.decrypt(self.landlord_phone_enc))

    def set_landlord_phone(self, phone: str) -> None:
        phone = validate_phone(phone) if phone else ""
        self.landlord_phone_enc = pii.encrypt(phone)
        self.landlord_phone_hash = pii.lookup_hash(phone)


class PersonQuerySet(ScopedQuerySet):
    scope = "area"

    def current(self) -> PersonQuerySet:
        return self.filter(moved_out=False)

    def with_document(self, number: str) -> PersonQuerySet:
        return self.filter(doc_hash=pii.lookup_hash(number))

    def with_phone(self, phone: str) -> PersonQuerySet:
        return self.filter(phone_hash=pii.lookup_hash(phone))


class Person(TimeStampedModel):
    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class ResidenceType(models.TextChoices):
        PERMANENT = "permanent", "常住"
        TEMPORARY = "temporary", "暂住"
        FLOATING = "floating", "流动"

    class Relation(models.TextChoices):
        HEAD = "head", "户主"
        SPOUSE = "spouse", "配偶"
        CHILD = "child", "子女"
        PARENT = "parent", "父母"
        GRANDCHILD = "grandchild", "孙辈"
        SIBLING = "sibling", "兄弟姐妹"
        TENANT = "tenant", "租户"
        OTHER = "other", "其他"

    # The area the person belongs to: their household's building, or a community
    # when the household is unknown (e.g. someone still to be located).
    area = models.ForeignKey(
        "areas.Area", verbose_name="所属辖区", on_delete=models.PROTECT, related_name="persons"
    )
    household = models.ForeignKey(
        Household,
        verbose_name="户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
    )
    name = models.CharField("姓名", max_length=50)
    name_initials = models.CharField("姓名拼音首字母", max_length=50, blank=True, db_index=True)
    doc_type = models.CharField(
        "证件类型", max_length=10, choices=DocumentType.choices, default=DocumentType.ID_CARD
    )
    doc_enc = models.TextField(blank=True, default="")
    doc_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    doc_last4 = models.CharField(max_length=4, blank=True, default="", db_index=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, blank=True)
    phone_enc = models.TextField(blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    phone_last4 = models.CharField(max_length=4, blank=True, default="", db_index=True)
    relation = models.CharField(
        "与户主关系", max_length=12, choices=Relation.choices, default=Relation.HEAD
    )
    residence_type = models.CharField(
        "居住类型", max_length=10, choices=ResidenceType.choices, default=ResidenceType.PERMANENT
    )
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="persons")
    party_member = models.BooleanField("党员", default=False)
    moved_out = models.BooleanField("已迁出", default=False)
    moved_out_at = models.DateTimeField("迁出时间", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["area__path", "household_id", "id"]
        verbose_name = "人员"
        verbose_name_plural = "人员"
        indexes = [models.Index(fields=["area", "moved_out"], name="person_area_current")]

    def __str__(self) -> str:
        return self.name

    # Personal data: only masked values leave the model unless revealed on purpose.
    @property
    def document_number(self) -> str:
        return pii.decrypt(self.doc_enc)

    @property
    def phone(self) -> str:
        return pii.decrypt(self.phone_enc)

    @property
    def document_masked(self) -> str:
        return pii.mask_id(self.document_number)

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(self.phone)

    def set_document(self, doc_type: str, number: str) -> None:
        """Validate and store a document; an ID card also sets birth date and sex."""
        number = validate_document(doc_type, number)
        self.doc_type = doc_type
        self.doc_enc = pii.encrypt(number)
        self.doc_hash = pii.lookup_hash(number)
        self.doc_last4 = number[-4:]
        if doc_type == DocumentType.ID_CARD:
            facts = parse_id_card(number)
            self.birth_date, self.sex = facts.birth_date, facts.sex

    def set_phone(self, phone: str) -> None:
        phone = validate_phone(phone) if phone else ""
        self.phone_enc = pii.encrypt(phone)
        self.phone_hash = pii.lookup_hash(phone)
        self.phone_last4 = phone[-4:]

    def set_name(self, name: str) -> None:
        from pypinyin import Style, lazy_pinyin

        self.name = name.strip()
        self.name_initials = "".join(lazy_pinyin(self.name, style=Style.FIRST_LETTER)).lower()

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, timezone.localdate())

    def age_on(self, day: date) -> int | None:
        return age_on(self.birth_date, day)
