"""Donations: record (pledged or received), receive into stock, cancel; spending of
donated cash, split over the donations it draws from so each one's balance is known."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core import pii
from shouwang.core.unique import unique_write

from ..models import (
    MAX_MONEY,
    Donation,
    DonationLine,
    Donor,
    Item,
    Location,
    MovementKind,
    Purpose,
    ReceiptCounter,
    Spending,
    SpendingShare,
)
from .stock import Entry, checked_quantity, once, post_movements

CENT = Decimal("0.01")


@dataclass
class GoodsLine:
    item: Item
    quantity: int
    estimated_value: Decimal = Decimal("0.00")


def _donor(
    *,
    area: Any,
    kind: str,
    name: str,
    by: Any,
    contact_name: str = "",
    phone: str = "",
    address: str = "",
    update_contact: bool = False,
    request: Any = None,
) -> Donor:
    """The donor of ``kind`` and ``name`` on the books of ``area`` (the receiving
    office), created on its first gift there: another office's donor of the same name
    is another row, whose contact is never shown here nor changed. A donor on the
    books keeps the contact recorded for them: a different one typed with a new gift
    is refused unless ``update_contact`` asks for it to replace the old, and then the
    change is audited (old and new, masked)."""
    name = name.strip()
    if not name:
        raise ValidationError("请填写捐赠方名称")
    if Donor(kind=kind, name=name).unnamed and (contact_name or phone or address):
        # Everyone who left no name shares one such donor row: a contact on it would be
        # shown to (and refused for) the next donor who left none.
        raise ValidationError(
            f"捐赠方未留姓名/名称（填写的是“{name}”），不能登记联系人、联系电话或地址："
            "如知道捐赠方是谁，请填写其真实姓名或单位名称，公示方式选“匿名”即可不公开；"
            "否则请清空联系方式。未做任何修改"
        )
    # Two registrations of a new donor at once: the second's insert waits on the unique
    # constraint, fails when the first commits, and get_or_create (which inserts in a
    # savepoint) reads the first's row instead; read committed lets it see that row.
    donor, created = Donor.objects.get_or_create(area=area, kind=kind, name=name)
    old_contact = {
        "contact_name": donor.contact_name,
        "phone": donor.phone_masked,
        "address": donor.address,
    }
    changed = []
    if contact_name and contact_name != donor.contact_name:
        donor.contact_name = contact_name
        changed.append("contact_name")
    if phone and pii.lookup_hash(phone) != donor.phone_hash:
        donor.set_phone(phone)
        changed += ["phone_enc", "phone_hash"]
    if address and address != donor.address:
        donor.address = address
        changed.append("address")
    if not changed:
        return donor
    if not created:
        changes = _contact_changes(old_contact, donor)
        if any(old for old, _ in changes.values()) and not update_contact:
            was = "，".join(f"{label} {old}" for label, (old, _) in changes.items() if old)
            raise ValidationError(
                f"捐赠方“{donor.name}”已登记的联系方式与本次填写的不同（已登记：{was}）。"
                "如要改为本次填写的，请勾选“更新捐赠方联系方式”后再保存；"
                "如只登记这笔捐赠，请清空联系人、联系电话和地址。未做任何修改"
            )
    donor.save(update_fields=[*changed, "updated_at"])
    if not created:
        audit.record(
            action=AuditEvent.Action.UPDATE,
            request=request,
            user=by,
            obj=donor,
            area=area,
            detail="更新捐赠方联系方式："
            + "；".join(
                f"{label} {old or '（空）'} → {new}" for label, (old, new) in changes.items()
            ),
        )
    return donor


def _contact_changes(old: dict[str, str], donor: Donor) -> dict[str, tuple[str, str]]:
    """Label → (old, new) for each contact field ``donor`` now holds differently
    (phones masked)."""
    pairs = {
        "联系人": (old["contact_name"], donor.contact_name),
        "联系电话": (old["phone"], donor.phone_masked),
        "地址": (old["address"], donor.address),
    }
    return {label: pair for label, pair in pairs.items() if pair[0] != pair[1]}


def _check_reference(*, area: Any, reference: str, exclude: int | None = None) -> None:
    """A payment reference (bank serial, counter receipt) names one payment: the same
    one on another live cash gift of the receiving office is a double entry."""
    if not reference:
        return
    other = (
        Donation.objects.cash()
        .filter(area=area, reference=reference)
        .exclude(status__in=[Donation.Status.CANCELLED, Donation.Status.VOIDED])
        .exclude(pk=exclude)
        .select_related("donor")
        .first()
    )
    if other is not None:
        which = f"收据 {other.receipt_no}" if other.receipt_no else "承诺捐赠（尚未到账）"
        raise ValidationError(
            f"收款凭证号“{reference}”已用于{other.donor.name}的{which}（{other.summary()}），"
            "请核对是否重复登记；未做任何修改"
        )


# No book of this office predates it: an earlier day is a mistyped year ("0202-02-01").
EARLIEST_DAY = date(2000, 1, 1)


def _check_day(day: date | None, label: str) -> None:
    """A day the books may carry: not in the future, not before ``EARLIEST_DAY``."""
    # isoformat, not strftime: the year 202 is "0202", as typed.
    if day is not None and day > (today := timezone.localdate()):
        raise ValidationError(
            f"{label}不能晚于今天：填写的是{day.isoformat()}，今天是{today.isoformat()}，请核对"
        )
    if day is not None and day < EARLIEST_DAY:
        raise ValidationError(f"{label}“{day.isoformat()}”早于{EARLIEST_DAY.year}年，请核对年份")


def record_donation(
    *,
    area: Any,
    donor_kind: str,
    donor_name: str,
    kind: str,
    by: Any,
    contact_name: str = "",
    phone: str = "",
    address: str = "",
    update_contact: bool = False,
    disclosure: str = Donation.Disclosure.NAMED,
    amount: Decimal | None = None,
    channel: str = "",
    reference: str = "",
    purpose: Purpose | None = None,
    lines: Sequence[GoodsLine] = (),
    location: Location | None = None,
    pledged_on: date | None = None,
    received: bool = False,
    received_on: date | None = None,
    message: str = "",
    notes: str = "",
    client_id: str = "",
    request: Any = None,
) -> tuple[Donation, bool]:
    """A new donation; ``received=True`` also receives it (goods enter stock). A donor
    on the books keeps their contact unless ``update_contact`` (see ``_donor``).
    Returns (donation, created): the same ``client_id`` again returns the first,
    unchanged."""
    _check_day(pledged_on, "承诺/登记日期")
    if received and pledged_on is None:
        pledged_on = received_on  # entered after the fact: given the day it came
    reference = reference.strip()
    if kind == Donation.Kind.CASH:
        if amount is None or amount <= 0:
            raise ValidationError("资金捐赠请填写大于0的金额")
        amount = amount.quantize(CENT)
        if amount > MAX_MONEY:
            raise ValidationError(f"金额过大：一笔最多{MAX_MONEY:,}元")
        lines = ()
    elif kind == Donation.Kind.GOODS:
        if not lines:
            raise ValidationError("物资捐赠请至少填写一种物资及数量")
        for line in lines:
            checked_quantity(line.item, line.quantity)
        if any(line.estimated_value < 0 for line in lines):
            raise ValidationError("估值不能为负数")
        worth = sum((ln.estimated_value for ln in lines), Decimal("0.00"))
        if worth > MAX_MONEY:
            raise ValidationError(
                f"物资估值合计过大：{worth:,}元，一笔捐赠最多{MAX_MONEY:,}元，请核对各项估值"
            )
        amount, purpose = None, None
    else:
        raise ValidationError("捐赠类型不正确")

    def work() -> Donation:
        if purpose is not None:
            _check_purpose_active(purpose)
        if kind == Donation.Kind.CASH:
            _check_reference(area=area, reference=reference)
        donor = _donor(
            area=area,
            kind=donor_kind,
            name=donor_name,
            contact_name=contact_name,
            phone=phone,
            address=address,
            update_contact=update_contact,
            by=by,
            request=request,
        )
        donation = Donation.objects.create(
            donor=donor,
            area=area,
            kind=kind,
            # A donor who left no name has nothing to disclose but the gift.
            disclosure=Donation.Disclosure.ANONYMOUS if donor.unnamed else disclosure,
            amount=amount,
            channel=channel,
            reference=reference,
            purpose=purpose,
            location=location,
            estimated_value=sum((ln.estimated_value for ln in lines), Decimal("0.00")),
            pledged_on=pledged_on or timezone.localdate(),
            message=message,
            notes=notes,
            client_id=client_id,
            created_by=by,
        )
        DonationLine.objects.bulk_create(
            DonationLine(
                donation=donation,
                item=ln.item,
                quantity=ln.quantity,
                estimated_value=ln.estimated_value.quantize(CENT),
            )
            for ln in lines
        )
        audit.record(
            action=AuditEvent.Action.CREATE,
            request=request,
            user=by,
            obj=donation,
            area=area,
            detail=f"登记捐赠：{donor.name} {donation.summary()}",
        )
        if received:
            receive_donation(
                donation=donation,
                by=by,
                location=location,
                received_on=received_on,
                request=request,
            )
        return donation

    return once(
        client_id, work, lambda c: Donation.objects.filter(client_id=c).first() if c else None
    )


@transaction.atomic
def receive_donation(
    *,
    donation: Donation,
    by: Any,
    location: Location | None = None,
    channel: str = "",
    reference: str = "",
    at: datetime | None = None,
    arrived: Mapping[int, int] | None = None,
    received_amount: Decimal | None = None,
    received_on: date | None = None,
    request: Any = None,
) -> tuple[Donation, bool]:
    """Pledged → received: issue a receipt number; goods enter stock at ``location``;
    cash says how it came (``channel``, ``reference``, unless recorded with the pledge)
    and, entered after the fact, the day it arrived (``received_on``, see
    ``_arrival``).
    ``arrived`` (goods line id → units; a line not named arrived in full): when less
    than pledged arrived, this gift keeps what arrived (its estimate pro rata) and the
    rest stays pledged as a new gift of the same donor (``_split_off_rest``); cash
    likewise with ``received_amount`` (blank: the amount pledged).
    Returns (donation, received): a donation received already (a double click, a
    retry) is returned as it is, with ``False``, and nothing is written."""
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.status == Donation.Status.RECEIVED:
        return donation, False
    if donation.status != Donation.Status.PLEDGED:
        raise ValidationError(f"该捐赠当前状态为“{donation.get_status_display()}”，不能确认到账")
    at = _arrival(donation, received_on) or at or timezone.now()
    short: list[tuple[Item, int, Decimal]] = []
    rest_amount = None
    if donation.kind == Donation.Kind.CASH:
        rest_amount = _amount_short(donation, received_amount)
        pledged_channel = donation.channel
        donation.channel = channel or donation.channel
        donation.reference = reference.strip() or donation.reference
        if not donation.channel:
            raise ValidationError("资金到账请选择支付方式")
        _check_reference(area=donation.area, reference=donation.reference, exclude=donation.pk)
    if donation.kind == Donation.Kind.GOODS:
        location = location or donation.location
        if location is None:
            raise ValidationError("物资捐赠请选择入库存放点")
        lines, short = _arrived_lines(donation, arrived or {})
        post_movements(
            [
                Entry(
                    ln.item,
                    location,
                    MovementKind.DONATION,
                    ln.quantity,
                    {"donation": donation, "amount": ln.estimated_value or None},
                )
                for ln in lines
            ],
            by=by,
            at=at,
        )
        donation.location = location
    donation.status = Donation.Status.RECEIVED
    donation.received_at = at
    donation.receipt_no = ReceiptCounter.take(timezone.localtime(at).year)
    donation.received_by = by
    donation.save(
        update_fields=[
            "status",
            "received_at",
            "receipt_no",
            "received_by",
            "location",
            "channel",
            "reference",
            "estimated_value",
            "amount",
            "updated_at",
        ]
    )
    if short:
        _split_off_rest(donation, short=short, by=by, request=request)
    if rest_amount:
        _split_off_rest(
            donation, amount=rest_amount, channel=pledged_channel, by=by, request=request
        )
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=donation,
        area=donation.area,
        detail=f"捐赠到账/入库，收据 {donation.receipt_no}",
    )
    return donation, True


def _arrival(donation: Donation, day: date | None) -> datetime | None:
    """The moment cash that arrived on ``day`` is received (None: now). Entered after
    the fact, it counts from the start of that day, so spending dated that day may
    draw on it. Goods enter stock when received here: the ledger is never backdated."""
    if day is None or day == timezone.localdate():
        return None
    if donation.kind == Donation.Kind.GOODS:
        raise ValidationError(
            "物资按实际入库时间记账，不能补填以前的到账日期：请清空到账日期后保存，"
            "实际到货日期可写在备注中。未做任何修改"
        )
    _check_day(day, "到账日期")
    if day < donation.pledged_on:
        raise ValidationError(
            f"到账日期不能早于承诺/登记日期（{donation.pledged_on:%Y-%m-%d}），请核对。未做任何修改"
        )
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _arrived_lines(
    donation: Donation, arrived: Mapping[int, int]
) -> tuple[list[DonationLine], list[tuple[Item, int, Decimal]]]:
    """The goods lines as they arrived — each cut to the units that arrived, its
    estimate pro rata, a line of which nothing arrived deleted — and what is still to
    come (item, units, estimate). More than pledged, or nothing at all, is refused."""
    lines = list(donation.lines.select_related("item"))
    pairs = [(ln, arrived.get(ln.pk, ln.quantity)) for ln in lines]
    if any(n < 0 for _, n in pairs):
        raise ValidationError("实收数量不能为负数，未做任何修改")
    over = [
        f"{ln.item.name}实收{n:,}{ln.item.unit}（承诺{ln.quantity:,}）"
        for ln, n in pairs
        if n > ln.quantity
    ]
    if over:
        raise ValidationError(
            f"{'、'.join(over)}多于承诺的数量：多出的部分请另行登记一笔捐赠；未做任何修改"
        )
    if not any(n for _, n in pairs):
        raise ValidationError(
            "实收数量均为0：尚未到货请到货后再确认；不会到货请取消承诺。未做任何修改"
        )
    kept, short = [], []
    for line, n in pairs:
        if n == line.quantity:
            kept.append(line)
            continue
        value = (line.estimated_value * n / line.quantity).quantize(CENT)
        short.append((line.item, line.quantity - n, line.estimated_value - value))
        if n == 0:
            line.delete()
            continue
        line.quantity, line.estimated_value = n, value
        line.save(update_fields=["quantity", "estimated_value"])
        kept.append(line)
    donation.estimated_value = sum((ln.estimated_value for ln in kept), Decimal("0.00"))
    return kept, short


def _amount_short(donation: Donation, received: Decimal | None) -> Decimal:
    """What is still to come of a cash pledge of which ``received`` arrived (blank: all
    of it), the gift cut to what arrived. More than pledged, or nothing, is refused."""
    if received is None or received == donation.amount:
        return Decimal("0.00")
    if received <= 0:
        raise ValidationError(
            "实收金额应大于0：尚未到账请到账后再确认；不会到账请取消承诺。未做任何修改"
        )
    if received > donation.amount:
        raise ValidationError(
            f"实收金额{received:,.2f}元多于承诺的{donation.amount:,.2f}元："
            "多出的部分请另行登记一笔捐赠；未做任何修改"
        )
    rest = donation.amount - received
    donation.amount = received
    return rest


def _split_off_rest(
    donation: Donation,
    *,
    short: Sequence[tuple[Item, int, Decimal]] = (),
    amount: Decimal | None = None,
    channel: str = "",
    by: Any,
    request: Any,
) -> Donation:
    """What has not arrived of a pledge received in part — goods (``short``) or cash
    (``amount``, paid by the ``channel`` pledged): a new pledge of the same donor, shown
    the same way, to be received or cancelled on its own."""
    what = "到账" if donation.kind == Donation.Kind.CASH else "到货"
    rest = Donation.objects.create(
        donor=donation.donor,
        area=donation.area,
        kind=donation.kind,
        disclosure=donation.disclosure,
        amount=amount,
        channel=channel,
        purpose=donation.purpose,
        location=donation.location,
        pledged_on=donation.pledged_on,
        estimated_value=sum((value for _, _, value in short), Decimal("0.00")),
        message=donation.message,
        notes=f"分批{what}：已到部分见收据 {donation.receipt_no}，本笔为未到部分",
        created_by=by,
    )
    DonationLine.objects.bulk_create(
        DonationLine(donation=rest, item=item, quantity=units, estimated_value=value)
        for item, units, value in short
    )
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=rest,
        area=rest.area,
        detail=f"分批{what}，未到部分另列为承诺捐赠：{donation.donor.name} {rest.summary()}",
    )
    return rest


@transaction.atomic
def cancel_donation(
    *, donation: Donation, by: Any, reason: str, request: Any = None
) -> tuple[Donation, bool]:
    """A pledge that will not arrive. Received donations are never cancelled. Returns
    (donation, cancelled): a pledge cancelled already (a double click, a retry) is
    returned as it is, with ``False``, and nothing is written."""
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.status == Donation.Status.CANCELLED:
        return donation, False
    if donation.status != Donation.Status.PLEDGED:
        raise ValidationError("该捐赠已到账/入库，不能取消")
    if not reason.strip():
        raise ValidationError("请填写取消原因")
    donation.status = Donation.Status.CANCELLED
    donation.notes = (donation.notes + f"\n取消：{reason.strip()}").strip()
    donation.save(update_fields=["status", "notes", "updated_at"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=donation,
        area=donation.area,
        detail=f"取消承诺捐赠：{reason.strip()}",
    )
    return donation, True


VOID_REASON_MAX = 200


@transaction.atomic
def void_receipt(
    *, donation: Donation, by: Any, reason: str, request: Any = None
) -> tuple[Donation, bool]:
    """Received → voided (作废): the receipt is withdrawn with ``reason``; its number
    stays on the gift, never reused. The gift leaves every total (and the public list
    says 已作废). Cash some spending drew on is refused: its shares would point at a
    gift that no longer counts. Goods stay in stock: voiding corrects the paper, not
    the ledger (a count or loss movement does that). Returns (donation, voided): one
    voided already (a double click) is returned as it is, with ``False``."""
    reason = reason.strip()
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.status == Donation.Status.VOIDED:
        return donation, False
    if donation.status != Donation.Status.RECEIVED:
        raise ValidationError("只有已到账/入库的捐赠才能作废收据；未做任何修改")
    if not reason:
        raise ValidationError("请填写作废原因；未做任何修改")
    if len(reason) > VOID_REASON_MAX:
        raise ValidationError(f"作废原因最多{VOID_REASON_MAX}字；未做任何修改")
    spent = donation.spent_total()
    if spent:
        raise ValidationError(
            f"收据 {donation.receipt_no} 的捐款已支出{spent:,.2f}元，不能作废；未做任何修改"
        )
    donation.status = Donation.Status.VOIDED
    donation.voided_at = timezone.now()
    donation.voided_by = by
    donation.void_reason = reason
    donation.save(update_fields=["status", "voided_at", "voided_by", "void_reason", "updated_at"])
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=donation,
        area=donation.area,
        detail=f"作废收据 {donation.receipt_no}：{reason}",
    )
    return donation, True


@transaction.atomic
def reissue_receipt(*, donation: Donation, by: Any, request: Any = None) -> tuple[Donation, bool]:
    """A voided gift, corrected (its donor's name or contact fixed on the books), is
    received again under a new receipt number: a new gift row (``reissue_of`` the
    voided one) with the same donor, money or goods, purpose, channel and arrival, the
    next number of its arrival year's series. Goods do not enter stock again (they
    never left it). Returns (new gift, created): re-issued already → (that gift, False)."""
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.status != Donation.Status.VOIDED:
        raise ValidationError("只有已作废的收据才能重新开具；未做任何修改")
    done = Donation.objects.filter(reissue_of=donation).first()
    if done is not None:
        return done, False
    new = Donation.objects.create(
        donor=donation.donor,
        area=donation.area,
        kind=donation.kind,
        disclosure=donation.disclosure,
        status=Donation.Status.RECEIVED,
        amount=donation.amount,
        channel=donation.channel,
        reference=donation.reference,
        estimated_value=donation.estimated_value,
        purpose=donation.purpose,
        location=donation.location,
        pledged_on=donation.pledged_on,
        received_at=donation.received_at,
        received_by=by,
        receipt_no=ReceiptCounter.take(timezone.localtime(donation.received_at).year),
        message=donation.message,
        notes=f"重新开具：原收据 {donation.receipt_no} 已作废",
        reissue_of=donation,
        created_by=by,
    )
    DonationLine.objects.bulk_create(
        DonationLine(
            donation=new, item=ln.item, quantity=ln.quantity, estimated_value=ln.estimated_value
        )
        for ln in donation.lines.all()
    )
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=new,
        area=new.area,
        detail=f"重新开具收据 {new.receipt_no}（原收据 {donation.receipt_no} 已作废）",
    )
    return new, True


def _day_end(day: date) -> datetime:
    return datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def fundable(area: Any, purpose: Purpose, *, on: date | None = None) -> list[Donation]:
    """Received cash the area may spend on ``purpose`` on the day ``on`` (today when
    None): gifts received by the end of that day (``Donation.funds``), in drawing order:
    restricted to this purpose first, then unrestricted ones, oldest first."""
    return list(
        Donation.objects.within(area)
        .funding(area)
        .cash()
        .received()
        .filter(received_at__lt=_day_end(on or timezone.localdate()))
        .filter(Q(purpose=purpose) | Q(purpose__isnull=True))
        .with_spent()
        .filter(left__gt=0)
        .select_related("donor", "area")
        .order_by(F("purpose").asc(nulls_last=True), "received_at", "pk")
    )


def _drawing_order(donation: Donation) -> tuple:
    return (donation.purpose_id is None, donation.received_at, donation.pk)


def _usable(areas: Iterable[Any]) -> list[int]:
    """Ids of the received cash gifts spending at any of ``areas`` may draw on: on
    its books and funding it (``Donation.funds``), so a community's designated gift is
    not among a sub-district's. One query whatever the number of areas."""
    on_books = Q()
    for area in areas:
        on_books |= Q(pk__in=Donation.objects.within(area).funding(area).values("pk"))
    if not on_books:
        return []
    return list(
        Donation.objects.cash()
        .received()
        .filter(on_books)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _later_spendings(spending: Spending) -> tuple[list[Spending], list[int]]:
    """The spendings dated on or after ``spending``'s day that draw on gifts it may
    draw on (and, in turn, on gifts those may draw on), and the ids of every received
    cash gift they all may draw on (``_usable``). Reads only; ``_locked_pool`` locks."""
    areas = {spending.area.path: spending.area}
    while True:
        pool = _usable(areas.values())
        later = list(
            Spending.objects.filter(spent_on__gte=spending.spent_on, shares__donation__in=pool)
            .select_related("area", "purpose")
            .distinct()
        )
        wider = {s.area.path: s.area for s in later if s.area.path not in areas}
        if not wider:
            break
        areas.update(wider)
    return later, pool


class _PoolGrew(Exception):
    """Gifts or spendings committed meanwhile widened the pool past the gifts locked."""


POOL_ATTEMPTS = 3


def _locked_pool(spending: Spending) -> tuple[list[Spending], dict[int, Donation]]:
    """``_later_spendings`` with every gift of the pool locked, in one statement in
    primary-key order before any other gift is locked, so two spendings over shared
    gifts (a backdated one splitting later ones again, in particular) lock them in the
    same order and one waits for the other rather than deadlocking. Read again under
    the lock: when the pool has grown meanwhile (a gift received, a spending stored),
    locking the new gifts now could break that order, so ``_PoolGrew`` rolls the
    attempt back and ``record_spending`` starts it again."""
    _, ids = _later_spendings(spending)
    list(Donation.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    later, now = _later_spendings(spending)
    if not set(now) <= set(ids):
        raise _PoolGrew
    gifts = {
        d.pk: d for d in Donation.objects.filter(pk__in=now).select_related("area").with_spent()
    }
    return later, gifts


Split = list[tuple[Spending, list[tuple[Donation, Decimal]]]]


def _split_again(spending: Spending, later: list[Spending], gifts: dict[int, Donation]) -> Split:
    """Split ``spending`` and the ``later`` spendings again over ``gifts``, day by day
    (restricted gifts first, then unrestricted, oldest first): each draws only on gifts
    received by the end of its own day, so no gift's balance is below zero on any day.
    Spendings dated before ``spending`` keep their shares. Refused, naming the
    spending that could not be paid, when one cannot."""
    moving = {s.pk for s in later}
    left = {pk: d.amount - d.spent for pk, d in gifts.items()}
    for share in SpendingShare.objects.filter(spending__in=moving, donation__in=gifts):
        left[share.donation_id] += share.amount
    split: Split = []
    order = sorted([*later, spending], key=lambda s: (s.spent_on, s.pk is None, s.pk or 0))
    for current in order:
        sources = sorted(
            (
                d
                for d in gifts.values()
                if left[d.pk] > 0
                and d.area.path.startswith(current.area.path)
                and d.funds(current.area)
                and d.purpose_id in (None, current.purpose_id)
                and d.received_at < _day_end(current.spent_on)
            ),
            key=_drawing_order,
        )
        available = sum((left[d.pk] for d in sources), Decimal("0.00"))
        if current.amount > available:
            raise ValidationError(_short_message(spending, current, available, _withheld(current)))
        takes, need = [], current.amount
        for donation in sources:
            if need <= 0:
                break
            take = min(need, left[donation.pk])
            takes.append((donation, take))
            left[donation.pk] -= take
            need -= take
        split.append((current, takes))
    return split


def _withheld(spending: Spending) -> dict[str, Decimal]:
    """Area name → balance of the gifts on ``spending``'s books that it may not draw on
    (designated to offices below, see ``Donation.funds``), received by its day for its
    purpose. Outside the locked pool: read for the refusal message only."""
    withheld: dict[str, Decimal] = {}
    gifts = (
        Donation.objects.within(spending.area)
        .cash()
        .received()
        .filter(received_at__lt=_day_end(spending.spent_on))
        .filter(Q(purpose=spending.purpose) | Q(purpose__isnull=True))
        .exclude(pk__in=Donation.objects.funding(spending.area).values("pk"))
        .with_spent()
        .filter(left__gt=0)
        .select_related("area")
    )
    for d in gifts:
        withheld[d.area.name] = withheld.get(d.area.name, Decimal("0.00")) + d.left
    return withheld


def _changed(split: Split) -> Split:
    """The rows of ``split`` whose spending is stored and drew on other shares before."""
    stored = [s for s, _ in split if s.pk is not None]
    before: dict[int, set] = {s.pk: set() for s in stored}
    for share in SpendingShare.objects.filter(spending__in=stored):
        before[share.spending_id].add((share.donation_id, share.amount))
    return [
        (s, takes)
        for s, takes in split
        if s.pk is not None and before[s.pk] != {(d.pk, take) for d, take in takes}
    ]


def _short_message(
    spending: Spending, short: Spending, available: Decimal, withheld: dict[str, Decimal]
) -> str:
    """Why ``spending`` is refused: ``short`` (itself or a later spending) could not be
    paid from the ``available`` balance; ``withheld`` (area name → balance) is what
    gifts received by offices below ``short``'s would have added (see ``Donation.funds``)."""
    designated = "".join(
        f"（另有{amount:,.2f}元是捐给{name}的定向捐款，只能用于{name}及其下属的支出）"
        for name, amount in sorted(withheld.items())
    )
    if short is spending:
        return (
            f"可用捐款余额不足：本次支出{spending.amount:,.2f}元，"
            f"可用于“{spending.purpose.name}”的余额为{available:,.2f}元"
            f"（截至{spending.spent_on:%Y-%m-%d}已到账的捐款）{designated}，未做任何修改"
        )
    return (
        f"可用捐款余额不足：本次支出{spending.amount:,.2f}元"
        f"（{spending.spent_on:%Y-%m-%d}）用去的捐款，"
        f"{short.spent_on:%Y-%m-%d}的支出“{short.description}”{short.amount:,.2f}元还要用到："
        f"截至{short.spent_on:%Y-%m-%d}已到账、可用于“{short.purpose.name}”的捐款"
        f"届时只余{available:,.2f}元{designated}，未做任何修改"
    )


def record_spending(
    *,
    area: Any,
    purpose: Purpose,
    amount: Decimal,
    description: str,
    by: Any,
    spent_on: date | None = None,
    voucher_no: str = "",
    client_id: str = "",
    request: Any = None,
) -> tuple[Spending, bool]:
    """Spend donated cash; refused when the donations available for the purpose do
    not cover it. The donations drawn from are locked while they are split. A spending
    dated in the past may draw on a gift that a later spending drew on when that one
    can be paid from gifts received by its own day instead: the later spendings are
    split again (``_split_again``), never leaving a gift below zero on any day.
    The gifts are locked in one order (``_locked_pool``), so concurrent spendings
    wait for each other and never deadlock. Returns (spending, created)."""
    if amount is None or amount <= 0:
        raise ValidationError("支出金额应大于0")
    amount = amount.quantize(CENT)
    if not description.strip():
        raise ValidationError("请填写支出事由")
    _check_day(spent_on, "支出日期")

    def work() -> Spending:
        _check_purpose_active(purpose)
        spending = Spending(
            area=area,
            purpose=purpose,
            amount=amount,
            spent_on=spent_on or timezone.localdate(),
            description=description.strip(),
            voucher_no=voucher_no,
            client_id=client_id,
            created_by=by,
        )
        later, gifts = _locked_pool(spending)
        sources = [d for d in fundable(area, purpose, on=spending.spent_on) if d.pk in gifts]
        available = sum((d.amount - d.spent for d in sources), Decimal("0.00"))
        if amount <= available:
            takes, left = [], amount
            for donation in sources:
                if left <= 0:
                    break
                take = min(left, donation.amount - donation.spent)
                takes.append((donation, take))
                left -= take
            split: Split = [(spending, takes)]
            moved: Split = []
        else:
            split = _split_again(spending, later, gifts)
            moved = _changed(split)
            split = [(spending, t) for s, t in split if s is spending] + moved
        spending.save()
        SpendingShare.objects.filter(spending__in=[s for s, _ in moved]).delete()
        SpendingShare.objects.bulk_create(
            SpendingShare(spending=s, donation=donation, amount=take)
            for s, takes in split
            for donation, take in takes
        )
        again = f"；{len(moved)}笔较晚日期的支出改由其当日已到账的捐款列支" if moved else ""
        audit.record(
            action=AuditEvent.Action.CREATE,
            request=request,
            user=by,
            obj=spending,
            area=area,
            detail=f"捐款支出 {amount:,.2f}元（{purpose.name}）：{description.strip()}{again}",
        )
        return spending

    for _ in range(POOL_ATTEMPTS):
        try:
            return once(
                client_id,
                work,
                lambda c: Spending.objects.filter(client_id=c).first() if c else None,
            )
        except _PoolGrew:
            continue
    raise ValidationError(
        "登记时其他人正在登记支出或确认捐款到账，捐款余额有变动，请重新提交；未做任何修改"
    )


def _check_purpose_free(purpose: Purpose) -> None:
    if Purpose.objects.filter(name=purpose.name).exclude(pk=purpose.pk).exists():
        raise ValidationError({"name": "已有同名的资金用途，请换一个名称"})


@transaction.atomic
def add_purpose(*, purpose: Purpose, by: Any, request: Any = None) -> Purpose:
    """Add a use donated money may be spent on (资金用途); names are unique."""
    _check_purpose_free(purpose)
    with unique_write(lambda: _check_purpose_free(purpose)):
        purpose.save()
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=purpose,
        detail="新增资金用途",
    )
    return purpose


def _check_purpose_active(purpose: Purpose) -> None:
    """Refuse a retired purpose for something new. Read, not locked: a lock on the
    purpose would make every office's spending on it wait for each other's (see
    ``_locked_pool``); one recorded as it is retired only keeps it, as older ones do."""
    if not Purpose.objects.filter(pk=purpose.pk, active=True).exists():
        raise ValidationError(f"用途“{purpose.name}”已停用，不能用于新的支出或定向捐赠")


def _check_purpose_retirable(purpose: Purpose) -> None:
    """A purpose designated money still waits on stays: retired, nothing could spend
    that money any more."""
    designated = Donation.objects.cash().filter(purpose=purpose)
    if designated.pledged().exists():
        raise ValidationError(
            f"有尚未到账的定向捐款指定用于“{purpose.name}”，不能停用；"
            "请先确认到账并支出，或取消该承诺"
        )
    left = designated.received().with_spent().aggregate(t=Sum("left"))["t"] or 0
    if left > 0:
        raise ValidationError(
            f"仍有{left:,.2f}元定向用于“{purpose.name}”的捐款未支出，不能停用；请先按该用途支出"
        )


@transaction.atomic
def change_purpose(*, purpose: Purpose, by: Any, request: Any = None) -> Purpose:
    """Rename, reorder, retire or restore a purpose. Spendings and gifts recorded
    against it keep it (and show its new name); a retired one is offered for nothing
    new, and is refused while designated money still waits on it."""
    before = Purpose.objects.select_for_update().get(pk=purpose.pk)
    _check_purpose_free(purpose)
    if before.active and not purpose.active:
        _check_purpose_retirable(purpose)
    with unique_write(lambda: _check_purpose_free(purpose)):
        purpose.save(update_fields=["name", "order", "active"])
    changes = []
    if before.name != purpose.name:
        changes.append(f"名称：{before.name} → {purpose.name}")
    if before.order != purpose.order:
        changes.append(f"排序：{before.order} → {purpose.order}")
    if before.active != purpose.active:
        changes.append("停用" if not purpose.active else "恢复启用")
    if changes:
        audit.record(
            action=AuditEvent.Action.UPDATE,
            request=request,
            user=by,
            obj=purpose,
            detail=f"修改资金用途（{'；'.join(changes)}）",
        )
    return purpose
