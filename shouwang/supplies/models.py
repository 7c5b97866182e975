"""Supplies (物资) and donations (捐赠).

Stock: every movement is a ``Movement`` row with a signed quantity in the item's base
unit; stock on hand at a location is the sum of its movements. ``Balance`` holds that
sum per item × location, updated in the same transaction as each movement while the
balance row is locked, so stock can never go below zero even when two people issue
the last units at once (PostgreSQL: ``SELECT … FOR UPDATE``; SQLite: ``BEGIN
IMMEDIATE`` serialises writers). A CHECK constraint backs this up in the database.

Donations: a donor gives cash or goods, pledged then received; received goods enter
the stock ledger as ``donation`` movements; cash spending is recorded against purposes
and split over the donations it draws from (``SpendingShare``), so the balance of
every donation is traceable to the yuan.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from shouwang.areas.models import SEGMENT, Area
from shouwang.checkpoints.models import Checkpoint
from shouwang.core import pii
from shouwang.core.access import ScopedQuerySet
from shouwang.core.models import TimeStampedModel

# The most base units one entry (a purchase, an issue, a donated item, an imported
# row) may carry: far above any real delivery, and within the 32-bit columns of
# donation and allocation lines.
MAX_UNITS = 10**9
# The most yuan one money column (14 digits, 2 places) holds.
MAX_MONEY = Decimal("999999999999.99")

# ---------------------------------------------------------------------------
# Catalog


class ItemQuerySet(models.QuerySet):
    def active(self) -> ItemQuerySet:
        return self.filter(active=True)

    def active_or_held_at(self, location: Location) -> ItemQuerySet:
        """Active items, and any item with stock at ``location``: what is left of a
        deactivated item can still be issued or transferred."""
        held = Balance.objects.filter(item=models.OuterRef("pk"), location=location, quantity__gt=0)
        return self.filter(Q(active=True) | models.Exists(held))


class Item(TimeStampedModel):
    """An item of the catalog (口罩, 防护服 …); quantities are counted in ``unit``."""

    class Category(models.TextChoices):
        PROTECTION = "protection", "防护用品"
        DISINFECTION = "disinfection", "消杀用品"
        INSTRUMENT = "instrument", "检测器材"
        EQUIPMENT = "equipment", "设备设施"
        MEDICINE = "medicine", "药品"
        LIVING = "living", "生活物资"

    class ReportAs(models.TextChoices):
        """What the daily report counts an item as, whatever its name; the unit is the
        one the report's indicator counts in."""

        MASKS = "masks", "口罩"
        SUITS = "suits", "防护服"

    REPORT_UNITS = {ReportAs.MASKS: "个", ReportAs.SUITS: "套"}

    name = models.CharField("名称", max_length=50, unique=True)
    category = models.CharField(
        "类别", max_length=15, choices=Category.choices, default=Category.PROTECTION
    )
    unit = models.CharField("基本单位", max_length=10, help_text="库存按此单位计数，如 个、套、瓶")
    spec = models.CharField("规格", max_length=100, blank=True)
    report_as = models.CharField(
        "计入日报",
        max_length=10,
        choices=ReportAs.choices,
        blank=True,
        help_text="日报的“口罩库存”“发放/消耗口罩”“防护服库存”按此统计，与名称无关；不计入则留空",
    )
    alert_days = models.PositiveSmallIntegerField(
        "预警天数", default=5, help_text="可用天数低于此值时列入库存预警（储备5至7天）"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "物资品类"
        verbose_name_plural = "物资品类"

    def __str__(self) -> str:
        return self.name

    def in_use(self) -> bool:
        """Whether stored quantities count in this item's base unit: movements, donated
        goods, allocation plans."""
        return (
            Movement.objects.filter(item=self).exists()
            or DonationLine.objects.filter(item=self).exists()
            or AllocationPlan.objects.filter(item=self).exists()
        )

    def packs_text(self) -> str:
        """'盒=50，箱=2000' for the edit form and lists."""
        return "，".join(f"{p.name}={p.size}" for p in self.packs.all())

    def to_base_units(self, quantity: int, unit: str = "") -> int:
        """``quantity`` of ``unit`` (blank or the base unit, or a pack name) in base
        units; an unknown pack is a ValidationError naming the units that exist, and
        more than ``MAX_UNITS`` one with code ``too_large``."""
        if unit in ("", self.unit):
            units = quantity
        else:
            pack = next((p for p in self.packs.all() if p.name == unit), None)
            if pack is None:
                known = "、".join([self.unit, *(p.name for p in self.packs.all())])
                raise ValidationError(f"{self.name}没有“{unit}”这种包装，可用单位：{known}")
            units = quantity * pack.size
        return self.check_units(units)

    def check_units(self, units: int) -> int:
        """``units`` when one entry may carry them; more than ``MAX_UNITS`` is a
        ValidationError with code ``too_large``."""
        if units > MAX_UNITS:
            raise ValidationError(
                f"数量过大：折合{units:,}{self.unit}，一次最多{MAX_UNITS:,}{self.unit}",
                code="too_large",
            )
        return units

    def describe(self, quantity: int) -> str:
        """'2,050个（1箱1盒）' — a base quantity with its largest packs."""
        text = f"{quantity:,}{self.unit}"
        packs = sorted(self.packs.all(), key=lambda p: -p.size)
        if not packs or quantity <= 0:
            return text
        rest, parts = quantity, []
        for pack in packs:
            n, rest = divmod(rest, pack.size)
            if n:
                parts.append(f"{n}{pack.name}")
        if rest:
            parts.append(f"{rest}{self.unit}")
        return f"{text}（{''.join(parts)}）" if parts and parts != [text] else text


class ItemPack(models.Model):
    """A pack conversion: 1 盒 of 口罩 = 50 个."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="packs")
    name = models.CharField("包装单位", max_length=10)
    size = models.PositiveIntegerField("折合基本单位数")

    class Meta:
        ordering = ["item", "size"]
        verbose_name = "包装换算"
        verbose_name_plural = "包装换算"
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="supplies_pack_unique_name"),
            models.CheckConstraint(condition=Q(size__gte=2), name="supplies_pack_size_gte_2"),
        ]

    def __str__(self) -> str:
        return f"1{self.name}={self.size}{self.item.unit}"


# ---------------------------------------------------------------------------
# Locations


class LocationQuerySet(ScopedQuerySet):
    scope = "area"

    def active(self) -> LocationQuerySet:
        return self.filter(active=True)

    def of_kind(self, kind: str) -> LocationQuerySet:
        return self.filter(kind=kind)

    def transfer_targets(self, user: Any, source: Location) -> LocationQuerySet:
        """The active locations ``user`` may send stock to from ``source``: those they
        see, and the warehouses of the sub-district above ``source`` (a community
        returning stock it no longer needs) — never another community's, nor a
        warehouse past the sub-district."""
        up = source.area.ancestor_of_kind(Area.Kind.SUBDISTRICT)
        warehouses = Q(kind=Location.Kind.WAREHOUSE, area=up) if up else Q(pk__in=[])
        return (
            self.active()
            .filter(Q(pk__in=self.visible_to(user).values("pk")) | warehouses)
            .exclude(pk=source.pk)
        )

    def stocking_checkpoint_named(self, user: Any, source: Location, name: str) -> Location | None:
        """The checkpoint location ``user`` could transfer to from ``source`` that
        ``name`` (a recipient typed on the 发放 form) stands for — by the location's
        name or its checkpoint's — if any. Issuing to it counts as use and leaves its
        own stock untouched; a transfer is what fills it."""
        name = name.strip()
        if not name:
            return None
        return (
            self.transfer_targets(user, source)
            .of_kind(Location.Kind.CHECKPOINT)
            .filter(Q(name=name) | Q(checkpoint__name=name))
            .order_by("pk")
            .first()
        )

    def serving_open_checkpoints(self) -> LocationQuerySet:
        """Locations not linked to a checkpoint, or linked to an active one."""
        return self.filter(
            Q(checkpoint__isnull=True) | Q(checkpoint__in=Checkpoint.objects.active())
        )

    def with_headcount(self) -> LocationQuerySet:
        """Annotate ``roster`` — the active staff assigned to the linked checkpoint (None
        when not linked) — and ``headcount``, the people an allocation plan counts here:
        ``staff_count`` when typed in, else the roster, else 0."""
        roster = models.Subquery(
            Checkpoint.objects.filter(pk=models.OuterRef("checkpoint_id"))
            .with_staff_count()
            .values("staff_count")[:1],
            output_field=models.IntegerField(),
        )
        return self.annotate(roster=roster).annotate(
            headcount=models.functions.Coalesce(
                "staff_count", "roster", models.Value(0), output_field=models.IntegerField()
            )
        )


class Location(TimeStampedModel):
    """Where stock is kept: the sub-district warehouse, a community store, a checkpoint.

    A checkpoint location is linked to its checkpoint (one location per checkpoint) and
    lies in the checkpoint's area; ``actions.sync_checkpoint_locations`` creates the
    missing ones and moves those whose checkpoint moved. The link is null for a
    checkpoint that was deleted (the location keeps its ledger).
    """

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", "街道仓库"
        COMMUNITY = "community", "社区库房"
        CHECKPOINT = "checkpoint", "卡点"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name="所属辖区", on_delete=models.PROTECT, related_name="+"
    )
    checkpoint = models.OneToOneField(
        "checkpoints.Checkpoint",
        verbose_name="对应卡点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_count = models.PositiveIntegerField(
        "值守/工作人数",
        null=True,
        blank=True,
        help_text="分配方案按人数计算用量；卡点留空则按卡点登记的值守人员数计算",
    )
    keeper = models.CharField("保管人", max_length=50, blank=True)
    active = models.BooleanField("启用", default=True)
    notes = models.TextField("备注", blank=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["area__path", "kind", "name"]
        verbose_name = "存放点"
        verbose_name_plural = "存放点"
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="supplies_location_unique_name"),
            models.CheckConstraint(
                condition=Q(checkpoint__isnull=True) | Q(kind="checkpoint"),
                name="supplies_location_checkpoint_kind",
                violation_error_message="只有卡点类型的存放点才能对应卡点",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------
# Stock ledger


class Direction(models.IntegerChoices):
    IN = 1, "入库"
    OUT = -1, "出库"


class MovementKind(models.TextChoices):
    OPENING = "opening", "期初"
    PURCHASE = "purchase", "采购入库"
    DONATION = "donation", "捐赠入库"
    TRANSFER_IN = "transfer_in", "调入"
    TRANSFER_OUT = "transfer_out", "调出"
    ISSUE = "issue", "发放"
    CONSUMPTION = "consumption", "消耗"
    LOSS = "loss", "损耗"
    ADJUSTMENT = "adjustment", "盘点调整"
    # A location moved to another area takes its stock along: out of the old area,
    # into the new one, at the same location (the balance does not change).
    RELOCATE_OUT = "relocate_out", "移出辖区"
    RELOCATE_IN = "relocate_in", "移入辖区"


# Stock used up (issued, consumed, lost): the one definition of use, at a location
# and in an area alike (``MovementQuerySet.use``). A transfer uses nothing.
USE_KINDS = frozenset({MovementKind.ISSUE, MovementKind.CONSUMPTION, MovementKind.LOSS})
# Kinds a user may record by hand at a location (the rest come from workflows).
MANUAL_OUT_KINDS = (MovementKind.ISSUE, MovementKind.CONSUMPTION, MovementKind.LOSS)

CONSUMPTION_WINDOW_DAYS = 7
# A location at 0 of an item it used (issued, consumed, lost) within this many days is
# out of stock (缺货, 0 days of supply); one that used none for longer no longer needs it.
NEED_WINDOW_DAYS = 30


class BalanceQuerySet(ScopedQuerySet):
    scope = "location__area"

    def in_stock(self) -> BalanceQuerySet:
        return self.filter(quantity__gt=0)

    def with_use(self, *, days: int = CONSUMPTION_WINDOW_DAYS) -> BalanceQuerySet:
        """Annotate ``used`` — units used up at this location in the last ``days`` days
        (``MovementQuerySet.use``: issued, consumed or lost; not transferred out), as a
        positive number — and ``needed`` (``needed_expression``)."""
        used = (
            Movement.objects.use()
            .in_last(days)
            .filter(item=models.OuterRef("item"), location=models.OuterRef("location"))
            .values("item")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return self.annotate(
            used=models.functions.Coalesce(
                -models.Subquery(used, output_field=models.BigIntegerField()), 0
            ),
            needed=self.needed_expression(),
        )

    @staticmethod
    def needed_expression() -> models.Expression:
        """Whether the location still needs the item: its latest row is not a transfer
        out (stock sent back or on by choice), and either it used some in the last
        ``NEED_WINDOW_DAYS`` days or its latest row, whatever its kind (a stocktake
        finding none left, a loss, a use), emptied it within them. At 0, such a balance
        is out of stock (``days_of_supply``): the rule follows the stock left, not the
        kind of movement that left it."""
        of_balance = {"item": models.OuterRef("item"), "location": models.OuterRef("location")}
        recent = Movement.objects.in_last(NEED_WINDOW_DAYS).filter(**of_balance)
        latest = Movement.objects.filter(**of_balance).order_by("-id")
        sent_away = models.lookups.Exact(
            models.Subquery(latest.values("kind")[:1]), MovementKind.TRANSFER_OUT
        )
        emptied = recent.filter(balance_after=0, pk=models.Subquery(latest.values("pk")[:1]))
        return models.Case(
            models.When(sent_away, then=models.Value(False)),
            models.When(models.Exists(recent.use()), then=models.Value(True)),
            models.When(models.Exists(emptied), then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        )


class Balance(models.Model):
    """Stock on hand of one item at one location: the sum of its movements.

    Only ``actions`` write it, in the transaction that adds the movement, with the row
    locked. It is the serialisation point for concurrent issues."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="balances")
    quantity = models.BigIntegerField("库存", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BalanceQuerySet.as_manager()

    class Meta:
        ordering = ["location__area__path", "location__name", "item__order", "item__name"]
        verbose_name = "库存余额"
        verbose_name_plural = "库存余额"
        constraints = [
            models.UniqueConstraint(fields=["item", "location"], name="supplies_balance_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="supplies_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} · {self.item}：{self.quantity}"

    def daily_use(self, days: int = CONSUMPTION_WINDOW_DAYS) -> Decimal:
        """Average units per day over the window (needs ``with_use``)."""
        return (Decimal(self.used) / days).quantize(Decimal("0.1"))

    def days_of_supply(self, days: int = CONSUMPTION_WINDOW_DAYS) -> Decimal | None:
        """Days the stock lasts at the recent rate (needs ``with_use``)."""
        return days_of_supply(self.quantity, self.used, days, needed=self.needed)

    def is_low(self, days: int = CONSUMPTION_WINDOW_DAYS, threshold: int | None = None) -> bool:
        left = self.days_of_supply(days)
        limit = self.item.alert_days if threshold is None else threshold
        return left is not None and left < limit


def days_of_supply(
    quantity: int, used: int, window: int, *, needed: bool = False
) -> Decimal | None:
    """On hand ÷ daily use over ``window`` days. Nothing used in the window: 0 when the
    stock is gone and the place still needs it (缺货, ``BalanceQuerySet.needed_expression``),
    else None (近期无消耗)."""
    if used <= 0:
        return Decimal("0.0") if quantity <= 0 and needed else None
    return (Decimal(quantity) * window / Decimal(used)).quantize(Decimal("0.1"))


class MovementQuerySet(ScopedQuerySet):
    # A movement is seen by those of the area it was posted in: a community's ledger
    # keeps the rows of a store it gave away, up to its 移出辖区 row.
    scope = "area"

    def of_kind(self, *kinds: str) -> MovementQuerySet:
        return self.filter(kind__in=kinds)

    def since(self, when) -> MovementQuerySet:
        return self.filter(occurred_at__gte=when)

    def in_last(self, days: int = CONSUMPTION_WINDOW_DAYS) -> MovementQuerySet:
        return self.since(timezone.now() - timedelta(days=days))

    def use(self) -> MovementQuerySet:
        """What uses stock up: issues, consumption and losses (``USE_KINDS``). A
        transfer only moves stock, so it is use at neither end — the warehouse that
        supplies the checkpoints uses only what it issues, consumes or loses itself.
        The rate of use, days of supply, low stock, the dashboard and the daily report
        all count use through this method."""
        return self.filter(kind__in=USE_KINDS)

    def total(self) -> int:
        return self.aggregate(t=Sum("quantity"))["t"] or 0


class Movement(models.Model):
    """One row of the stock ledger; never updated or deleted by the application. It
    keeps the area its location lay in when it was posted (``area``)."""

    Kind = MovementKind

    item = models.ForeignKey(Item, verbose_name="物资", on_delete=models.PROTECT)
    location = models.ForeignKey(
        Location, verbose_name="存放点", on_delete=models.PROTECT, related_name="movements"
    )
    # The location's area when the movement was posted: what an area held on a past
    # day is the sum of its movements before then, even after a location moved.
    area = models.ForeignKey(
        "areas.Area", verbose_name="所属辖区", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=15, choices=MovementKind.choices, db_index=True)
    quantity = models.BigIntegerField("数量", help_text="基本单位；入库为正，出库为负")
    balance_after = models.BigIntegerField("结存")
    occurred_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # The other side of a transfer.
    counterpart = models.ForeignKey(
        Location,
        verbose_name="对方存放点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient = models.CharField("领用单位/人", max_length=100, blank=True)
    supplier = models.CharField("供应商", max_length=100, blank=True)
    amount = models.DecimalField(
        "金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    donation = models.ForeignKey(
        "Donation", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    plan = models.ForeignKey(
        "AllocationPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    count = models.ForeignKey(
        "StockCount", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    client_id = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = "出入库记录"
        verbose_name_plural = "出入库记录"
        constraints = [
            models.UniqueConstraint(
                fields=["client_id"],
                condition=~Q(client_id=""),
                name="supplies_movement_unique_client_id",
            ),
            models.CheckConstraint(condition=~Q(quantity=0), name="supplies_movement_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="supplies_movement_balance_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["item", "location", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item} {self.quantity}"

    @property
    def is_in(self) -> bool:
        return self.quantity > 0

    @property
    def outside_party(self) -> str:
        """Who outside the locations it came from or went to: the unit or person issued
        to, the supplier of a purchase, the donor of donated goods (staff record the
        donor's name; how the public sees it is the disclosure's business)."""
        if self.recipient or self.supplier:
            return self.recipient or self.supplier
        return f"捐赠：{self.donation.donor.name}" if self.donation_id else ""

    @property
    def party(self) -> str:
        """The other side: the other location of a transfer, else ``outside_party``."""
        return self.counterpart.name if self.counterpart_id else self.outside_party


# ---------------------------------------------------------------------------
# Stock counts (盘点)


class StockCountQuerySet(ScopedQuerySet):
    scope = "location__area"


class StockCount(models.Model):
    location = models.ForeignKey(
        Location, verbose_name="存放点", on_delete=models.PROTECT, related_name="counts"
    )
    counted_at = models.DateTimeField("盘点时间", default=timezone.now)
    reason = models.CharField("差异原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    client_id = models.CharField(max_length=64, blank=True, default="")

    objects = StockCountQuerySet.as_manager()

    class Meta:
        ordering = ["-counted_at", "-id"]
        verbose_name = "盘点"
        verbose_name_plural = "盘点"
        constraints = [
            models.UniqueConstraint(
                fields=["client_id"],
                condition=~Q(client_id=""),
                name="supplies_count_unique_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} 盘点 {timezone.localtime(self.counted_at):%Y-%m-%d %H:%M}"


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name="物资", on_delete=models.PROTECT)
    expected = models.BigIntegerField("账面数")
    counted = models.BigIntegerField("实盘数")

    class Meta:
        ordering = ["count", "item__order", "item__name"]
        verbose_name = "盘点明细"
        verbose_name_plural = "盘点明细"
        constraints = [
            models.UniqueConstraint(fields=["count", "item"], name="supplies_count_line_unique"),
            models.CheckConstraint(condition=Q(counted__gte=0), name="supplies_count_not_neg"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.expected}→{self.counted}"

    @property
    def difference(self) -> int:
        return self.counted - self.expected


# ---------------------------------------------------------------------------
# Donations


# A donor's name typed only to stand in for one: 匿名, 匿名人士, 无名氏, 不留名, 爱心人士,
# 热心市民, 某某, 无, 暂无, 保密, N/A, or nothing but punctuation and invisible characters.
PLACEHOLDER_NAME = re.compile(
    r"匿名|无名|佚名|不留名|不具名|不愿透露|^(社会)?(爱心|热心|好心)(人士|人|市民|群众|单位|企业)?$"
    r"|^某+(人|某|先生|女士)?$|^(无|暂无|没有|空|未知|不详|保密|不公开)$"
    r"|^(n/?a|none|null|nil|unknown|anonymous|x+)$|^[\W_]+$",
    re.IGNORECASE,
)


class DonorQuerySet(ScopedQuerySet):
    scope = "area"


class Donor(TimeStampedModel):
    """A donor on the books of the office that recorded it (``area``, the receiving
    office of its gifts): another office's donor of the same name is another row, so a
    contact recorded in one jurisdiction is neither shown to nor changed by another."""

    class Kind(models.TextChoices):
        PERSON = "person", "个人"
        ORGANISATION = "organisation", "单位/企业"

    area = models.ForeignKey(
        "areas.Area", verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("捐赠方类型", max_length=12, choices=Kind.choices)
    name = models.CharField("捐赠方名称", max_length=100)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    phone_enc = models.TextField(blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    address = models.CharField("地址", max_length=200, blank=True)

    objects = DonorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "捐赠方"
        verbose_name_plural = "捐赠方"
        constraints = [
            models.UniqueConstraint(
                fields=["area", "kind", "name"], name="supplies_donor_unique_area_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(pii.decrypt(self.phone_enc))

    def set_phone(self, phone: str) -> None:
        self.phone_enc = pii.encrypt(phone)
        self.phone_hash = pii.lookup_hash(phone)

    @property
    def unnamed(self) -> bool:
        """The name was typed only to stand in for one (匿名, 无, -, N/A …): the donor
        left no name, and is printed and disclosed as such (``receipt_name``,
        ``salutation``, ``Donation.public_name``)."""
        return bool(PLACEHOLDER_NAME.search(self.name.strip()))

    @property
    def kind_word(self) -> str:
        return "爱心人士" if self.kind == self.Kind.PERSON else "爱心单位"

    def receipt_name(self) -> str:
        """The donor on a receipt: the name, or 爱心人士（未留名） for one left unnamed."""
        return f"{self.kind_word}（未留名）" if self.unnamed else self.name

    def salutation(self) -> str:
        """Whom a letter of thanks greets: 李顺喜先生/女士, an organisation by its name,
        and a name typed only to stand in for one (匿名, 无名氏, 爱心人士 …) as
        爱心人士 or 爱心单位 — never 匿名先生/女士."""
        if self.unnamed:
            return self.kind_word
        return f"{self.name}先生/女士" if self.kind == self.Kind.PERSON else self.name

    def masked_name(self) -> str:
        """'李**' for a person; for an organisation at most a quarter of the name (and
        two characters) at each end: '河南****公司', '京***技', never '京东*科技'."""
        name = self.name
        if self.kind == self.Kind.PERSON:
            return name[:1] + "*" * max(len(name) - 1, 1)
        head = min(2, max(1, len(name) // 4))
        tail = min(2, len(name) // 4)
        return name[:head] + "*" * max(len(name) - head - tail, 1) + name[len(name) - tail :]


class PurposeQuerySet(models.QuerySet):
    def active(self) -> PurposeQuerySet:
        """Purposes offered for new spendings and designated gifts."""
        return self.filter(active=True)


class Purpose(models.Model):
    """What donated cash is spent on (购买防护物资, 慰问一线人员 …); editable. A retired
    purpose (``active`` off) is offered for nothing new; what was recorded against it
    keeps it."""

    name = models.CharField("用途", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True, help_text="停用后不再用于新的支出和定向捐赠")

    objects = PurposeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "资金用途"
        verbose_name_plural = "资金用途"

    def __str__(self) -> str:
        return self.name


class DonationQuerySet(ScopedQuerySet):
    scope = "area"

    def received(self) -> DonationQuerySet:
        return self.filter(status=Donation.Status.RECEIVED)

    def receipted(self) -> DonationQuerySet:
        """Gifts that carry a receipt number: received, or received and voided since."""
        return self.filter(status__in=[Donation.Status.RECEIVED, Donation.Status.VOIDED])

    def pledged(self) -> DonationQuerySet:
        return self.filter(status=Donation.Status.PLEDGED)

    def cash(self) -> DonationQuerySet:
        return self.filter(kind=Donation.Kind.CASH)

    def goods(self) -> DonationQuerySet:
        return self.filter(kind=Donation.Kind.GOODS)

    def funding(self, area: Area) -> DonationQuerySet:
        """Gifts spending at ``area`` may draw on (``Donation.funds``): those received by
        ``area`` itself or by an office above it, never one designated to an office
        below it or beside it."""
        prefixes = [area.path[: i * SEGMENT] for i in range(1, len(area.path) // SEGMENT + 1)]
        return self.filter(area__path__in=prefixes)

    def with_spent(self) -> DonationQuerySet:
        """Annotate ``spent`` (drawn by spending) and ``left``, the balance of cash
        received; ``left`` is None for a pledge, a cancelled gift and goods, which
        hold no money to spend."""
        spent = (
            SpendingShare.objects.filter(donation=models.OuterRef("pk"))
            .values("donation")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        money = models.DecimalField(max_digits=14, decimal_places=2)
        return self.annotate(
            spent=models.functions.Coalesce(
                models.Subquery(spent, output_field=money),
                models.Value(Decimal("0.00")),
                output_field=money,
            )
        ).annotate(
            left=models.Case(
                models.When(
                    status=Donation.Status.RECEIVED, then=models.F("amount") - models.F("spent")
                ),
                default=None,
                output_field=money,
            )
        )

    def totals(self) -> dict[str, Decimal | int]:
        """Cash pledged/received, goods value pledged/received, counts."""
        agg = self.aggregate(
            cash_received=Sum("amount", filter=Q(kind="cash", status="received")),
            cash_pledged=Sum("amount", filter=Q(kind="cash", status="pledged")),
            goods_received=Sum("estimated_value", filter=Q(kind="goods", status="received")),
            goods_pledged=Sum("estimated_value", filter=Q(kind="goods", status="pledged")),
            received=models.Count("pk", filter=Q(status="received")),
            pledged=models.Count("pk", filter=Q(status="pledged")),
            voided=models.Count("pk", filter=Q(status="voided")),
        )
        zero = Decimal("0.00")
        return {
            k: (v if v is not None else (0 if k in ("received", "pledged", "voided") else zero))
            for k, v in agg.items()
        }


class Donation(TimeStampedModel):
    class Kind(models.TextChoices):
        CASH = "cash", "资金"
        GOODS = "goods", "物资"

    class Status(models.TextChoices):
        PLEDGED = "pledged", "已承诺"
        RECEIVED = "received", "已到账/已入库"
        CANCELLED = "cancelled", "已取消"
        # A receipt withdrawn by HQ (``void_receipt``): its number stays with it, never
        # reused; re-issuing gives a new gift row (``reissue_of``) a new number.
        VOIDED = "voided", "已作废"

    class Channel(models.TextChoices):
        CASH = "cash", "现金"
        BANK = "bank", "银行转账"
        WECHAT = "wechat", "微信"
        ALIPAY = "alipay", "支付宝"
        OTHER = "other", "其他"

    class Disclosure(models.TextChoices):
        NAMED = "named", "公开姓名/名称"
        MASKED = "masked", "部分隐去"
        ANONYMOUS = "anonymous", "匿名"

    donor = models.ForeignKey(
        Donor, verbose_name="捐赠方", on_delete=models.PROTECT, related_name="donations"
    )
    # The receiving office (sub-district or community): scopes who sees the gift.
    area = models.ForeignKey(
        "areas.Area", verbose_name="接收单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("捐赠类型", max_length=5, choices=Kind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PLEDGED, db_index=True
    )
    disclosure = models.CharField(
        "公示方式", max_length=10, choices=Disclosure.choices, default=Disclosure.NAMED
    )
    amount = models.DecimalField(
        "金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    channel = models.CharField("支付方式", max_length=10, choices=Channel.choices, blank=True)
    reference = models.CharField("收款凭证号/流水号", max_length=64, blank=True)
    estimated_value = models.DecimalField(
        "物资估值（元）", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    purpose = models.ForeignKey(
        Purpose,
        verbose_name="定向用途",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="捐赠方指定用途时填写；留空为不限定用途",
    )
    location = models.ForeignKey(
        Location,
        verbose_name="入库存放点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pledged_on = models.DateField("承诺日期", default=timezone.localdate)
    received_at = models.DateTimeField("到账/入库时间", null=True, blank=True)
    receipt_no = models.CharField("收据编号", max_length=20, blank=True, db_index=True)
    # Who confirmed the arrival (经办人 on the receipt); ``created_by`` recorded the pledge.
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    reissue_of = models.OneToOneField(
        "self",
        verbose_name="重开自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reissued_as",
    )
    message = models.CharField("捐赠寄语", max_length=200, blank=True)
    notes = models.TextField("备注", blank=True)
    client_id = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-pledged_on", "-id"]
        verbose_name = "捐赠"
        verbose_name_plural = "捐赠"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="goods") | Q(amount__gt=0), name="supplies_cash_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__gte=0), name="supplies_goods_value_not_negative"
            ),
            models.UniqueConstraint(
                fields=["client_id"],
                condition=~Q(client_id=""),
                name="supplies_donation_unique_client_id",
            ),
            models.UniqueConstraint(
                fields=["receipt_no"],
                condition=~Q(receipt_no=""),
                name="supplies_donation_unique_receipt_no",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} · {self.summary()}"

    def summary(self) -> str:
        if self.kind == self.Kind.CASH:
            return f"{self.amount:,.2f}元"
        lines = list(self.lines.all())
        return "、".join(f"{ln.item.name}{ln.quantity:,}{ln.item.unit}" for ln in lines) or "物资"

    def public_name(self) -> str:
        """The donor as the donor chose to be shown in public; one who left no name
        (``Donor.unnamed``) is anonymous whatever was chosen."""
        if self.donor.unnamed or self.disclosure == self.Disclosure.ANONYMOUS:
            return f"{self.donor.kind_word}（匿名）"
        if self.disclosure == self.Disclosure.MASKED:
            return self.donor.masked_name()
        return self.donor.name

    @property
    def valued(self) -> bool:
        """Whether the gift has a money value to print: cash always; goods only when an
        estimate was given (goods without one are 未估值, never 'worth ¥0.00')."""
        return self.kind == self.Kind.CASH or self.estimated_value > 0

    @property
    def value(self) -> Decimal:
        return (
            (self.amount or Decimal("0")) if self.kind == self.Kind.CASH else self.estimated_value
        )

    @property
    def reissued_as_or_none(self) -> Donation | None:
        """The gift re-issued under a new number for this voided one, if any."""
        return Donation.objects.filter(reissue_of=self).first() if self.pk else None

    def spent_total(self) -> Decimal:
        return self.shares.aggregate(t=Sum("amount"))["t"] or Decimal("0.00")

    def funds(self, area: Area) -> bool:
        """Whether spending at ``area`` may draw on this gift, one on its books (within
        its subtree): a gift is spent only within the subtree of the office that
        received it, so a community's gift (定向捐赠 to that community) is never spent
        by the sub-district above it, nor by another community. The same rule in SQL:
        ``DonationQuerySet.funding``."""
        return area.path.startswith(self.area.path)


class ReceiptCounter(models.Model):
    """The last receipt number issued in a year (``JZ<year><last:06d>``): one series per
    year for the whole installation, taken when a gift is received
    (``ReceiptCounter.take``), so pledges never received leave no gap."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    last = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        ordering = ["year"]
        verbose_name = "收据编号计数"
        verbose_name_plural = "收据编号计数"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def take(cls, year: int) -> str:
        """The next receipt number of ``year``. Call inside the transaction that stores
        it: the counter row stays locked until that commits (``SELECT … FOR UPDATE`` on
        PostgreSQL; SQLite writers are serialised by ``BEGIN IMMEDIATE``), so two
        receipts at once get consecutive numbers and a rollback gives its number back.
        A year's row is created on its first receipt (an insert that ignores a rival's)."""
        cls.objects.bulk_create([cls(year=year)], ignore_conflicts=True)
        counter = cls.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"JZ{year}{counter.last:06d}"


class DonationLine(models.Model):
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name="物资", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField("数量（基本单位）")
    estimated_value = models.DecimalField(
        "估值（元）", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        ordering = ["donation", "id"]
        verbose_name = "捐赠物资明细"
        verbose_name_plural = "捐赠物资明细"
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supplies_dline_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.item}{self.quantity}{self.item.unit}"


class SpendingQuerySet(ScopedQuerySet):
    scope = "area"

    def total(self) -> Decimal:
        return self.aggregate(t=Sum("amount"))["t"] or Decimal("0.00")

    def by_purpose(self) -> list[dict]:
        return list(
            self.values("purpose__name").annotate(total=Sum("amount")).order_by("purpose__name")
        )


class Spending(TimeStampedModel):
    """Donated cash spent on a purpose, split over the donations it draws from."""

    area = models.ForeignKey(
        "areas.Area", verbose_name="支出单位", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.ForeignKey(Purpose, verbose_name="用途", on_delete=models.PROTECT)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    spent_on = models.DateField("支出日期", default=timezone.localdate)
    description = models.CharField("事由", max_length=200)
    voucher_no = models.CharField("凭证号", max_length=64, blank=True)
    client_id = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SpendingQuerySet.as_manager()

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = "捐款支出"
        verbose_name_plural = "捐款支出"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="supplies_spending_positive"),
            models.UniqueConstraint(
                fields=["client_id"],
                condition=~Q(client_id=""),
                name="supplies_spending_unique_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.amount}元"


class SpendingShare(models.Model):
    spending = models.ForeignKey(Spending, on_delete=models.PROTECT, related_name="shares")
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="shares")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["spending", "donation"]
        verbose_name = "支出来源"
        verbose_name_plural = "支出来源"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="supplies_share_positive"),
            models.UniqueConstraint(fields=["spending", "donation"], name="supplies_share_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.donation_id} → {self.spending_id}: {self.amount}"


# ---------------------------------------------------------------------------
# Allocation


class RecipientQuerySet(ScopedQuerySet):
    scope = "area"

    def active(self) -> RecipientQuerySet:
        return self.filter(active=True)

    def closed_named(self, name: str) -> Recipient | None:
        """The deactivated recipient (closed, moved away) of this name, unless an
        active one bears it too: supplies are not issued to it."""
        name = name.strip()
        if not name or self.active().filter(name=name).exists():
            return None
        return self.filter(name=name, active=False).first()


class Recipient(TimeStampedModel):
    """An enterprise or shop receiving supplies per employee (the enterprises app will
    own the registry; until then a name and an employee count are enough)."""

    name = models.CharField("单位名称", max_length=100)
    area = models.ForeignKey(
        "areas.Area", verbose_name="所属辖区", on_delete=models.PROTECT, related_name="+"
    )
    employees = models.PositiveIntegerField("员工人数")
    contact = models.CharField("联系人", max_length=50, blank=True)
    active = models.BooleanField("启用", default=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["area__path", "name"]
        verbose_name = "领用单位"
        verbose_name_plural = "领用单位"
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="supplies_recipient_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AllocationPlanQuerySet(ScopedQuerySet):
    scope = "area"


class AllocationPlan(TimeStampedModel):
    """Quantity per target = per person per shift × shifts per day × people × days,
    rounded up to whole packs; reviewed, then issued in one action."""

    class Target(models.TextChoices):
        CHECKPOINTS = "checkpoint", "全部卡点"
        COMMUNITIES = "community", "全部社区库房"
        RECIPIENTS = "recipient", "企业/单位（按员工）"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEWED = "reviewed", "已审核"
        ISSUED = "issued", "已发放"

    area = models.ForeignKey(
        "areas.Area", verbose_name="辖区", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("方案名称", max_length=100)
    item = models.ForeignKey(Item, verbose_name="物资", on_delete=models.PROTECT)
    source = models.ForeignKey(
        Location, verbose_name="发出存放点", on_delete=models.PROTECT, related_name="+"
    )
    target = models.CharField("分配对象", max_length=12, choices=Target.choices)
    per_person = models.DecimalField(
        "每人每班用量", max_digits=8, decimal_places=2, default=Decimal("1")
    )
    shifts_per_day = models.PositiveSmallIntegerField("每天班次", default=3)
    days = models.PositiveSmallIntegerField("保障天数", default=7)
    round_to_pack = models.ForeignKey(
        ItemPack,
        verbose_name="按整包装取整",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default="draft")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("发放时间", null=True, blank=True)
    client_id = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AllocationPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "分配方案"
        verbose_name_plural = "分配方案"
        constraints = [
            models.CheckConstraint(condition=Q(per_person__gt=0), name="supplies_plan_per_pos"),
            models.CheckConstraint(condition=Q(days__gt=0), name="supplies_plan_days_pos"),
            models.CheckConstraint(
                condition=Q(shifts_per_day__gt=0), name="supplies_plan_shifts_pos"
            ),
            models.UniqueConstraint(
                fields=["client_id"],
                condition=~Q(client_id=""),
                name="supplies_plan_unique_client_id",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def quantity_for(self, people: int) -> int:
        """Units for ``people`` over the plan's days, rounded up to whole packs."""
        raw = self.per_person * self.shifts_per_day * people * self.days
        units = int(raw.to_integral_value(rounding="ROUND_CEILING"))
        if self.round_to_pack_id and units:
            size = self.round_to_pack.size
            units = -(-units // size) * size
        return units

    def total(self) -> int:
        return sum(line.quantity for line in self.lines.all())

    def on_hand(self) -> int:
        """What the source location holds of the item now."""
        return (
            Balance.objects.filter(item=self.item, location=self.source)
            .values_list("quantity", flat=True)
            .first()
            or 0
        )

    @property
    def editable(self) -> bool:
        return self.status != self.Status.ISSUED

    def blocked(self, lines: list[AllocationLine] | None = None) -> list[str]:
        """Why the plan cannot be issued as it stands, one message per cause: the lines
        with something to issue whose target closed since the plan was made (location
        or enterprise deactivated, checkpoint closed), then those that moved out of
        the plan's area since (a location following its checkpoint or not, an
        enterprise). Empty when nothing stands in the way (stock aside)."""
        if lines is None:
            lines = list(
                self.lines.select_related(
                    "location__area", "location__checkpoint__area", "recipient__area"
                )
            )
        lines = [ln for ln in lines if ln.quantity > 0]
        closed = [ln for ln in lines if ln.closed]
        moved = [
            ln
            for ln in lines
            if ln not in closed and not all(a.is_within(self.area) for a in ln.areas())
        ]
        fix = "请将其人数改为0，重新计算并审核后再发放"
        found = []
        if closed:
            found.append(f"{'、'.join(str(ln.target) for ln in closed)}已停用，不能发放：{fix}")
        if moved:
            found.append(
                f"{'、'.join(str(ln.target) for ln in moved)}已不在{self.area.name}辖区内"
                f"（方案制定后已调整），不能发放：{fix}"
            )
        return found


class AllocationLine(models.Model):
    plan = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="lines")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    people = models.PositiveIntegerField("人数")
    quantity = models.PositiveIntegerField("分配数量")

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = "分配明细"
        verbose_name_plural = "分配明细"
        constraints = [
            models.CheckConstraint(
                condition=Q(location__isnull=False, recipient__isnull=True)
                | Q(location__isnull=True, recipient__isnull=False),
                name="supplies_line_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.quantity}"

    @property
    def target(self) -> Location | Recipient:
        return self.location or self.recipient

    @property
    def closed(self) -> bool:
        """Its location or enterprise deactivated, or its checkpoint closed."""
        checkpoint = self.location and self.location.checkpoint
        return not self.target.active or bool(checkpoint and not checkpoint.active)

    def areas(self) -> list[Any]:
        """Where its target lies now: the location's (and its checkpoint's) area, or
        the enterprise's."""
        checkpoint = self.location and self.location.checkpoint
        return [a for a in (self.target.area, checkpoint and checkpoint.area) if a]
