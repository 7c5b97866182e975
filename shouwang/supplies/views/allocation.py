"""Allocation plans and the enterprises (recipients) they may serve."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.areas.models import Area
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest

from .. import actions
from ..forms import PlanForm, PlanUpdateForm, RecipientForm
from ..models import AllocationPlan, Location, Recipient
from . import recorded


@require_safe
@require_capability("supplies.view")
def plans(request: AuthedRequest) -> HttpResponse:
    qs = AllocationPlan.objects.visible_to(request.user).select_related("item", "source")
    return render(request, "supplies/plans.html", {"plans": qs})


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def plan_create(request: AuthedRequest) -> HttpResponse:
    sources = Location.objects.visible_to(request.user).active()
    form = PlanForm(
        request.POST or None,
        sources=sources,
        initial={"per_person": 1, "shifts_per_day": 3, "days": 7, "item": request.GET.get("item")},
    )
    if request.method == "GET" and request.htmx:
        return HttpResponse(str(form["round_to_pack"]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan, created = actions.create_plan(
                area=request.user.area,
                title=data["title"],
                item=data["item"],
                source=data["source"],
                target=data["target"],
                per_person=data["per_person"],
                shifts_per_day=data["shifts_per_day"],
                days=data["days"],
                round_to_pack=data["round_to_pack"],
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
                "方案已生成，请核对各对象的人数和数量后审核",
                f"这个方案已生成过（{data['title']}）",
            )
            return redirect("supplies:plan", pk=plan.pk)
    status = 400 if form.errors else 200
    return render(request, "supplies/plan_form.html", {"form": form}, status=status)


def _plan_page(request: AuthedRequest, plan: AllocationPlan, form=None, status=200):
    form = form or PlanUpdateForm(
        plan=plan,
        initial={
            "per_person": plan.per_person,
            "shifts_per_day": plan.shifts_per_day,
            "days": plan.days,
            "round_to_pack": plan.round_to_pack,
        },
    )
    on_hand = plan.on_hand()
    # Leaders and auditors read the plan; only a manager may change it.
    editable = plan.editable and request.user.can("supplies.manage")
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    lines = [(line, form[f"p{line.pk}"]) for line in form.lines]
    total = sum(line.quantity for line in form.lines)
    # Said before anyone presses 一键发放, which would be refused for the same reasons.
    blocked = plan.blocked(form.lines) if plan.editable else []
    return render(
        request,
        "supplies/plan.html",
        {
            "plan": plan,
            "editable": editable,
            "form": form,
            "lines": lines,
            "total": total,
            # Lines at 0 (nobody on duty) are not issued: count what the button does.
            "issuable": sum(1 for line in form.lines if line.quantity > 0),
            "on_hand": on_hand,
            "short": total > on_hand,
            "blocked": blocked,
        },
        status=status,
    )


def _get_plan(request: AuthedRequest, pk: int) -> AllocationPlan:
    return get_for_user(
        AllocationPlan.objects.select_related("item", "source", "round_to_pack"),
        request.user,
        pk=pk,
    )


@require_safe
@require_capability("supplies.view")
def plan(request: AuthedRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _get_plan(request, pk))


@require_POST
@require_capability("supplies.manage")
def plan_update(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = _get_plan(request, pk)
    form = PlanUpdateForm(request.POST, plan=subject)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = actions.update_plan(
                plan=subject,
                per_person=data["per_person"],
                shifts_per_day=data["shifts_per_day"],
                days=data["days"],
                round_to_pack=data["round_to_pack"],
                people=form.people(),
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _recalculated(done))
            return redirect("supplies:plan", pk=subject.pk)
    return _plan_page(request, subject, form, status=400)


def _recalculated(done: actions.PlanUpdate) -> str:
    """What 重新计算 says: whether the figures changed, and what became of a review."""
    reviewed = done.plan.status == AllocationPlan.Status.REVIEWED
    if not done.changed:
        return "数据未变，审核保持" if reviewed else "数据未变，请核对后审核"
    if not done.withdrawn:
        return "已重新计算，请核对后审核"
    unit = done.plan.item.unit
    if done.after == done.before:
        change = f"数据有变（合计仍为{done.after:,}{unit}）"
    else:
        change = f"数据有变（合计由{done.before:,}{unit}变为{done.after:,}{unit}）"
    return f"{change}，已重新计算；原审核已撤销，方案退回草稿，请重新审核后再发放"


@require_POST
@require_capability("supplies.manage")
def plan_review(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = _get_plan(request, pk)
    try:
        actions.review_plan(plan=subject, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return _plan_page(request, subject, status=400)
    total, on_hand = subject.total(), subject.on_hand()
    if total > on_hand:
        # Reviewed all the same (stock may arrive tonight), but "可以一键发放" would
        # be untrue: the issue is refused until the source holds enough.
        unit = subject.item.unit
        messages.warning(
            request,
            f"方案已审核，但{subject.source.name}现有{on_hand:,}{unit}，方案需要{total:,}{unit}，"
            "补足库存（入库或调拨）后才能发放",
        )
    else:
        messages.success(request, "方案已审核，可以一键发放")
    return redirect("supplies:plan", pk=subject.pk)


@require_POST
@require_capability("supplies.manage")
def plan_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = _get_plan(request, pk)
    try:
        issued, done = actions.issue_plan(plan=subject, by=request.user, request=request)
    except ValidationError as exc:
        if exc.messages[0] not in subject.blocked():  # else the page says it already
            messages.error(request, exc.messages[0])
        return _plan_page(request, subject, status=400)
    if done:
        messages.success(
            request, f"已一次发放到 {issued.lines.filter(quantity__gt=0).count()} 个对象"
        )
    else:
        at = timezone.localtime(issued.issued_at)
        messages.warning(request, f"该方案已于{at:%Y-%m-%d %H:%M}发放，本次重复提交，未重复发放")
    return redirect("supplies:plan", pk=subject.pk)


@require_safe
@require_capability("supplies.view")
def recipients(request: AuthedRequest) -> HttpResponse:
    qs = Recipient.objects.visible_to(request.user).select_related("area")
    return render(request, "supplies/recipients.html", {"recipients": qs})


def _save_recipient(request: AuthedRequest, recipient: Recipient) -> HttpResponse:
    areas = Area.objects.visible_to(request.user).exclude(kind=Area.Kind.BUILDING)
    form = RecipientForm(request.POST or None, instance=recipient, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_recipient(
                recipient=form.save(commit=False), by=request.user, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "领用单位已保存")
            return redirect("supplies:recipients")
    status = 400 if form.errors else 200
    return render(
        request,
        "supplies/recipient_form.html",
        {"form": form, "recipient": recipient},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def recipient_create(request: AuthedRequest) -> HttpResponse:
    return _save_recipient(request, Recipient())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("supplies.manage")
def recipient_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _save_recipient(request, get_for_user(Recipient, request.user, pk=pk))
