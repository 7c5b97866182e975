"""Stock pages: overview, locations, ledger, receive/issue/transfer/count, catalog,
low stock, opening-stock import."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.checkpoints.models import Checkpoint
from shouwang.core import uploads
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.xlsx import SpreadsheetError, workbook_bytes, xlsx_response

from .. import actions, figures, importing
from ..forms import (
    CountForm,
    ImportForm,
    ItemForm,
    LedgerFilterForm,
    LocationForm,
    LowStockForm,
    OutForm,
    PurchaseForm,
    QuantityMixin,
    TransferForm,
)
from ..models import Balance, Item, Location, Movement, MovementKind, Recipient
from . import recorded

IMPORT_PURPOSE = "supplies.opening"
LINE_ITEM = re.compile(r"[a-z]+-\d{1,3}-item")


@require_safe
@require_capability("supplies.view")
def overview(request: AuthedRequest) -> HttpResponse:
    area = request.user.area
    by_place = figures.stock_by_community(area)
    low = figures.low_stock(area)
    return render(
        request,
        "supplies/overview.html",
        {
            "area": area,
            "totals": figures.stock_by_item(area),
            "by_place": by_place,
            # Stock held at the user's own level, shown apart when there are
            # communities below (otherwise it is the total itself).
            "own": by_place.get(area) if len(by_place) > 1 else None,
            "low_count": len(low),
        },
    )


@require_safe
@require_capability("supplies.view")
def low_stock(request: AuthedRequest) -> HttpResponse:
    form = LowStockForm(request.GET)
    if not form.is_valid():
        return render(request, "supplies/low_stock.html", {"form": form, "rows": []}, status=400)
    threshold = form.cleaned_data["days"]
    rows = figures.low_stock(request.user.area, threshold=threshold)
    return render(
        request,
        "supplies/low_stock.html",
        {"form": form, "rows": rows, "threshold": threshold},
    )


def _areas_for_locations(request: AuthedRequest):
    return Area.objects.visible_to(request.user).exclude(kind=Area.Kind.BUILDING)


def _checkpoints_for_location(request: AuthedRequest, place: Location):
    """Checkpoints the user may link: visible ones without a location, and its own."""
    taken = Location.objects.exclude(checkpoint=None).exclude(pk=place.pk)
    return (
        Checkpoint.objects.visible_to(request.user)
        .exclude(pk__in=taken.values("checkpoint_id"))
        .select_related("area")
    )


@require_safe
@require_capability("supplies.view")
def locations(request: AuthedRequest) -> HttpResponse:
    qs = (
        Location.objects.visible_to(request.user)
        .select_related("area", "checkpoint")
        .with_headcount()
    )
    unstocked = figures.checkpoints_without_location(request.user.area).count()
    return render(request, "supplies/locations.html", {"locations": qs, "unstocked": unstocked})


@require_POST
@require_capability("supplies.manage")
def locations_sync(request: AuthedRequest) -> HttpResponse:
    result = actions.sync_checkpoint_locations(
        area=request.user.area, by=request.user, request=request
    )
    messages.success(request, str(result))
    return redirect("supplies:locations")


@require_safe
@require_capability("supplies.view")
def location(request: AuthedRequest, pk: int) -> HttpResponse:
    place = get_for_user(
        Location.objects.select_related("area", "checkpoint").with_headcount(),
        request.user,
        pk=pk,
    )
    stock = [
        figures.StockFigure(b.item, place, b.quantity, b.used, needed=b.needed)
        for b in Balance.objects.filter(location=place).with_use().select_related("item")
    ]
    recent = (
        Movement.objects.visible_to(request.user)
        .filter(location=place)
        .select_related("item", "counterpart", "created_by", "donation__donor")
        .order_by("-occurred_at", "-id")[:20]
    )
    counts = place.counts.select_related("created_by")[:5]
    return render(
        request,
        "supplies/location.html",
        {"place": place, "stock": stock, "recent": recent, "counts": counts},
    )


def _save_location(request: AuthedRequest, place: Location) -> HttpResponse:
    form = LocationForm(
        request.POST or None,
        instance=place,
        areas=_areas_for_locations(request),
        checkpoints=_checkpoints_for_location(request, place),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_location(
                location=form.save(commit=False), by=request.user, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存存放点 {saved.name}")
            return redirect("supplies:location", pk=saved.pk)
    status = 400 if form.errors else 200
    return render(
        request, "supplies/location_form.html", {"form": form, "place": place}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def location_create(request: AuthedRequest) -> HttpResponse:
    return _save_location(request, Location())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def location_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _save_location(request, get_for_user(Location, request.user, pk=pk))


def _form_page(
    request: AuthedRequest, form, *, title: str, place: Location | None = None, hint: str = ""
) -> HttpResponse:
    status = 400 if form.errors else 200
    return render(
        request,
        "supplies/movement_form.html",
        {"form": form, "title": title, "place": place, "hint": hint},
        status=status,
    )


COUNT_HINT = (
    "实盘数量按基本单位填写（单位见各物资后的括号，如 3箱、每箱2000个 填 6000），"
    "只填写清点过的物资；与账面不一致时须填写差异原因。"
)


NOWHERE_HINT = (
    "您辖区内没有其他可调入的存放点，所属街道也没有启用的街道仓库：调拨只能在您辖区内的"
    "存放点之间进行，或退回所属街道的仓库；调往其他社区请联系指挥部办理。"
)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def purchase(request: AuthedRequest) -> HttpResponse:
    visible = Location.objects.visible_to(request.user).active()
    form = PurchaseForm(request.POST or None, locations=visible)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, created = actions.receive_stock(
                item=data["item"],
                location=data["location"],
                quantity=data["units"],
                supplier=data["supplier"],
                amount=data["amount"],
                note=data["note"],
                client_id=data["client_id"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            what = f"{data['location'].name} {data['item'].describe(data['units'])}"
            recorded(request, created, f"已入库 {what}", f"这次入库已登记过（{what}）")
            return redirect("supplies:location", pk=data["location"].pk)
    return _form_page(request, form, title="采购入库")


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.issue")
def location_out(request: AuthedRequest, pk: int) -> HttpResponse:
    place = get_for_user(Location, request.user, pk=pk)
    form = OutForm(
        request.POST or None,
        items=Item.objects.active_or_held_at(place),
        recipients=Recipient.objects.visible_to(request.user).active().order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, created = actions.record_out(
                item=data["item"],
                location=place,
                quantity=data["units"],
                kind=data["kind"],
                recipient=data["recipient"],
                note=data["note"],
                client_id=data["client_id"],
                typed=data["typed"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            what = data["item"].describe(data["units"])
            recorded(request, created, f"已登记出库 {what}", f"这次出库已登记过（{what}）")
            if data["kind"] == MovementKind.ISSUE and (
                own := Location.objects.stocking_checkpoint_named(
                    request.user, place, data["recipient"]
                )
            ):
                messages.warning(
                    request,
                    f"提示：“{data['recipient'].strip()}”有自己的存放点（{own.name}），"
                    "发放记为本处的消耗，不计入该卡点库存，其可用天数可能显示缺货；"
                    "物资交给卡点保管使用时，请改用“调拨”调入该卡点存放点",
                )
            return redirect("supplies:location", pk=place.pk)
    return _form_page(request, form, title=f"{place.name} · 发放/消耗/损耗", place=place)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.issue")
def location_transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    place = get_for_user(Location, request.user, pk=pk)
    destinations = Location.objects.transfer_targets(request.user, place)
    form = TransferForm(
        request.POST or None,
        destinations=destinations,
        items=Item.objects.active_or_held_at(place),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, created = actions.transfer(
                item=data["item"],
                source=place,
                destination=data["destination"],
                quantity=data["units"],
                note=data["note"],
                client_id=data["client_id"],
                typed=data["typed"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            what = f"{data['item'].describe(data['units'])} 到 {data['destination'].name}"
            recorded(request, created, f"已调拨 {what}", f"这次调拨已登记过（{what}）")
            return redirect("supplies:location", pk=place.pk)
    hint = "" if destinations.exists() else NOWHERE_HINT
    return _form_page(request, form, title=f"{place.name} · 调拨", place=place, hint=hint)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.issue")
def location_count(request: AuthedRequest, pk: int) -> HttpResponse:
    place = get_for_user(Location, request.user, pk=pk)
    book = dict(Balance.objects.filter(location=place).values_list("item_id", "quantity"))
    items = Item.objects.filter(active=True) | Item.objects.filter(pk__in=book)
    form = CountForm(request.POST or None, items=items.distinct(), book=book)
    if request.method == "POST" and form.is_valid():
        try:
            count, created = actions.count_stock(
                location=place,
                counted=form.counted(),
                shown=form.shown,
                reason=form.cleaned_data["reason"],
                client_id=form.cleaned_data["client_id"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            adjusted = count.movements.count()
            recorded(
                request,
                created,
                f"盘点已保存：{count.lines.count()} 种，{adjusted} 种已调整",
                "这次盘点已登记过",
            )
            return redirect("supplies:location", pk=place.pk)
    return _form_page(request, form, title=f"{place.name} · 盘点", place=place, hint=COUNT_HINT)


def _ledger_queryset(request: AuthedRequest, form: LedgerFilterForm):
    """The movements the filter asks for; nothing at all when a filter is invalid, so
    a location outside the user's area or a mistyped date never widens the answer."""
    qs = Movement.objects.visible_to(request.user).select_related(
        "item", "location", "counterpart", "created_by", "donation__donor"
    )
    if not form.is_bound:
        return qs
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    if data["location"]:
        qs = qs.filter(location=data["location"])
    if data["item"]:
        qs = qs.filter(item=data["item"])
    if data["kind"]:
        qs = qs.filter(kind=data["kind"])
    if data["since"]:
        qs = qs.filter(occurred_at__gte=data["since"])
    if data["until"]:
        qs = qs.filter(occurred_at__lte=data["until"])
    return qs


@require_safe
@require_capability("supplies.view")
def item_units(request: AuthedRequest) -> HttpResponse:
    """The unit select of a quantity form for the item chosen in it (htmx, from the
    item select: ``?item=3`` or, in the donation form's lines, ``?lines-0-item=3``)."""
    form = QuantityMixin(request.GET, prefix=_line_prefix(request), items=Item.objects.all())
    return HttpResponse(str(form["unit"]))


def _line_prefix(request: AuthedRequest) -> str | None:
    sent = [key for key in request.GET if key == "item" or LINE_ITEM.fullmatch(key)]
    if len(sent) != 1 or sent[0] == "item":
        return None
    return sent[0].removesuffix("-item")


@require_safe
@require_capability("supplies.view")
def ledger(request: AuthedRequest) -> HttpResponse:
    form = LedgerFilterForm(
        request.GET or None, locations=Location.objects.visible_to(request.user)
    )
    page = Paginator(_ledger_queryset(request, form), 50).get_page(request.GET.get("page"))
    template = "supplies/ledger.html#rows" if request.htmx else "supplies/ledger.html"
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, "page": page}, status=status)


@require_safe
@require_capability("supplies.view")
def ledger_export(request: AuthedRequest) -> HttpResponse:
    form = LedgerFilterForm(
        request.GET or None, locations=Location.objects.visible_to(request.user)
    )
    if form.errors:
        return ledger(request)
    qs = _ledger_queryset(request, form)[:200_000]
    rows = (
        (
            m.occurred_at,  # a date-time cell, in local time
            m.location.name,
            m.item.name,
            m.get_kind_display(),
            m.quantity,
            m.item.unit,
            m.balance_after,
            m.counterpart.name if m.counterpart else "",
            m.outside_party,
            m.amount,
            m.note,
            str(m.created_by or ""),
        )
        for m in qs.iterator(chunk_size=2000)
    )
    content = workbook_bytes(
        [
            "时间",
            "存放点",
            "物资",
            "类型",
            "数量",
            "单位",
            "结存",
            "对方存放点",
            "领用/供应/捐赠方",
            "金额（元）",
            "说明",
            "经办人",
        ],
        rows,
        title="出入库台账",
        widths=[18, 20, 14, 10, 10, 6, 10, 18, 20, 12, 30, 10],
    )
    audit.record(action=AuditEvent.Action.EXPORT, request=request, detail="导出出入库台账")
    return xlsx_response(f"出入库台账-{timezone.localdate():%Y%m%d}.xlsx", content)


@require_safe
@require_capability("supplies.view")
def items(request: AuthedRequest) -> HttpResponse:
    qs = Item.objects.prefetch_related("packs")
    return render(request, "supplies/items.html", {"items": qs})


def _save_item(request: AuthedRequest, item: Item) -> HttpResponse:
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_item(
                item=form.save(commit=False),
                packs=form.cleaned_data["pack_list"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "物资品类已保存")
            return redirect("supplies:items")
    status = 400 if form.errors else 200
    return render(request, "supplies/item_form.html", {"form": form, "item": item}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def item_create(request: AuthedRequest) -> HttpResponse:
    return _save_item(request, Item())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _save_item(request, get_object_or_404(Item, pk=pk))


@require_safe
@require_capability("supplies.manage")
def import_template(request: AuthedRequest) -> HttpResponse:
    return xlsx_response("期初库存导入模板.xlsx", importing.template_bytes())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            token = uploads.stash(request, form.cleaned_data["file"], purpose=IMPORT_PURPOSE)
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            path = uploads.path_for(request, token, purpose=IMPORT_PURPOSE)
            try:
                with open(path, "rb") as f:
                    plan = importing.plan(f, locations=Location.objects.visible_to(request.user))
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
                plan = None
            context["plan"] = plan
            if plan is not None and plan.ok:
                context["token"] = token
            else:
                uploads.discard(request, token)  # only a clean file waits for its commit
    plan = context.get("plan")
    status = 400 if form.errors or (plan is not None and not plan.ok) else 200
    return render(request, "supplies/import.html", context, status=status)


@require_POST
@require_capability("supplies.manage")
def import_commit(request: AuthedRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    path = uploads.path_for(request, token, purpose=IMPORT_PURPOSE)
    if path is None:
        messages.error(request, uploads.GONE_MESSAGE)
        return redirect("supplies:import")
    try:
        with open(path, "rb") as f:
            result = importing.plan(f, locations=Location.objects.visible_to(request.user))
        if not result.ok:
            messages.error(
                request,
                f"文件存在问题，未导入任何数据，请修改后重新上传（{result.problem_text()}）",
            )
            return redirect("supplies:import")
        try:
            created = importing.commit(result, by=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("supplies:import")
    finally:
        uploads.discard(request, token)
    messages.success(request, f"导入完成：{created} 行期初库存已入账")
    return redirect("supplies:overview")
