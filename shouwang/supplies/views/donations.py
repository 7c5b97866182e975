"""Donation pages: list and totals, record, receive, cancel, receipt and letter of
thanks (PDF), cash spending, exports, and the public disclosure page."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest, PublicRequest
from shouwang.core.xlsx import workbook_bytes, xlsx_response

from .. import actions, documents, figures
from ..actions.donations import GoodsLine
from ..forms import (
    CancelForm,
    DonationForm,
    GoodsLineFormSet,
    PurposeEditForm,
    PurposeForm,
    ReceiveForm,
    SpendingForm,
    VoidForm,
)
from ..models import Donation, DonationLine, Location, Purpose, Spending, SpendingShare
from . import recorded


def _donations(qs):
    return qs.select_related("donor", "area", "purpose", "received_by").prefetch_related(
        Prefetch("lines", queryset=DonationLine.objects.select_related("item"))
    )


@require_safe
@require_capability("supplies.donations")
def donations(request: AuthedRequest) -> HttpResponse:
    qs = _filtered(request, Donation.objects.visible_to(request.user))
    page = Paginator(_donations(qs.with_spent()), 50).get_page(request.GET.get("page"))
    template = "supplies/donations.html#rows" if request.htmx else "supplies/donations.html"
    return render(
        request,
        template,
        {
            "page": page,
            "totals": figures.donation_totals(request.user.area),
            "statuses": Donation.Status.choices,
            "kinds": Donation.Kind.choices,
        },
    )


def _filtered(request: AuthedRequest, qs):
    """The donations the list's filters choose (状态, 资金/物资); a value not offered
    filters nothing. The list and its export read the same filters."""
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in Donation.Status.values:
        qs = qs.filter(status=status)
    if kind in Donation.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.donations_manage")
def donation_create(request: AuthedRequest) -> HttpResponse:
    visible = Location.objects.visible_to(request.user).active()
    form = DonationForm(request.POST or None, locations=visible)
    lines = GoodsLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        goods = [
            GoodsLine(ln["item"], ln["units"], ln.get("estimated_value") or Decimal("0.00"))
            for ln in lines.cleaned_data
            if ln.get("item")
        ]
        try:
            donation, created = actions.record_donation(
                area=request.user.area,
                donor_kind=data["donor_kind"],
                donor_name=data["donor_name"],
                contact_name=data["contact_name"],
                phone=data["phone"],
                address=data["address"],
                update_contact=data["update_contact"],
                disclosure=data["disclosure"],
                kind=data["kind"],
                amount=data["amount"],
                channel=data["channel"],
                reference=data["reference"],
                purpose=data["purpose"],
                lines=goods,
                location=data["location"],
                pledged_on=data["pledged_on"],
                received=data["received"],
                received_on=data["received_on"],
                message=data["message"],
                notes=data["notes"],
                client_id=data["client_id"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            recorded(
                request,
                created,
                f"已登记捐赠：{donation.donor.name}",
                f"这份捐赠已登记过（{data['donor_name']}）",
            )
            return redirect("supplies:donation", pk=donation.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "supplies/donation_form.html", {"form": form, "lines": lines}, status=status
    )


def _donation_page(request: AuthedRequest, gift: Donation, *, status: int = 200) -> HttpResponse:
    shares = gift.shares.select_related("spending", "spending__purpose")
    spent = gift.spent_total()
    return render(
        request,
        "supplies/donation.html",
        {
            "gift": gift,
            "shares": shares,
            "spent": spent,
            "left": gift.amount - spent if gift.kind == Donation.Kind.CASH else None,
            "receive_form": ReceiveForm(
                locations=_receiving_locations(request),
                kind=gift.kind,
                lines=gift.lines.all() if gift.status == Donation.Status.PLEDGED else (),
                pledged=gift.amount if gift.status == Donation.Status.PLEDGED else None,
                initial={
                    "location": gift.location,
                    "channel": gift.channel,
                    "reference": gift.reference,
                },
            ),
            "cancel_form": CancelForm(),
            "void_form": VoidForm(),
        },
        status=status,
    )


def _receiving_locations(request: AuthedRequest):
    return Location.objects.visible_to(request.user).active()


def _get_donation(request: AuthedRequest, pk: int) -> Donation:
    return get_for_user(_donations(Donation.objects.all()), request.user, pk=pk)


def _refused(request: AuthedRequest, gift: Donation, *said: str) -> HttpResponse:
    """The donation page again, at 400, saying why nothing was done (one message
    for each problem)."""
    for message in said:
        messages.error(request, message)
    return _donation_page(request, gift, status=400)


@require_safe
@require_capability("supplies.donations")
def donation(request: AuthedRequest, pk: int) -> HttpResponse:
    return _donation_page(request, _get_donation(request, pk))


@require_POST
@require_capability("supplies.donations_manage")
def donation_receive(request: AuthedRequest, pk: int) -> HttpResponse:
    gift = _get_donation(request, pk)
    form = ReceiveForm(
        request.POST,
        locations=_receiving_locations(request),
        kind=gift.kind,
        lines=gift.lines.all(),
        pledged=gift.amount,
    )
    if not form.is_valid():
        return _refused(request, gift, *(f"{said}，未做任何修改" for said in form.problems()))
    data, arrived = form.cleaned_data, form.arrived()
    try:
        gift, received = actions.receive_donation(
            donation=gift,
            location=data.get("location"),
            channel=data.get("channel", ""),
            reference=data.get("reference", ""),
            arrived=arrived,
            received_amount=data.get("received_amount"),
            received_on=data.get("received_on"),
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        return _refused(request, gift, exc.messages[0])
    partial = any(arrived.get(ln.pk, ln.quantity) < ln.quantity for ln in form.lines) or (
        data.get("received_amount") is not None and gift.amount != form.pledged
    )
    if received and partial:
        messages.success(
            request, "已确认到账/入库（实收部分），可打印收据；未到部分已另列为一笔承诺捐赠"
        )
    elif received:
        messages.success(request, "已确认到账/入库，可打印收据")
    else:
        at = timezone.localtime(gift.received_at)
        messages.warning(
            request,
            f"这笔捐赠已于{at:%Y-%m-%d %H:%M}确认到账（收据 {gift.receipt_no}），"
            "本次重复提交，未重复确认",
        )
    return redirect("supplies:donation", pk=gift.pk)


@require_POST
@require_capability("supplies.donations_manage")
def donation_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    gift = _get_donation(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _refused(request, gift, form.errors["reason"][0])
    try:
        _, cancelled = actions.cancel_donation(
            donation=gift, reason=form.cleaned_data["reason"], by=request.user, request=request
        )
    except ValidationError as exc:
        return _refused(request, gift, exc.messages[0])
    if cancelled:
        messages.success(request, "已取消该承诺捐赠")
    else:
        messages.warning(request, "这笔承诺捐赠已取消过，本次重复提交，未重复取消")
    return redirect("supplies:donation", pk=gift.pk)


@require_POST
@require_capability("supplies.donations_manage")
def donation_void(request: AuthedRequest, pk: int) -> HttpResponse:
    gift = _get_donation(request, pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return _refused(request, gift, f"{form.errors['reason'][0]}，未做任何修改")
    try:
        gift, voided = actions.void_receipt(
            donation=gift, reason=form.cleaned_data["reason"], by=request.user, request=request
        )
    except ValidationError as exc:
        return _refused(request, gift, exc.messages[0])
    if voided:
        messages.success(request, f"已作废收据 {gift.receipt_no}，编号保留不再使用")
    else:
        messages.warning(request, f"收据 {gift.receipt_no} 已作废过，本次重复提交，未重复作废")
    return redirect("supplies:donation", pk=gift.pk)


@require_POST
@require_capability("supplies.donations_manage")
def donation_reissue(request: AuthedRequest, pk: int) -> HttpResponse:
    gift = _get_donation(request, pk)
    try:
        new, created = actions.reissue_receipt(donation=gift, by=request.user, request=request)
    except ValidationError as exc:
        return _refused(request, gift, exc.messages[0])
    if created:
        messages.success(
            request, f"已重新开具收据 {new.receipt_no}（原收据 {gift.receipt_no} 已作废）"
        )
    else:
        messages.warning(request, f"已重新开具过收据 {new.receipt_no}，本次重复提交，未重复开具")
    return redirect("supplies:donation", pk=new.pk)


def _received(request: AuthedRequest, pk: int, *, voided: bool = False) -> Donation:
    """A gift with a receipt to print: received (or, for the receipt itself, voided:
    printed marked 已作废)."""
    gift = _get_donation(request, pk)
    allowed = {Donation.Status.RECEIVED} | ({Donation.Status.VOIDED} if voided else set())
    if gift.status not in allowed:
        raise Http404("捐赠尚未到账，不能出具收据或感谢信")
    return gift


@require_safe
@require_capability("supplies.donations")
def donation_receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    gift = _received(request, pk, voided=True)
    audit.record(action=AuditEvent.Action.EXPORT, request=request, obj=gift, detail="打印捐赠收据")
    return documents.pdf_response(f"捐赠收据-{gift.receipt_no}.pdf", documents.receipt_pdf(gift))


@require_safe
@require_capability("supplies.donations")
def donation_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    gift = _received(request, pk)
    audit.record(action=AuditEvent.Action.EXPORT, request=request, obj=gift, detail="打印感谢信")
    return documents.pdf_response(f"感谢信-{gift.receipt_no}.pdf", documents.thanks_pdf(gift))


@require_safe
@require_capability("supplies.donations")
def donations_export(request: AuthedRequest) -> HttpResponse:
    qs = _donations(_filtered(request, Donation.objects.visible_to(request.user)).with_spent())
    rows = (
        (
            d.receipt_no,
            d.pledged_on,
            timezone.localtime(d.received_at).date() if d.received_at else None,
            d.donor.name,
            d.donor.get_kind_display(),
            d.donor.contact_name,
            d.donor.phone_masked,
            d.get_disclosure_display(),
            d.get_kind_display(),
            d.get_status_display(),
            d.amount,
            d.get_channel_display() if d.channel else "",
            d.reference,
            d.summary() if d.kind == Donation.Kind.GOODS else "",
            d.estimated_value if d.kind == Donation.Kind.GOODS else None,
            d.spent if d.left is not None else None,
            d.left,
            d.purpose.name if d.purpose else "",
            d.area.name,
            str(d.received_by or ""),
            d.void_reason,
        )
        for d in qs
    )
    content = workbook_bytes(
        [
            "收据编号",
            "登记日期",
            "到账日期",
            "捐赠方",
            "类型",
            "联系人",
            "联系电话",
            "公示方式",
            "捐赠类型",
            "状态",
            "金额（元）",
            "支付方式",
            "凭证号",
            "物资",
            "物资估值（元）",
            "已支出（元）",
            "余额（元）",
            "定向用途",
            "接收单位",
            "经办人",
            "作废原因",
        ],
        rows,
        title="捐赠台账",
    )
    audit.record(action=AuditEvent.Action.EXPORT, request=request, detail="导出捐赠台账")
    return xlsx_response(f"捐赠台账-{timezone.localdate():%Y%m%d}.xlsx", content)


@require_safe
@require_capability("supplies.donations")
def spending(request: AuthedRequest) -> HttpResponse:
    area = request.user.area
    qs = (
        Spending.objects.visible_to(request.user)
        .select_related("purpose", "created_by")
        .prefetch_related(
            Prefetch("shares", queryset=SpendingShare.objects.select_related("donation__donor"))
        )
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supplies/spending.html",
        {
            "page": page,
            "totals": figures.donation_totals(area),
            "by_purpose": figures.spending_by_purpose(area),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.donations_manage")
def spending_create(request: AuthedRequest) -> HttpResponse:
    form = SpendingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, created = actions.record_spending(
                area=request.user.area,
                purpose=data["purpose"],
                amount=data["amount"],
                spent_on=data["spent_on"],
                description=data["description"],
                voucher_no=data["voucher_no"],
                client_id=data["client_id"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            recorded(
                request,
                created,
                f"已登记支出 {data['amount']:,.2f} 元",
                f"这笔支出已登记过（{data['amount']:,.2f}元）",
            )
            return redirect("supplies:spending")
    status = 400 if form.errors else 200
    spendable, designated = figures.spendable_balance(request.user.area)
    return render(
        request,
        "supplies/spending_form.html",
        {"form": form, "spendable": spendable, "designated": designated},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.donations_manage")
def purposes(request: AuthedRequest) -> HttpResponse:
    return _save_purpose(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.donations_manage")
def purpose_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _save_purpose(request, get_object_or_404(Purpose, pk=pk))


def _save_purpose(request: AuthedRequest, purpose: Purpose | None) -> HttpResponse:
    """The purposes page adds one (``purpose`` None); a purpose's own page renames,
    reorders, retires or restores it."""
    if purpose is None:
        form = PurposeForm(request.POST or None)
        save, done, template = actions.add_purpose, "已新增用途", "supplies/purposes.html"
    else:
        form = PurposeEditForm(request.POST or None, instance=purpose)
        save, done, template = actions.change_purpose, "已保存用途", "supplies/purpose_form.html"
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(purpose=form.save(commit=False), by=request.user, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{done} {saved.name}")
            return redirect("supplies:purposes")
    # The heading names the purpose as stored, not as typed into a refused form.
    shown = Purpose.objects.get(pk=purpose.pk) if purpose is not None else None
    return render(
        request,
        template,
        {"form": form, "purposes": Purpose.objects.all(), "purpose": shown},
        status=400 if form.errors else 200,
    )


def _public_donations():
    """Every gift that took a receipt number: received ones, and voided ones listed as
    已作废 without their money (which no total counts), so the public series of
    numbers has no unexplained gap."""
    return _donations(Donation.objects.receipted().select_related("donor").with_spent()).order_by(
        "-received_at", "-id"
    )


@require_safe
def disclosure(request: PublicRequest) -> HttpResponse:
    """Public list of received donations, donors shown as each chose."""
    page = Paginator(_public_donations(), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "supplies/disclosure.html",
        {
            "page": page,
            "totals": figures.donation_totals(None),
            "by_purpose": _spent_by_purpose(),
        },
    )


def _spent_by_purpose() -> dict[str, Decimal]:
    """Cash spent on each purpose, every office's spending together (the public page
    and its export)."""
    by_purpose: dict[str, Decimal] = {}
    for row in Spending.objects.by_purpose():
        name = row["purpose__name"]
        by_purpose[name] = by_purpose.get(name, Decimal("0.00")) + row["total"]
    return by_purpose


@require_safe
def disclosure_export(request: PublicRequest) -> HttpResponse:
    rows = [
        (
            d.receipt_no,
            timezone.localtime(d.received_at).date(),
            d.public_name(),
            d.get_kind_display(),
            None if void else d.amount,
            d.summary() if d.kind == Donation.Kind.GOODS else "",
            d.estimated_value if d.kind == Donation.Kind.GOODS and d.valued and not void else None,
            d.spent if d.kind == Donation.Kind.CASH and not void else None,
            d.left if d.kind == Donation.Kind.CASH and not void else None,
            d.area.name,
            "已作废" if void else "",
        )
        for d in _public_donations()
        for void in [d.status == Donation.Status.VOIDED]
    ]
    totals = figures.donation_totals(None)
    rows.append(
        (
            "合计",
            "",
            f"{totals['received']}笔",
            "",
            totals["cash_received"],
            "",
            totals["goods_received"],
            totals["cash_spent"],
            totals["cash_balance"],
            "",
            "",
        )
    )
    # What the page shows below the list: the cash spent on each purpose, if any.
    if spent := _spent_by_purpose():
        rows += [(), ("资金支出（按用途）", "金额（元）"), *spent.items()]
    content = workbook_bytes(
        [
            "收据编号",
            "到账日期",
            "捐赠方",
            "类型",
            "金额（元）",
            "物资",
            "物资估值（元）",
            "已支出（元）",
            "余额（元）",
            "接收单位",
            "状态",
        ],
        rows,
        title="捐赠公示",
        widths=[14, 12, 24, 8, 14, 40, 14, 14, 14, 16, 10],
    )
    return xlsx_response(f"捐赠公示-{timezone.localdate():%Y%m%d}.xlsx", content)
