"""Police-list intake (upload → preview → commit) and the community's 待查找 list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from shouwang.core import uploads
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.xlsx import SpreadsheetError, xlsx_response
from shouwang.people.models import Person

from .. import actions, intake
from ..forms import IntakeCommitForm, IntakeForm, LocateForm, LocateReopenForm
from ..models import Intake, LocateTask, LocateTaskQuerySet
from .records import buildings_for, communities_for

PURPOSE = "watch.intake"


@require_safe
@require_capability("watch.manage")
def intake_template(request: AuthedRequest) -> HttpResponse:
    return xlsx_response("公安推送名单模板.xlsx", intake.template_bytes(today=timezone.localdate()))


def _plan(request: AuthedRequest, path, community, category) -> intake.Plan:
    with open(path, "rb") as f:
        return intake.plan(
            f,
            root=request.user.area,
            user=request.user,
            default_community=community,
            category=category,
        )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def intake_upload(request: AuthedRequest) -> HttpResponse:
    communities = communities_for(request.user)
    form = IntakeForm(request.POST or None, request.FILES or None, communities=communities)
    context: dict = {
        "form": form,
        "recent": Intake.objects.visible_to(request.user).select_related("category", "by")[:10],
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        only = list(communities[:2])
        community = data["community"] or (only[0] if len(only) == 1 else None)
        token, plan = "", None
        try:
            token = uploads.stash(request, data["file"], purpose=PURPOSE)
            path = uploads.path_for(request, token, purpose=PURPOSE)
            plan = _plan(request, path, community, data["category"])
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        context["plan"] = plan
        if plan is None or not plan.ok:
            if token:
                uploads.discard(request, token)  # only a clean list waits for its commit
        else:
            context["commit"] = {
                "token": token,
                "category": data["category"],
                "measure": data["measure"],
                "community": community,
            }
            request.session[f"{PURPOSE}.filename"] = data["file"].name[:200]
    status = 400 if form.errors or (context.get("plan") and context["plan"].problems) else 200
    return render(request, "watch/intake.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def intake_commit(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("watch:intake")
    form = IntakeCommitForm(request.POST, communities=communities_for(request.user))
    if not form.is_valid():
        messages.error(request, "提交内容不完整，请重新上传")
        return redirect("watch:intake")
    data = form.cleaned_data
    path = uploads.path_for(request, data["token"], purpose=PURPOSE)
    if path is None:
        messages.error(request, uploads.GONE_MESSAGE)
        return redirect("watch:intake")
    try:
        result = _plan(request, path, data["community"], data["category"])
        if not result.ok:
            messages.error(request, "文件存在问题，未导入任何数据，请修改后重新上传")
            return redirect("watch:intake")
        done = intake.commit(
            result,
            category=data["category"],
            measure=data["measure"],
            by=request.user,
            filename=request.session.get(f"{PURPOSE}.filename", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages) + "（未导入任何数据）")
        return redirect("watch:intake")
    finally:
        uploads.discard(request, data["token"])
    messages.success(
        request,
        f"导入完成：已匹配并分配到网格 {done.found} 人，下发查找 {done.to_locate} 人，"
        f"已在管控或重复 {done.tracked} 人，观察期已过、未登记 {done.expired} 人",
    )
    return redirect("watch:locate" if done.to_locate else "watch:index")


def tasks_for(request: AuthedRequest) -> LocateTaskQuerySet:
    return LocateTask.objects.visible_to(request.user).select_related(
        "community", "category", "key_person", "decided_by"
    )


@require_safe
@require_capability("watch.manage")
def locate(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", LocateTask.Status.PENDING)
    qs = tasks_for(request)
    if state in LocateTask.Status.values:
        qs = qs.filter(status=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "watch/locate.html",
        {"page": page, "state": state, "states": LocateTask.Status.choices},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def locate_record(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_for_user(tasks_for(request), request.user, pk=pk)
    if task.status != LocateTask.Status.PENDING:
        messages.error(request, f"该人员已记录为“{task.get_status_display()}”")
        return redirect("watch:locate")
    buildings = buildings_for(request.user).within(task.community)
    form = LocateForm(request.POST or None, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = actions.record_location(
                task=task,
                outcome=data["outcome"],
                persons=Person.objects.visible_to(request.user),
                building=data["building"],
                unit=data["unit"],
                room=data["room"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            outcome = task.get_status_display()
            if task.status == LocateTask.Status.LOCATED and not task.key_person_id:
                outcome += f"，已录入台账；{task.note}"
            messages.success(request, f"{task.name}：{outcome}")
            if task.key_person_id:
                return redirect("watch:detail", pk=task.key_person_id)
            return redirect("watch:locate")
    status = 400 if form.errors else 200
    return render(request, "watch/locate_record.html", {"task": task, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def locate_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    """查无此人 or 已离开 recorded by mistake: back to 待查找, with a reason."""
    task = get_for_user(tasks_for(request), request.user, pk=pk)
    form = LocateReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = actions.reopen_locate_task(
                task=task, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{task.name}：已恢复为待查找，请继续查找并记录结果")
            return redirect("watch:locate")
    status = 400 if form.errors else 200
    return render(request, "watch/locate_reopen.html", {"task": task, "form": form}, status=status)
