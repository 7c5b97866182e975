"""Stock movements. ``post_movements`` is the one place a ``Balance`` changes: it locks
the balance rows it touches (in a fixed order, so two transfers in opposite
directions cannot deadlock), refuses any change that would leave a balance below
zero, and writes the movement rows in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent

from ..models import (
    MANUAL_OUT_KINDS,
    Balance,
    Item,
    Location,
    Movement,
    MovementKind,
    Recipient,
    StockCount,
    StockCountLine,
)

T = TypeVar("T")
RECEIVE_KINDS = (MovementKind.OPENING, MovementKind.PURCHASE)


@dataclass
class Entry:
    """One movement to post; ``quantity`` is signed (in > 0, out < 0). The movement
    lies in the location's area unless ``fields`` names another (``area_id``: the
    old area of a location being moved). ``typed`` is the quantity as typed when in a
    pack ("3盒"), for the message refusing it."""

    item: Item
    location: Location
    kind: str
    quantity: int
    fields: dict[str, Any] = field(default_factory=dict)
    typed: str = ""


def shortage_message(
    item: Item, location: Location, on_hand: int, wanted: int, typed: str = ""
) -> str:
    """Stock short; a quantity ``typed`` in a pack is said both ways: 3盒（150个）."""
    need = f"{typed}（{wanted:,}{item.unit}）" if typed else f"{wanted:,}{item.unit}"
    return (
        f"库存不足：{location.name}的{item.name}现有{on_hand:,}{item.unit}，"
        f"本次需出库{need}，未做任何修改"
    )


def lock_locations(ids: Sequence[int]) -> None:
    """Lock the locations in primary-key order and refuse any that is deactivated: a
    deactivated location holds no stock (``save_location`` locks the row too, so
    stock cannot arrive while it is being deactivated)."""
    locations = Location.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    closed = [loc.name for loc in locations if not loc.active]
    if closed:
        raise ValidationError(f"{'、'.join(closed)}已停用，不能出入库，未做任何修改")


def lock_balances(pairs: Sequence[tuple[Item, Location]]) -> dict[tuple[int, int], Balance]:
    """Lock the locations (refusing deactivated ones), create missing balance rows,
    then lock all of them in primary-key order."""
    keys = sorted({(item.pk, location.pk) for item, location in pairs})
    lock_locations(sorted({location_id for _, location_id in keys}))
    ids = []
    for item_id, location_id in keys:
        balance, _ = Balance.objects.get_or_create(item_id=item_id, location_id=location_id)
        ids.append(balance.pk)
    locked = Balance.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {(b.item_id, b.location_id): b for b in locked}


def post_movements(
    entries: Sequence[Entry], *, by: Any, at: datetime | None = None
) -> list[Movement]:
    """Apply ``entries`` atomically; all or nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_movements must run inside transaction.atomic()")
    for entry in entries:
        if entry.quantity == 0:
            raise ValidationError("数量不能为0")
    balances = lock_balances([(e.item, e.location) for e in entries])
    at = at or timezone.now()
    movements = []
    for entry in entries:
        balance = balances[(entry.item.pk, entry.location.pk)]
        after = balance.quantity + entry.quantity
        if after < 0:
            raise ValidationError(
                shortage_message(
                    entry.item, entry.location, balance.quantity, -entry.quantity, entry.typed
                )
            )
        balance.quantity = after
        movements.append(
            Movement(
                item=entry.item,
                location=entry.location,
                kind=entry.kind,
                quantity=entry.quantity,
                balance_after=after,
                occurred_at=at,
                created_by=by if getattr(by, "pk", None) else None,
                **{"area_id": entry.location.area_id, **entry.fields},
            )
        )
    for balance in balances.values():
        balance.save(update_fields=["quantity", "updated_at"])
    return Movement.objects.bulk_create(movements)


def move_stock(*, location: Location, from_area: Any, by: Any) -> list[Movement]:
    """``location`` (its ``area`` set to the new one) moved out of ``from_area``: each
    item it holds leaves the old area and enters the new one, a 移出辖区 row and a
    移入辖区 row at the location, so that what each area held on any day stays the
    sum of its movements. The balances do not change. Runs inside the transaction
    that saves the location."""
    held = (
        Balance.objects.select_for_update(of=("self",))
        .filter(location=location, quantity__gt=0)
        .select_related("item")
        .order_by("pk")
    )
    note = f"{location.name}由{from_area.name}移至{location.area.name}"[:200]
    entries = []
    for balance in held:
        entries += [
            Entry(
                balance.item,
                location,
                MovementKind.RELOCATE_OUT,
                -balance.quantity,
                {"area_id": from_area.pk, "note": note},
            ),
            Entry(
                balance.item, location, MovementKind.RELOCATE_IN, balance.quantity, {"note": note}
            ),
        ]
    return post_movements(entries, by=by) if entries else []


def _replay(client_id: str) -> Movement | None:
    if not client_id:
        return None
    return Movement.objects.filter(client_id=client_id).first()


def once(
    client_id: str, work: Callable[[], T], replay: Callable[[str], Any] = _replay
) -> tuple[T, bool]:
    """Run ``work`` in a transaction unless ``client_id`` was stored already; a phone
    sending the same write twice (even at the same moment), or a form sent again from
    the browser's history, stores it once. Returns (row, created): created is false for
    the row ``client_id`` had stored."""
    if (existing := replay(client_id)) is not None:
        return existing, False
    try:
        with transaction.atomic():
            return work(), True
    except IntegrityError:
        if (existing := replay(client_id)) is not None:
            return existing, False
        raise


def checked_quantity(item: Item, quantity: int) -> int:
    """``quantity`` of ``item`` for one entry: a positive integer within ``MAX_UNITS``."""
    if not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError(f"{item.name}的数量应为正整数")
    return item.check_units(quantity)


def receive_stock(
    *,
    item: Item,
    location: Location,
    quantity: int,
    by: Any,
    kind: str = MovementKind.PURCHASE,
    supplier: str = "",
    amount: Decimal | None = None,
    note: str = "",
    client_id: str = "",
    at: datetime | None = None,
    request: Any = None,
) -> tuple[Movement, bool]:
    """Stock coming in: a purchase, or opening stock. Returns (movement, created)."""
    if kind not in RECEIVE_KINDS:
        raise ValidationError("入库类型不正确")
    if amount is not None and amount < 0:
        raise ValidationError("金额不能为负数")
    fields = {"supplier": supplier, "amount": amount, "note": note, "client_id": client_id}
    entry = Entry(item, location, kind, checked_quantity(item, quantity), fields)

    def work() -> Movement:
        (movement,) = post_movements([entry], by=by, at=at)
        if kind == MovementKind.PURCHASE:
            money = f"，金额{amount}元" if amount is not None else ""
            audit.record(
                action=AuditEvent.Action.CREATE,
                request=request,
                user=by,
                obj=movement,
                area=location.area,
                detail=f"采购入库 {location.name} {item.describe(quantity)}{money}",
            )
        return movement

    return once(client_id, work)


def record_out(
    *,
    item: Item,
    location: Location,
    quantity: int,
    kind: str,
    by: Any,
    recipient: str = "",
    note: str = "",
    client_id: str = "",
    typed: str = "",
    at: datetime | None = None,
    request: Any = None,
) -> tuple[Movement, bool]:
    """Issue, consumption or loss at a location; refused when stock is short (saying
    the quantity as ``typed`` too, when in a pack). An issue names its recipient (a
    person, a checkpoint or community, an enterprise), so the ledger says who got the
    stock. Returns (movement, created)."""
    if kind not in MANUAL_OUT_KINDS:
        raise ValidationError("出库类型不正确")
    recipient = recipient.strip()
    if kind == MovementKind.ISSUE and not recipient:
        raise ValidationError(
            {
                "recipient": "发放须填写领用单位/人（领用人姓名、卡点/社区或企业名称），"
                "台账据此记录物资发给了谁"
            }
        )
    closed = Recipient.objects.visible_to(by).closed_named(recipient)
    if kind == MovementKind.ISSUE and closed is not None:
        raise ValidationError(
            f"{closed.name}已停用，不能向其发放物资（停业、迁出辖区的企业在“企业/领用单位”"
            "中停用）；如已恢复经营，请先将其启用"
        )
    fields = {"recipient": recipient, "note": note, "client_id": client_id}
    entry = Entry(item, location, kind, -checked_quantity(item, quantity), fields, typed)

    def work() -> Movement:
        (movement,) = post_movements([entry], by=by, at=at)
        to = f" → {recipient}" if recipient else ""
        audit.record(
            action=AuditEvent.Action.CREATE,
            request=request,
            user=by,
            obj=movement,
            area=location.area,
            detail=f"{MovementKind(kind).label} {location.name} {item.describe(quantity)}{to}",
        )
        return movement

    return once(client_id, work)


def transfer_entries(
    *,
    item: Item,
    source: Location,
    destination: Location,
    quantity: int,
    fields: dict,
    typed: str = "",
) -> list[Entry]:
    if source.pk == destination.pk:
        raise ValidationError("调出和调入不能是同一个存放点")
    # The pair is written at once and replayed through its out row, which alone keeps
    # the client id: the in row needs none (a derived one could outgrow the column).
    client_id = fields.pop("client_id", "")
    return [
        Entry(
            item,
            source,
            MovementKind.TRANSFER_OUT,
            -quantity,
            {**fields, "counterpart": destination, "client_id": client_id},
            typed,
        ),
        Entry(
            item, destination, MovementKind.TRANSFER_IN, quantity, {**fields, "counterpart": source}
        ),
    ]


def transfer(
    *,
    item: Item,
    source: Location,
    destination: Location,
    quantity: int,
    by: Any,
    note: str = "",
    client_id: str = "",
    typed: str = "",
    at: datetime | None = None,
    request: Any = None,
) -> tuple[Movement, bool]:
    """Move stock between two locations: one transfer-out and one transfer-in row
    (a shortage says the quantity as ``typed`` too, when in a pack). Returns (the
    transfer-out row, created)."""
    entries = transfer_entries(
        item=item,
        source=source,
        destination=destination,
        quantity=checked_quantity(item, quantity),
        fields={"note": note, "client_id": client_id},
        typed=typed,
    )

    def work() -> Movement:
        out, _ = post_movements(entries, by=by, at=at)
        audit.record(
            action=AuditEvent.Action.CREATE,
            request=request,
            user=by,
            obj=out,
            area=source.area,
            detail=f"调拨 {source.name} → {destination.name} {item.describe(quantity)}",
        )
        return out

    return once(client_id, work)


# A count's book (the figures its page carried) that cannot be checked against.
DAMAGED_BOOK = (
    "页面中的账面数据已损坏，无法核对盘点期间的出入库；"
    "请按本页显示的账面数核对实盘数后重新提交；未做任何修改"
)


def _check_book_unchanged(book: dict[Item, int], shown: Mapping[int, int] | None) -> None:
    # A book that leaves out a counted item is damaged: that item's count would be
    # taken unchecked, and stock moved meanwhile written back by the adjustment.
    if shown is not None and any(item.pk not in shown for item in book):
        raise ValidationError(DAMAGED_BOOK)
    moved = [
        (item, shown[item.pk], quantity)
        for item, quantity in book.items()
        if shown is not None and shown[item.pk] != quantity
    ]
    if moved:
        changes = "、".join(
            f"{item.name}的账面数已由{was:,}{item.unit}变为{now:,}{item.unit}"
            for item, was, now in moved
        )
        raise ValidationError(
            f"盘点期间{changes}（其间有出入库），请按新的账面数核对实盘数后重新提交；未做任何修改"
        )


def count_stock(
    *,
    location: Location,
    counted: dict[Item, int],
    reason: str,
    by: Any,
    shown: Mapping[int, int] | None = None,
    client_id: str = "",
    request: Any = None,
) -> tuple[StockCount, bool]:
    """Record a stock count (盘点); each difference from the book becomes an adjustment
    movement carrying the reason. The book figure is read under lock at commit time;
    ``shown`` (item id → quantity) is the book the counter was shown, and a count of an
    item whose book has moved since (stock issued or received meanwhile) is refused,
    never turned into an adjustment; so is one of an item ``shown`` leaves out (a
    damaged book). Returns (count, created)."""
    if not counted:
        raise ValidationError("请至少填写一种物资的实盘数量")
    if any(not isinstance(n, int) or n < 0 for n in counted.values()):
        raise ValidationError("实盘数量应为非负整数")
    for item, n in counted.items():
        item.check_units(n)
    reason = reason.strip()

    def work() -> StockCount:
        balances = lock_balances([(item, location) for item in counted])
        book = {item: balances[(item.pk, location.pk)].quantity for item in counted}
        _check_book_unchanged(book, shown)
        differs = [item for item, n in counted.items() if n != book[item]]
        if differs and not reason:
            names = "、".join(i.name for i in differs)
            raise ValidationError(f"{names}的实盘数与账面数不一致，请填写差异原因")
        count = StockCount.objects.create(
            location=location, reason=reason, created_by=by, client_id=client_id
        )
        StockCountLine.objects.bulk_create(
            StockCountLine(count=count, item=item, expected=book[item], counted=n)
            for item, n in counted.items()
        )
        entries = [
            Entry(
                item,
                location,
                MovementKind.ADJUSTMENT,
                counted[item] - book[item],
                {"count": count, "note": reason[:200]},
            )
            for item in differs
        ]
        if entries:
            post_movements(entries, by=by, at=count.counted_at)
        audit.record(
            action=AuditEvent.Action.CREATE,
            request=request,
            user=by,
            obj=count,
            area=location.area,
            detail=f"盘点 {len(counted)} 种，{len(differs)} 种有差异"
            + (f"：{reason}" if reason else ""),
        )
        return count

    return once(
        client_id, work, lambda c: StockCount.objects.filter(client_id=c).first() if c else None
    )
