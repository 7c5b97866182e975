"""The resident ledger: households and persons.

ID numbers and phones are stored encrypted (``*_enc``) with a keyed hash beside each
(``*_hash``) for exact lookup and de-duplication, and the last four characters in
clear for search by tail. Pages show the ``*_masked`` properties only.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Collate
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core import pii
from shouwang.core.access import ScopedQuerySet
from shouwang.core.models import TimeStampedModel, public_code
from shouwang.core.text import half_width, mobile_in, visible

from .addresses import Address, building_names, compound_key, parse_address, parse_building
from .documents import (
    BORN_CARRIED_MESSAGE,
    DocumentError,
    DocumentType,
    age_on,
    birth_facts,
    check_birth_date,
    could_be_document,
    sex_carried_message,
    validate_document,
    validate_phone,
)

# Above every character a name or room can hold: ``[q, q + TOP)`` is "starts with q".
TOP = "\U0010ffff"
# A building typed alone matches a few buildings at most (one per compound).
MAX_SEARCH_BUILDINGS = 200
# A note on a person or a household, typed on the form or imported from Excel.
MAX_NOTES = 1000


# Surnames read differently from the character's first reading (曾 zēng, not céng).
SURNAME_INITIALS = {"单": "s", "曾": "z", "解": "x", "乐": "y", "朴": "p", "查": "z", "仇": "q"}
SURNAME_INITIALS |= {"区": "o", "尉": "y", "覃": "q", "翟": "z", "缪": "m", "盖": "g", "员": "y"}
SURNAME_INITIALS |= {"召": "s", "种": "c", "繁": "p", "宿": "s", "折": "s", "长": "c"}


# Spaces next to a character that is not ASCII: "张 三" (a two-character name padded
# to line up with three), "王\u3000五", "买买提 · 艾力".
_SPACE_IN_NAME = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


def clean_name(name: str) -> str:
    """A name as typed, as the ledger keeps it: no spaces inside a Chinese name (the
    search box ignores them, so "张 三" could never be found), one space between the
    words of a Latin one; no invisible characters (``core.text.visible``)."""
    return _SPACE_IN_NAME.sub("", " ".join(visible(name).split()))


@cache
def _initial(char: str) -> str:
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    from pypinyin.pinyin_dict import pinyin_dict

    reading = pinyin_dict.get(ord(char))
    return unicodedata.normalize("NFD", reading[0])[0] if reading else ""


def name_initials(name: str) -> str:
    """'张三丰' -> 'zsf', '曾国藩' -> 'zgf': the first letter of each character's
    pinyin (a surname's own reading first); letters and digits kept, lower-cased."""
    if not name:
        return ""
    first = SURNAME_INITIALS.get(name[0]) or _initial(name[0])
    return (first + "".join(_initial(c) for c in name[1:]))[:50]


def prefix_search(queryset: models.QuerySet, field: str, value: str) -> models.QuerySet:
    """Rows whose ``field`` starts with ``value``, in ``field`` order: a range scan of an
    index on both databases. The range is exact because it compares byte-wise: SQLite's
    indexes do; on PostgreSQL the comparison is made ``COLLATE "C"``, which migration
    0004 indexes (under a language collation the range would not be exact, and a
    ``LIKE`` would leave the planner walking the whole ordered index)."""
    if connections[queryset.db].vendor == "postgresql":
        key = Collate(field, "C")
        matches = queryset.alias(prefix_key=key).filter(
            prefix_key__gte=value, prefix_key__lt=value + TOP
        )
        return matches.order_by(key, "id")
    matches = queryset.filter(**{f"{field}__gte": value, f"{field}__lt": value + TOP})
    return matches.order_by(field, "id")


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

    def with_address(self) -> HouseholdQuerySet:
        return self.select_related("area__parent")

    def at_address(self, address: Address) -> HouseholdQuerySet:
        qs = self.filter(room=address.room, area__name__in=building_names(address.building))
        if address.unit:
            qs = qs.filter(unit=address.unit)
        if address.compound:
            qs = qs.filter(area__parent__name__contains=compound_key(address.compound))
        return qs

    def without_persons(self) -> HouseholdQuerySet:
        """Occupied households (not 空置) where no current resident is registered."""
        residents = Person.objects.filter(household=models.OuterRef("pk"), moved_out=False)
        return self.exclude(housing_type=Household.HousingType.VACANT).exclude(
            models.Exists(residents)
        )

    def without_building(self) -> HouseholdQuerySet:
        """Households at a compound that has buildings (未分配楼栋): registered there
        before its first building was added, to be moved into one."""
        buildings = Area.objects.filter(parent=models.OuterRef("area"), kind=Area.Kind.BUILDING)
        return self.filter(area__kind=Area.Kind.COMPOUND).filter(models.Exists(buildings))

    def count_by_area(self) -> dict[int, int]:
        """Households per area id (building, or compound for households without one).
        COUNT(*): an index on the area (and the filtered columns) answers it alone."""
        return dict(self.order_by().values_list("area_id").annotate(n=models.Count("*")))


class Household(TimeStampedModel):
    class HousingType(models.TextChoices):
        OWNED = "owned", "自住"
        RENTED = "rented", "租住"
        VACANT = "vacant", "空置"
        SHOP = "shop", "商铺"

    # Indexed by household_area_created (and the address constraint), both leading
    # with the area.
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="楼栋/小区",
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
    )
    unit = models.CharField("单元", max_length=20, blank=True)
    room = models.CharField("门牌/房号", max_length=40, db_index=True)
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
        # Households per area at a cutoff (the daily report) from the index alone.
        indexes = [models.Index(fields=["area", "created_at"], name="household_area_created")]

    def __str__(self) -> str:
        return f"{self.area.name}{self.door}"

    @property
    def door(self) -> str:
        """'2单元301' (unit and room within the building)."""
        unit = f"{self.unit}单元" if self.unit and not self.unit.endswith("单元") else self.unit
        return f"{unit}{self.room}"

    @property
    def address(self) -> str:
        """'西城花园1号楼2单元301': compound, building, unit and room."""
        area = self.area
        compound = area.parent.name if area.kind == "building" and area.parent_id else ""
        return f"{compound}{area.name}{self.door}"

    def head_names(self, *, exclude: int | None = None) -> list[str]:
        """The names of the household's heads in register (one at most:
        ``person_one_head``), but the person ``exclude``."""
        heads = Person.objects.heads().filter(household=self).exclude(pk=exclude)
        return list(heads.order_by("id").values_list("name", flat=True))

    def newcomer_relation(self) -> str:
        """The relation a person joining the household has unless told: its head when
        it has none in register, 其他 otherwise."""
        return Person.Relation.OTHER if self.head_names() else Person.Relation.HEAD

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

    def heads(self) -> PersonQuerySet:
        """Heads of household (户主) in register."""
        return self.current().filter(relation=Person.Relation.HEAD)

    def with_document(self, number: str) -> PersonQuerySet:
        return self.filter(doc_hash=pii.lookup_hash(number))

    def with_phone(self, phone: str) -> PersonQuerySet:
        return self.filter(phone_hash=pii.lookup_hash(phone))

    def without_document(self) -> PersonQuerySet:
        return self.filter(doc_hash="")

    def with_tag(self, tag: Tag | int) -> PersonQuerySet:
        return self.filter(tags=tag)

    def count_by_area(self) -> dict[int, int]:
        """Persons per area id (their building, or community when not yet located)."""
        return dict(self.order_by().values_list("area_id").annotate(n=models.Count("id")))

    def in_address_order(self) -> PersonQuerySet:
        """Households as registered (an import registers them building by building),
        then persons; both indexed, so a page of a large ledger needs no sort."""
        return self.order_by("household_id", "id")

    def search(self, text: str) -> PersonQuerySet:
        """One box for everything a worker knows about a resident: a name or its start,
        pinyin initials ("zsf"), the last four digits of an ID or phone, a full ID or
        phone (exact, through the keyed hash), an ID or phone as pages show it masked
        (its tail), a room or an address ("3号楼2单元301"),
        a building ("3号楼", "西城花园3号楼": its residents, when it exists). Each kind
        is answered from its own index and ordered by it."""
        q = "".join(visible(half_width(text)).split())
        if not q:
            return self.in_address_order()
        q = mobile_in(q) or q  # "+86 135-1234-5678" as the digits
        masked = pii.masked_tail(q)  # a number pasted as a page shows it
        if masked is not None:
            kind, tail = masked
            if kind == "document":
                return self.filter(doc_tail=pii.tail_hash(tail)).in_address_order()
            return self.filter(phone_last4=tail).in_address_order()
        if q.isdigit():
            conditions = models.Q(pk__in=[])
            if len(q) == 11:
                conditions |= models.Q(phone_hash=pii.lookup_hash(q))
            if could_be_document(q):
                conditions |= models.Q(doc_hash=pii.lookup_hash(q))
            if len(q) == 4:
                conditions |= models.Q(doc_tail=pii.tail_hash(q)) | models.Q(phone_last4=q)
            if len(q) <= 5:
                # Ids only: the persons' own scope filters still apply to the result.
                rooms = list(Household.objects.filter(room=q).values_list("pk", flat=True))
                conditions |= models.Q(household_id__in=rooms)
            return self.filter(conditions).in_address_order()
        if q.isascii() and q.isalpha():
            return prefix_search(self, "name_initials", q.lower())
        if q.isascii() and q.isalnum():
            upper = q.upper()
            if len(upper) == 4:
                by_tail = models.Q(doc_tail=pii.tail_hash(upper))
                by_whole = models.Q(doc_hash=pii.lookup_hash(upper))
                return self.filter(by_tail | by_whole).in_address_order()
            return self.filter(doc_hash=pii.lookup_hash(upper)).in_address_order()
        address = parse_address(q)
        if address is not None:
            households = Household.objects.at_address(address)
            return self.filter(household__in=households).in_address_order()
        building = parse_building(q)
        if building is not None:
            compound, key = building
            buildings = Area.objects.filter(kind=Area.Kind.BUILDING, name__in=building_names(key))
            if compound:
                buildings = buildings.filter(parent__name__contains=compound_key(compound))
            ids = list(buildings.values_list("pk", flat=True)[:MAX_SEARCH_BUILDINGS])
            if ids:
                return self.filter(household__area_id__in=ids).in_address_order()
        return prefix_search(self, "name", q)


class Person(pii.EncryptedDocument, pii.EncryptedPhone, TimeStampedModel):
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
    name = models.CharField("姓名", max_length=50, db_index=True)
    name_initials = models.CharField("姓名拼音首字母", max_length=50, blank=True, db_index=True)
    doc_type = models.CharField(
        "证件类型", max_length=10, choices=DocumentType.choices, default=DocumentType.ID_CARD
    )
    doc_enc = models.TextField(blank=True, default="")
    doc_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    doc_tail = models.CharField(max_length=16, blank=True, default="")  # pii.tail_hash
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
        # One person per document, moved-out persons included: the ledger keeps them,
        # restores them, and an import of their number updates their row.
        constraints = [
            models.UniqueConstraint(
                fields=["doc_hash"],
                condition=~models.Q(doc_hash=""),
                name="person_unique_document",
            ),
            # One head (户主) per household in register: a moved-out head is kept and
            # does not count, so a new head may be registered after them.
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relation="head", moved_out=False),
                name="person_one_head",
            ),
        ]
        # Persons per area now, or at a cutoff (the daily report), from the index alone.
        indexes = [
            models.Index(
                fields=["area", "moved_out", "created_at", "moved_out_at"],
                name="person_area_stock",
            ),
            models.Index(fields=["doc_tail"], name="person_doc_tail"),
        ]

    def __str__(self) -> str:
        return self.name

    def set_document(self, doc_type: str, number: str) -> None:
        """Validate and store a document, with the birth date and sex it carries (an ID
        card both, a 2023 permanent residence card its birth date; others none)."""
        number = validate_document(doc_type, number)
        self._replace_document_facts(birth_facts(doc_type, number))
        self.doc_type = doc_type
        self.doc_enc = pii.encrypt(number)
        self.doc_hash = pii.lookup_hash(number)
        self.doc_tail = pii.tail_hash(number)

    def clear_document(self) -> None:
        """No document on record (none yet, as for a newborn, or the one recorded was
        someone else's); the birth date and sex read from it go with it."""
        self._replace_document_facts((None, ""))
        self.doc_enc = self.doc_hash = self.doc_tail = ""

    def document_facts(self) -> tuple[date | None, str]:
        """The birth date and sex the stored document carries (see ``birth_facts``)."""
        if not self.doc_enc:
            return None, ""
        try:
            return birth_facts(self.doc_type, self.document_number)
        except DocumentError:  # a number stored before a rule was tightened
            return None, ""

    def _replace_document_facts(self, facts: tuple[date | None, str]) -> None:
        """Take the facts a new document carries; what the old one carried goes, what
        was entered by hand stays where the new one carries nothing."""
        old_born, old_sex = self.document_facts()
        born, sex = facts
        kept_born = None if old_born else self.birth_date
        self.birth_date = born or kept_born
        self.sex = sex or ("" if old_sex else self.sex)

    def enter_birth_facts(self, birth_date: date | None, sex: str) -> None:
        """出生日期 and 性别 entered by hand, taken where the document does not carry
        them (None and "" clear them there); where it does, the document's stay and a
        different value is refused. ValidationError keyed by field."""
        if birth_date is not None:
            try:
                check_birth_date(birth_date, timezone.localdate())
            except DocumentError as exc:
                raise ValidationError({"birth_date": str(exc)}) from exc
        carried_born, carried_sex = self.document_facts()
        errors = {}
        if carried_born and birth_date and birth_date != carried_born:
            errors["birth_date"] = BORN_CARRIED_MESSAGE
        if carried_sex and sex and sex != carried_sex:
            errors["sex"] = sex_carried_message(self.Sex(carried_sex).label)
        if errors:
            raise ValidationError(errors)
        self.birth_date = carried_born or birth_date
        self.sex = carried_sex or sex

    def set_phone(self, phone: str) -> None:
        phone = validate_phone(phone) if phone else ""
        self.phone_enc = pii.encrypt(phone)
        self.phone_hash = pii.lookup_hash(phone)
        self.phone_last4 = phone[-4:]

    def set_name(self, name: str) -> None:
        self.name = clean_name(name)
        self.name_initials = name_initials(self.name)

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, timezone.localdate())

    def age_on(self, day: date) -> int | None:
        return age_on(self.birth_date, day)


class ChangeQuerySet(ScopedQuerySet):
    scope = "area"


class Change(models.Model):
    """One entry of a household's or person's history. Personal data appears masked."""

    class Action(models.TextChoices):
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        MOVE_OUT = "move_out", "迁出"
        MOVE_IN = "move_in", "迁入"
        RESTORE = "restore", "恢复在册"
        IMPORT_CREATE = "import_create", "导入新建"
        IMPORT_UPDATE = "import_update", "导入更新"

    at = models.DateTimeField("时间", default=timezone.now)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    # [[field label, old value, new value], ...] as shown to users (masked).
    changes = models.JSONField("变更内容", default=list, blank=True)
    job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "台账变更记录"
        verbose_name_plural = "台账变更记录"
        indexes = [models.Index(fields=["at"], name="change_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class BackgroundJob(TimeStampedModel):
    """A long piece of work done by the task worker (an import, a large export). Its
    page polls this row for progress, so the user may leave and come back."""

    RUNNING: tuple[str, ...] = ()

    code = models.CharField(max_length=24, unique=True, default=public_code, editable=False)
    # The requesting user's area: the job's rows lie inside it.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status: models.CharField
    message = models.TextField("说明", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def stalled(self) -> bool:
        """Running but silent for ten minutes (progress is saved every few seconds): the
        worker died; the job may be cancelled."""
        return self.running and timezone.now() - self.updated_at > timedelta(minutes=10)


class ImportJobQuerySet(ScopedQuerySet):
    scope = "area"


class ImportJob(BackgroundJob):
    """An Excel import: checked in the background, then committed on request."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        CHECKING = "checking", "检查中"
        CHECKED = "checked", "待确认"
        COMMITTING = "committing", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    RUNNING = (Status.QUEUED, Status.CHECKING, Status.COMMITTING)

    filename = models.CharField("文件名", max_length=200)
    strict = models.BooleanField("严格模式", default=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    upload_path = models.CharField(max_length=500, blank=True)
    stage_path = models.CharField(max_length=500, blank=True)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    checked_rows = models.PositiveIntegerField("已检查", default=0)
    valid_rows = models.PositiveIntegerField("有效行", default=0)
    committed_rows = models.PositiveIntegerField("已写入", default=0)
    problem_count = models.PositiveIntegerField("问题数", default=0)
    new_persons = models.PositiveIntegerField("新增人员", default=0)
    updated_persons = models.PositiveIntegerField("更新人员", default=0)
    new_households = models.PositiveIntegerField("新增户", default=0)
    moved_in_persons = models.PositiveIntegerField("迁入人员", default=0)
    restored_persons = models.PositiveIntegerField("恢复在册", default=0)
    # Rows joining a household without a relation to its head: made its head / 其他.
    implicit_heads = models.PositiveIntegerField("按首行定为户主", default=0)
    implicit_others = models.PositiveIntegerField("关系记为其他", default=0)
    # The file's households left without a head (count; the first addresses, 、-joined).
    headless_households = models.PositiveIntegerField("导入后无户主的户", default=0)
    headless_addresses = models.TextField("无户主的户地址", blank=True, default="")

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def can_commit(self) -> bool:
        if self.status != self.Status.CHECKED or not self.valid_rows:
            return False
        return not (self.strict and self.problem_count)

    @property
    def percent(self) -> int:
        if self.status == self.Status.COMMITTING:
            done, total = self.committed_rows, self.valid_rows
        elif self.status == self.Status.CHECKING:
            done, total = self.checked_rows, self.total_rows
        else:
            return 100 if self.status in (self.Status.CHECKED, self.Status.DONE) else 0
        return min(99, done * 100 // total) if total else 0

    @property
    def problems_filename(self) -> str:
        """The downloaded problem list's name: 导入问题-台账.xlsx for 台账.xlsx."""
        stem = self.filename
        if stem.lower().endswith(".xlsx"):
            stem = stem[: -len(".xlsx")]
        return f"导入问题-{stem}.xlsx"


class ImportProblem(models.Model):
    """A problem found in one cell (or row) of an import; never holds an ID or phone."""

    class Kind(models.TextChoices):
        CELL = "cell", "内容"
        ADDRESS = "address", "地址未匹配"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField("行")
    column = models.CharField("列", max_length=30, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CELL)
    message = models.CharField("问题", max_length=300)

    class Meta:
        ordering = ["job", "row", "id"]
        verbose_name = "导入问题"
        verbose_name_plural = "导入问题"

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column} {self.message}"


class ImportMoveIn(models.Model):
    """A row of an import whose person moved out of another community and is moved
    in by the import (its preview lists them); the name only, as the row gives it."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="move_ins")
    row = models.PositiveIntegerField("行")
    name = models.CharField("姓名", max_length=50)

    class Meta:
        ordering = ["job", "row"]
        verbose_name = "导入迁入人员"
        verbose_name_plural = "导入迁入人员"

    def __str__(self) -> str:
        return f"第{self.row}行 {self.name}"


class ExportJobQuerySet(ScopedQuerySet):
    scope = "area"

    def of(self, user: object) -> ExportJobQuerySet:
        """The user's own exports: an export's file is for the one who asked for it,
        not even for a superior whose jurisdiction contains it."""
        return self.visible_to(user).filter(created_by=user)

    def expired(self, *, now: datetime | None = None) -> ExportJobQuerySet:
        """Exports whose file is past its retention period and not yet deleted."""
        return self.filter(status=ExportJob.Status.DONE, expires_at__lt=now or timezone.now())


class ExportJob(BackgroundJob):
    """A ledger export too large for one request: the task worker writes it to a file
    under ``VAR_DIR/exports``, which only the requesting user may download until it
    expires. The filters are kept encrypted: a search may be a full ID or phone."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        WRITING = "writing", "生成中"
        DONE = "done", "可下载"
        FAILED = "failed", "失败"
        DELETED = "deleted", "文件已删除"

    RUNNING = (Status.QUEUED, Status.WRITING)

    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    unmasked = models.BooleanField("未脱敏", default=False)
    purpose = models.CharField("导出用途", max_length=200, blank=True)
    scope = models.CharField("范围", max_length=300, blank=True)
    filters_enc = models.TextField(blank=True, default="")
    total_rows = models.PositiveIntegerField("人数", default=0)
    written_rows = models.PositiveIntegerField("已写入", default=0)
    file_path = models.CharField(max_length=500, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    expires_at = models.DateTimeField("文件保留至", null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "台账导出"
        verbose_name_plural = "台账导出"
        indexes = [models.Index(fields=["status", "expires_at"], name="exportjob_expiry")]

    def __str__(self) -> str:
        return f"人员台账导出（{self.kind}，{self.get_status_display()}）"

    @property
    def kind(self) -> str:
        return "未脱敏" if self.unmasked else "脱敏"

    @property
    def filename(self) -> str:
        return f"人员台账-{self.kind}-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.xlsx"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if self.status != self.Status.WRITING or not self.total_rows:
            return 0
        return min(99, self.written_rows * 100 // self.total_rows)
