"""Staff pages: checkpoints and posters (HQ, community), the post's console (phone),
counts and their export, pass cards and rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.roles import Role
from shouwang.areas.models import Area
from shouwang.core.access import get_for_user
from shouwang.core.forms import error_text
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.responses import bad_parameter
from shouwang.core.xlsx import workbook_bytes, xlsx_response
from shouwang.people.models import Person
from shouwang.reports import days as report_days

from . import actions, declarations, printing, tokens
from .api import MAX_BATCH
from .forms import (
    CardForm,
    CheckpointForm,
    ClientIdForm,
    ConfirmForm,
    ConsoleForm,
    DayForm,
    MeasureForm,
    PassRuleForm,
    ReleaseRowForm,
    ScanForm,
    TurnBackForm,
    TurnBackRowForm,
    VehicleForm,
    VisitorForm,
)
from .models import CheckIn, CheckInQuerySet, Checkpoint, Pass, PassRule, local_day_bounds

# The post's console lists the passages of its last hours.
CONSOLE_HOURS = timedelta(hours=3)

FIGURE_LABELS = [
    ("people_in", "进入人数"),
    ("people_out", "外出人数"),
    ("vehicles_checked", "车辆"),
    ("people_turned_back", "劝返人数"),
    ("vehicles_turned_back", "劝返车辆"),
    ("fevers", "发热"),
    ("declared", "自助申报待确认"),
    ("confirmed", "值守已确认"),
    # Red passages out: let through by staff (counted in 外出人数 too), or still waiting.
    ("people_released", "其中放行人数"),
    ("exits_pending", "红色外出待处置"),
]


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _day(request: AuthedRequest) -> date | HttpResponse:
    """The day the query asks for (none: today), or a 400 saying what to fix — a
    mistyped day is not silently today's figures."""
    if not request.GET.get("day", "").strip():
        return timezone.localdate()
    form = DayForm(request.GET)
    if not form.is_valid():
        return bad_parameter(
            request,
            message=f"日期“{request.GET.get('day', '')[:30]}”无效：{error_text(form)}",
            link=request.path,
            link_label="查看今天",
        )
    return form.cleaned_data["day"]


# --- checkpoints --------------------------------------------------------------------


@require_safe
@require_capability("checkpoints.view")
def checkpoint_list(request: AuthedRequest) -> HttpResponse:
    qs = (
        Checkpoint.objects.visible_to(request.user)
        .select_related("area")
        .with_staff_count()
        .order_by("area__path", "name")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    start, end = local_day_bounds(timezone.localdate())
    today = (
        CheckIn.objects.at_checkpoints(Checkpoint.objects.filter(pk__in=[c.pk for c in page]))
        .between(start, end)
        .per_checkpoint()
    )
    rows = [(c, today.get(c.pk, {})) for c in page]
    return render(request, "checkpoints/list.html", {"page": page, "rows": rows, "q": q})


def _checkpoint_form(request: AuthedRequest, checkpoint: Checkpoint) -> CheckpointForm:
    visible = Area.objects.visible_to(request.user)
    return CheckpointForm(
        request.POST or None,
        instance=checkpoint,
        areas=visible.exclude(kind__in=[Area.Kind.BUILDING, Area.Kind.DISTRICT]),
        staff=User.objects.visible_to(request.user)
        .active()
        .filter(role__in=[Role.CHECKPOINT_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER]),
    )


def _save_checkpoint(request: AuthedRequest, checkpoint: Checkpoint) -> HttpResponse:
    form = _checkpoint_form(request, checkpoint)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_checkpoint(
                checkpoint=form.save(commit=False),
                staff=list(form.cleaned_data["staff"]),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"卡点“{saved.name}”已保存")
            return redirect("checkpoints:detail", pk=saved.pk)
    return render(
        request,
        "checkpoints/form.html",
        {"form": form, "checkpoint": checkpoint},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("checkpoints.manage")
def checkpoint_create(request: AuthedRequest) -> HttpResponse:
    return _save_checkpoint(request, Checkpoint())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("checkpoints.manage")
def checkpoint_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _save_checkpoint(request, get_for_user(Checkpoint, request.user, pk=pk))


def _base_url(request: AuthedRequest) -> str | HttpResponse:
    """Where the QR codes point, or a 409 saying SHOUWANG_PUBLIC_URL must be fixed:
    no dead QR code is printed."""
    try:
        return printing.public_base_url(request)
    except ValueError as exc:
        return render(
            request,
            "checkpoints/public_url_refused.html",
            {"message": _public_url_message(exc)},
            status=409,
        )


def _public_url_message(exc: ValueError) -> str:
    return f"不能生成二维码：SHOUWANG_PUBLIC_URL 的{exc}。请系统管理员修正后重启服务，再打印海报。"


@require_safe
@require_capability("checkpoints.view")
def checkpoint_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    checkpoint = get_for_user(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    day = _day(request)
    if isinstance(day, HttpResponse):
        return day
    start, end = local_day_bounds(day)
    # A checkpoint moved here keeps its passages before the move in the old area.
    rows = CheckIn.objects.visible_to(request.user).filter(checkpoint=checkpoint)
    rows = rows.between(start, end)
    try:
        url, url_error = printing.checkpoint_url(checkpoint, printing.public_base_url(request)), ""
    except ValueError as exc:
        url, url_error = "", _public_url_message(exc)
    return render(
        request,
        "checkpoints/detail.html",
        {
            "checkpoint": checkpoint,
            "staff": checkpoint.staff.all(),
            "day": day,
            "hours": rows.by_hour(),
            "total": rows.figures(),
            "labels": FIGURE_LABELS,
            "cutoff": report_days.cutoff_time(),
            "url": url,
            "url_error": url_error,
            "unprintable": printing.unprintable(checkpoint.name),
        },
    )


@require_safe
@require_capability("checkpoints.view")
def checkpoint_qr(request: AuthedRequest, pk: int) -> HttpResponse:
    checkpoint = get_for_user(Checkpoint, request.user, pk=pk)
    base = _base_url(request)
    if isinstance(base, HttpResponse):
        return base
    url = printing.checkpoint_url(checkpoint, base)
    return HttpResponse(printing.qr_svg(url), content_type="image/svg+xml")


@require_safe
@require_capability("checkpoints.view")
def checkpoint_poster(request: AuthedRequest, pk: int) -> HttpResponse:
    checkpoint = get_for_user(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    base = _base_url(request)
    if isinstance(base, HttpResponse):
        return base
    return _pdf(printing.posters_pdf([checkpoint], base_url=base), f"poster-{checkpoint.pk}.pdf")


@require_safe
@require_capability("checkpoints.view")
def posters(request: AuthedRequest) -> HttpResponse:
    """All active checkpoints of the user's area, one A4 poster each."""
    qs = Checkpoint.objects.visible_to(request.user).active().select_related("area")
    if not qs.exists():
        messages.warning(request, "辖区内还没有启用的卡点")
        return redirect("checkpoints:list")
    base = _base_url(request)
    if isinstance(base, HttpResponse):
        return base
    return _pdf(printing.posters_pdf(qs, base_url=base), "posters.pdf")


@require_POST
@require_capability("checkpoints.manage")
def checkpoint_rotate(request: AuthedRequest, pk: int) -> HttpResponse:
    checkpoint = get_for_user(Checkpoint, request.user, pk=pk)
    actions.rotate_code(checkpoint=checkpoint, by=request.user)
    messages.success(request, "已更换二维码，请重新打印张贴，旧二维码已失效")
    return redirect("checkpoints:detail", pk=pk)


# --- rules -------------------------------------------------------------------------------


@require_safe
@require_capability("checkpoints.manage")
def rules(request: AuthedRequest) -> HttpResponse:
    areas = (
        Area.objects.visible_to(request.user)
        .filter(kind__in=[Area.Kind.SUBDISTRICT, Area.Kind.COMMUNITY, Area.Kind.COMPOUND])
        .select_related("pass_rule")
    )
    page = Paginator(areas, 100).get_page(request.GET.get("page"))
    return render(request, "checkpoints/rules.html", {"page": page})


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("checkpoints.manage")
def rule_edit(request: AuthedRequest, area_pk: int) -> HttpResponse:
    area = get_for_user(Area, request.user, pk=area_pk)
    if area.kind in (Area.Kind.BUILDING, Area.Kind.DISTRICT):
        raise Http404("规则只能设在街道、社区或小区")
    instance = PassRule.objects.filter(area=area).first() or PassRule(area=area)
    form = PassRuleForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        actions.save_rule(
            area=area,
            visitors=form.cleaned_data["visitors"],
            outing_quota=form.cleaned_data["outing_quota"],
            by=request.user,
        )
        messages.success(request, f"{area.name}的通行规则已保存")
        return redirect("checkpoints:rules")
    return render(
        request,
        "checkpoints/rule_form.html",
        {"form": form, "area": area, "effective": actions.rule_for(area)},
        status=400 if request.method == "POST" else 200,
    )


# --- counts ------------------------------------------------------------------------------


def _counted_checkpoints(request: AuthedRequest, since: datetime) -> dict[int, Checkpoint]:
    """The user's checkpoints, and those moved out of the user's area since ``since``
    (saved since: a move saves the checkpoint), whose passages before the move were
    made in the user's area."""
    visible = Checkpoint.objects.visible_to(request.user)
    checkpoints = {c.pk: c for c in visible.select_related("area")}
    moved = Checkpoint.objects.filter(updated_at__gte=since).exclude(pk__in=visible)
    checkpoints.update({c.pk: c for c in moved.select_related("area")})
    return checkpoints


def _counted(request: AuthedRequest, day: date) -> tuple[dict[int, Checkpoint], CheckInQuerySet]:
    """The checkpoints counted for ``day`` and the day's passages made in the user's
    area (a checkpoint moved since counts where it lay then)."""
    start, end = local_day_bounds(day)
    checkpoints = _counted_checkpoints(request, start)
    rows = CheckIn.objects.visible_to(request.user).filter(checkpoint_id__in=list(checkpoints))
    return checkpoints, rows.between(start, end)


def _counts(request: AuthedRequest, day: date) -> tuple[list, dict]:
    """[(checkpoint, the area it lay in, figures, whether the user may open it)]: each
    of the user's checkpoints, then any passages the day made in the user's area at a
    checkpoint in another area than it lies in now."""
    checkpoints, passages = _counted(request, day)
    per = passages.per_checkpoint_and_area()
    visible = set(Checkpoint.objects.visible_to(request.user).values_list("pk", flat=True))
    rows = [
        (c, c.area, per.pop((c.pk, c.area_id), {}), True)
        for c in checkpoints.values()
        if c.pk in visible
    ]
    areas = Area.objects.in_bulk({area for _, area in per})
    rows += [
        (checkpoints[cp], areas[area], figures, cp in visible)
        for (cp, area), figures in sorted(per.items())
    ]
    totals = {key: sum(f.get(key, 0) for _, _, f, _ in rows) for key, _ in FIGURE_LABELS}
    return rows, totals


@require_safe
@require_capability("checkpoints.counts")
def counts(request: AuthedRequest) -> HttpResponse:
    day = _day(request)
    if isinstance(day, HttpResponse):
        return day
    rows, totals = _counts(request, day)
    return render(
        request,
        "checkpoints/counts.html",
        {
            "day": day,
            "rows": rows,
            "totals": totals,
            "labels": FIGURE_LABELS,
            "cutoff": report_days.cutoff_time(),
        },
    )


@require_safe
@require_capability("checkpoints.export")
def counts_export(request: AuthedRequest) -> HttpResponse:
    """Per checkpoint per hour of one day, then each checkpoint's day total."""
    day = _day(request)
    if isinstance(day, HttpResponse):
        return day
    checkpoints, passages = _counted(request, day)
    hourly = passages.by_hour()
    areas = Area.objects.in_bulk({row["area_id"] for row in hourly})
    keys = [k for k, _ in FIGURE_LABELS]
    out = []
    for row in hourly:
        cp = checkpoints[row["checkpoint_id"]]
        hour = timezone.localtime(row["hour"])
        area = areas[row["area_id"]].name
        out.append([area, cp.name, f"{hour:%H}:00–{hour:%H}:59", *(row[k] for k in keys)])
    rows, _ = _counts(request, day)
    for cp, area, figures, _ in rows:
        out.append([area.name, cp.name, "全天", *(figures.get(k, 0) for k in keys)])
    content = workbook_bytes(
        ["辖区", "卡点", "时段", *(label for _, label in FIGURE_LABELS)],
        out,
        title=f"{day:%Y-%m-%d}通行统计",
    )
    audit.record(action=AuditEvent.Action.EXPORT, request=request, detail=f"卡点通行统计 {day}")
    return xlsx_response(f"卡点通行统计-{day:%Y%m%d}.xlsx", content)


# --- passes ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("checkpoints.passes")
def passes(request: AuthedRequest) -> HttpResponse:
    """The passes in scope. The search box sends its ID number by POST, so it never
    lands in a URL or an access log; the type filter alone stays a link."""
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind", "")
    q = request.POST.get("q", "").strip()
    if request.method == "POST" and not q:
        query = f"?kind={kind}" if kind in Pass.Kind.values else ""
        return redirect(reverse("checkpoints:passes") + query)
    return _passes_page(request, kind=kind, q=q)


def _passes_page(
    request: AuthedRequest,
    *,
    kind: str = "",
    q: str = "",
    typed: CardForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The list, with a fresh card form; ``typed`` (a refused card form) keeps the
    number and day staff typed for them to correct."""
    qs = Pass.objects.visible_to(request.user).select_related("person", "person__area__parent")
    if q:
        qs = qs.filter(person__in=Person.objects.visible_to(request.user).with_document(q))
    if kind in Pass.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # Each pass's latest declaration (its holder declares at every scan), risks past
    # their 14 days left off, as the holder's own one-tap page shows it.
    today = timezone.localdate()
    latest = declarations.last_declarations(page)
    rows = [(p, latest[p.pk].without_lapsed_risks(today)) for p in page]
    return render(
        request,
        "checkpoints/passes.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "kind": kind,
            "form": CardForm(initial=CardForm.fresh()),
            "typed_number": typed.data.get("doc_number", "") if typed else "",
            "typed_day": typed.data.get("valid_until", "") if typed else "",
            "card_batches": printing.card_batches(
                Pass.objects.visible_to(request.user).printable_cards().count()
            ),
        },
        status=status,
    )


@require_POST
@require_capability("checkpoints.passes")
def card_issue(request: AuthedRequest) -> HttpResponse:
    form = CardForm(request.POST)
    if not form.is_valid():
        return _card_refused(request, form, error_text(form))
    person = (
        Person.objects.visible_to(request.user)
        .with_document(form.cleaned_data["doc_number"])
        .first()
    )
    if person is None:
        return _card_refused(
            request, form, "辖区台账中没有这个证件号码的人员，请先在人员台账中登记"
        )
    try:
        issued = actions.issue_card(
            person=person,
            by=request.user,
            client_id=form.cleaned_data["client_id"],
            valid_until=form.cleaned_data["valid_until"],
        )
    except actions.CardRefused as exc:
        return _card_refused(request, form, str(exc))
    if issued.replaced:
        messages.success(
            request, f"已为{person.name}补发纸质出入证，原有的纸质出入证已吊销，请打印新证"
        )
    else:
        messages.success(request, f"已为{person.name}发放纸质出入证，请打印")
    return redirect(reverse("checkpoints:passes") + f"?kind=card#pass-{issued.card.pk}")


def _card_refused(request: AuthedRequest, form: CardForm, error: str) -> HttpResponse:
    """Nothing was issued: the page again, saying why, with what was typed."""
    messages.error(request, error)
    return _passes_page(request, typed=form, status=400)


@require_POST
@require_capability("checkpoints.passes")
def pass_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    pass_ = get_for_user(Pass.objects.select_related("person"), request.user, pk=pk)
    actions.revoke_pass(pass_=pass_, by=request.user)
    messages.success(request, f"已吊销{pass_.person.name}的{pass_.get_kind_display()}")
    return redirect("checkpoints:passes")


@require_safe
@require_capability("checkpoints.passes")
def card_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    card = get_for_user(
        Pass.objects.select_related("person__area", "person__household"), request.user, pk=pk
    )
    if card.kind != Pass.Kind.CARD or not card.is_usable():
        raise Http404("只能打印有效的纸质出入证")
    audit.record(action=AuditEvent.Action.EXPORT, request=request, obj=card, detail="打印出入证")
    return _pdf(printing.cards_pdf([card]), f"card-{card.pk}.pdf")


@require_safe
@require_capability("checkpoints.passes")
def cards_pdf(request: AuthedRequest) -> HttpResponse:
    """The valid cards in scope, CARDS_PER_PDF to a PDF: ``batch`` 1, 2, … in turn."""
    raw = request.GET.get("batch", "1").strip()
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 10_000):
        return bad_parameter(
            request,
            message=f"打印批次“{raw[:30]}”无效，应为 1、2、3 等",
            link=reverse("checkpoints:passes"),
            link_label="返回出入证",
        )
    batch, size = int(raw), printing.CARDS_PER_PDF
    cards = (
        Pass.objects.visible_to(request.user)
        .printable_cards()
        .select_related("person__area", "person__household")[(batch - 1) * size : batch * size]
    )
    if not cards:
        messages.warning(
            request, "没有可打印的纸质出入证" if batch == 1 else f"没有第{batch}批纸质出入证"
        )
        return redirect("checkpoints:passes")
    audit.record(
        action=AuditEvent.Action.EXPORT, request=request, detail=f"批量打印出入证（第{batch}批）"
    )
    return _pdf(printing.cards_pdf(cards), f"cards-{batch}.pdf")


# --- the post's console (phone) ----------------------------------------------------------


@require_safe
@require_capability("checkpoints.console")
def console_index(request: AuthedRequest) -> HttpResponse:
    qs = Checkpoint.objects.visible_to(request.user).active().select_related("area")
    mine = list(qs.filter(staff=request.user))
    if len(mine) == 1:
        return redirect("checkpoints:console_post", pk=mine[0].pk)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "checkpoints/console_index.html", {"mine": mine, "page": page})


def _console(
    request: AuthedRequest, checkpoint: Checkpoint, status: int = 200, **forms: Any
) -> HttpResponse:
    since = _console_since()
    # A visitor registered by staff has no ledger person: the row names the visit's.
    recent = (
        CheckIn.objects.filter(checkpoint=checkpoint, at__gte=since)
        .select_related("person", "visit")
        .order_by("-at")[:30]
    )
    last_pk = request.GET.get("last", "")
    last = (
        CheckIn.objects.filter(checkpoint=checkpoint)
        .select_related("person", "visit")
        .recent_first(int(last_pk), since=since)
        # ASCII digits only: str.isdigit() is also true of "²" and "①", which int() refuses.
        if last_pk.isascii() and last_pk.isdigit()
        else None
    )
    template = "checkpoints/console.html"
    if request.htmx:
        template += "#rows"
    # Today's figures of the post, counted from its rows (never added up on the phone):
    # a batch uploaded twice stores its rows once, so it is counted once.
    start, end = local_day_bounds(timezone.localdate())
    context = {
        "checkpoint": checkpoint,
        "recent": recent,
        "last": last,
        "today": CheckIn.objects.filter(checkpoint=checkpoint).between(start, end).figures(),
        # The most items the phone sends in one batch of writes kept while offline.
        "max_batch": MAX_BATCH,
        "release_reasons": CheckIn.ReleaseReason.choices,
    }
    # Each form is drawn with its own client id: a resubmit repeats it, another form never.
    for name, form_class in (
        ("scan_form", ScanForm),
        ("vehicle_form", VehicleForm),
        ("visitor_form", VisitorForm),
        ("turn_back_form", TurnBackForm),
    ):
        context[name] = forms.get(name) or form_class(
            initial=ClientIdForm.fresh(), checkpoint=checkpoint
        )
    context.update(
        {
            # A deactivated post's history stays readable; every write there is refused.
            "error": forms.get("error", "") or ("" if checkpoint.active else actions.STOPPED),
            "open_panel": forms.get("open_panel", ""),
        }
    )
    return render(request, template, context, status=status)


def _post(request: AuthedRequest, pk: int) -> Checkpoint:
    return get_for_user(Checkpoint.objects.select_related("area"), request.user, pk=pk)


def _after(checkpoint: Checkpoint, recorded: actions.Recorded) -> HttpResponse:
    return redirect(
        reverse("checkpoints:console_post", kwargs={"pk": checkpoint.pk})
        + f"?last={recorded.checkin.pk}"
    )


@require_safe
@require_capability("checkpoints.console")
def console_post(request: AuthedRequest, pk: int) -> HttpResponse:
    return _console(request, _post(request, pk))


@require_POST
@require_capability("checkpoints.console")
def console_scan(request: AuthedRequest, pk: int) -> HttpResponse:
    checkpoint = _post(request, pk)
    form = ScanForm(request.POST, checkpoint=checkpoint)
    if form.is_valid():
        try:
            recorded = actions.scan_pass(
                checkpoint=checkpoint,
                token=form.cleaned_data["token"],
                direction=form.cleaned_data["direction"],
                client_id=form.cleaned_data["client_id"],
                temperature=form.cleaned_data["temperature"],
                by=request.user,
            )
        except (tokens.TokenRejected, actions.CheckInRefused) as exc:
            form = ScanForm(initial=ClientIdForm.fresh(), checkpoint=checkpoint)
            return _console(
                request,
                checkpoint,
                400,
                scan_form=form,
                error=f"拒绝通行：{exc}",
                open_panel="scan",
            )
        return _after(checkpoint, recorded)
    return _console(request, checkpoint, 400, scan_form=form, open_panel="scan")


def _staff_write(
    request: AuthedRequest,
    pk: int,
    form_class: type[ConsoleForm],
    name: str,
    record: Callable[[Checkpoint, dict[str, Any]], actions.Recorded],
) -> HttpResponse:
    """One of the post's forms: ``record`` stores the passage from the form's data."""
    checkpoint = _post(request, pk)
    form = form_class(request.POST, checkpoint=checkpoint)
    if form.is_valid():
        try:
            recorded = record(checkpoint, form.cleaned_data)
        except actions.CheckInRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _after(checkpoint, recorded)
    return _console(request, checkpoint, 400, **{name: form, "open_panel": name})


@require_POST
@require_capability("checkpoints.console")
def console_vehicle(request: AuthedRequest, pk: int) -> HttpResponse:
    return _staff_write(
        request,
        pk,
        VehicleForm,
        "vehicle_form",
        lambda checkpoint, d: actions.record_vehicle(
            checkpoint=checkpoint,
            client_id=d["client_id"],
            direction=d["direction"],
            plate=d["plate"],
            occupants=d["occupants"],
            temperature=d["temperature"],
            by=request.user,
        ),
    )


@require_POST
@require_capability("checkpoints.console")
def console_visitor(request: AuthedRequest, pk: int) -> HttpResponse:
    return _staff_write(
        request,
        pk,
        VisitorForm,
        "visitor_form",
        lambda checkpoint, d: actions.record_visitor(
            checkpoint=checkpoint,
            client_id=d["client_id"],
            direction=d["direction"],
            name=d["name"],
            phone=d["phone"],
            visiting=d["visiting"],
            reason=d["reason"],
            temperature=d["temperature"],
            by=request.user,
        ),
    )


@require_POST
@require_capability("checkpoints.console")
def console_turn_back(request: AuthedRequest, pk: int) -> HttpResponse:
    return _staff_write(
        request,
        pk,
        TurnBackForm,
        "turn_back_form",
        lambda checkpoint, d: actions.turn_back(
            checkpoint=checkpoint,
            client_id=d["client_id"],
            direction=d["direction"],
            subject=d["subject"],
            plate=d["plate"],
            occupants=d["occupants"],
            reason=d["reason"],
            temperature=d["temperature"],
            by=request.user,
        ),
    )


def _checkin(request: AuthedRequest, pk: int) -> CheckIn:
    """A row of the post's console: among its last hours first (on PostgreSQL, a day
    partition or two), then among every day kept (a page left open since)."""
    rows = CheckIn.objects.select_related("checkpoint__area", "person")
    try:
        return get_for_user(rows.filter(at__gte=_console_since()), request.user, pk=pk)
    except Http404:
        return get_for_user(rows, request.user, pk=pk)


def _console_since() -> datetime:
    return timezone.now() - CONSOLE_HOURS


def _refused_row(
    request: AuthedRequest,
    checkin: CheckIn,
    form: ConfirmForm | MeasureForm | TurnBackRowForm | ReleaseRowForm,
) -> HttpResponse:
    """The post's console again, with why a row's quick form was refused (400)."""
    error = "；".join(e for errs in form.errors.values() for e in errs)
    return _console(request, checkin.checkpoint, 400, error=error)


def _back_to_row(checkin: CheckIn) -> HttpResponse:
    """The post's console, showing the row a quick form just changed."""
    return redirect(
        reverse("checkpoints:console_post", kwargs={"pk": checkin.checkpoint_id})
        + f"?last={checkin.pk}"
    )


@require_POST
@require_capability("checkpoints.console")
def checkin_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    checkin = _checkin(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _refused_row(request, checkin, form)
    try:
        actions.confirm(
            checkin=checkin, by=request.user, temperature=form.cleaned_data["temperature"]
        )
    except actions.CheckInRefused as exc:
        return _console(request, checkin.checkpoint, 400, error=str(exc))
    return _back_to_row(checkin)


@require_POST
@require_capability("checkpoints.console")
def checkin_measure(request: AuthedRequest, pk: int) -> HttpResponse:
    checkin = _checkin(request, pk)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        return _refused_row(request, checkin, form)
    try:
        actions.measure(
            checkin=checkin, temperature=form.cleaned_data["temperature"], by=request.user
        )
    except actions.CheckInRefused as exc:
        return _console(request, checkin.checkpoint, 400, error=str(exc))
    return _back_to_row(checkin)


@require_POST
@require_capability("checkpoints.console")
def checkin_turn_back(request: AuthedRequest, pk: int) -> HttpResponse:
    checkin = _checkin(request, pk)
    form = TurnBackRowForm(request.POST)
    if not form.is_valid():
        return _refused_row(request, checkin, form)
    try:
        actions.turn_back_checkin(
            checkin=checkin, reason=form.cleaned_data["reason"], by=request.user
        )
    except actions.CheckInRefused as exc:
        return _console(request, checkin.checkpoint, 400, error=str(exc))
    return _back_to_row(checkin)


@require_POST
@require_capability("checkpoints.console")
def checkin_release(request: AuthedRequest, pk: int) -> HttpResponse:
    checkin = _checkin(request, pk)
    form = ReleaseRowForm(request.POST)
    if not form.is_valid():
        return _refused_row(request, checkin, form)
    try:
        actions.release_checkin(
            checkin=checkin,
            reason=form.cleaned_data["reason"],
            other=form.cleaned_data["other"],
            by=request.user,
        )
    except actions.CheckInRefused as exc:
        return _console(request, checkin.checkpoint, 400, error=str(exc))
    return _back_to_row(checkin)
