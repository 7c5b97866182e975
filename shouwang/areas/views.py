import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts.models import User
from shouwang.core import uploads
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.xlsx import SpreadsheetError, xlsx_response

from . import actions, importing
from .forms import AreaForm, GridForm, ImportForm, MoveForm
from .models import Area, Grid

IMPORT_PURPOSE = "areas.import"


@require_safe
@require_capability("areas.view")
def tree(request: AuthedRequest) -> HttpResponse:
    return redirect("areas:node", pk=request.user.area_id)


@require_safe
@require_capability("areas.view")
def node(request: AuthedRequest, pk: int) -> HttpResponse:
    area = get_for_user(Area, request.user, pk=pk)
    children = area.children.all()
    if request.user.area.depth < area.depth:
        crumbs = [a for a in area.ancestors() if a.is_within(request.user.area)]
    else:
        crumbs = []
    return render(
        request,
        "areas/node.html",
        {
            "area": area,
            "children": children,
            "crumbs": crumbs,
            "child_kind": Area.Kind(area.child_kind).label if area.child_kind else None,
            "grids": Grid.objects.visible_to(request.user).filter(community=area)
            if area.kind == Area.Kind.COMMUNITY
            else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("areas.manage")
def node_create(request: AuthedRequest, pk: int) -> HttpResponse:
    parent = get_for_user(Area, request.user, pk=pk)
    if parent.child_kind is None:
        raise Http404("楼栋下不能再建下级")
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notices: list[str] = []
        try:
            area = actions.create_area(
                parent=parent,
                kind=parent.child_kind,
                by=request.user,
                notices=notices,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "；".join([f"已新建 {area.name}", *notices]))
            return redirect("areas:node", pk=parent.pk)
    return render(
        request,
        "areas/node_form.html",
        {
            "form": form,
            "parent": parent,
            "kind": Area.Kind(parent.child_kind).label,
            "warning": parent.first_building_warning(),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("areas.manage")
def node_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    area = get_for_user(Area, request.user, pk=pk)
    # The form edits a copy: a refused name never shows as the page's title.
    form = AreaForm(request.POST or None, instance=copy.copy(area))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_area(area=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存")
            return redirect("areas:node", pk=area.pk)
    return render(
        request,
        "areas/node_form.html",
        {"form": form, "area": area},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("areas.manage")
def node_move(request: AuthedRequest, pk: int) -> HttpResponse:
    area = get_for_user(Area, request.user, pk=pk)
    if area.pk == request.user.area_id:
        raise Http404("不能移动自己的辖区根节点")
    visible = Area.objects.visible_to(request.user)
    targets = visible.move_targets(area)
    form = MoveForm(request.POST or None, choices=targets, accepted=visible)
    handovers: list[str] = []
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["new_parent"]
        try:
            if not form.cleaned_data["confirmed"]:
                warnings = list(filter(None, [new_parent.first_building_warning()]))
                handovers = actions.move_handovers(
                    area=area, new_parent=new_parent, by=request.user
                )
            if not handovers and not warnings:
                notices: list[str] = []
                handovers = actions.move_area(
                    area=area, new_parent=new_parent, by=request.user, notices=notices
                )
                moved = f"已将 {area.name} 移动到 {area.parent.name}"
                messages.success(request, "；".join([moved, *notices]))
                for line in handovers:
                    messages.info(request, line)
                return redirect("areas:node", pk=area.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "areas/node_move.html",
        {
            "form": form,
            "area": area,
            "handovers": handovers,
            "warnings": warnings,
            # No node of its parent's kind to go to: the page says so, with no form.
            "nowhere": Area.Kind(area.parent.kind).label if not targets.exists() else None,
        },
        status=400 if form.errors else 200,
    )


@require_safe
@require_capability("areas.view")
def grids(request: AuthedRequest) -> HttpResponse:
    qs = (
        Grid.objects.visible_to(request.user)
        .select_related("community")
        .prefetch_related("compounds")
        .with_active_staff()
    )
    return render(request, "areas/grids.html", {"grids": qs})


def _grid_form(request: AuthedRequest, grid: Grid) -> GridForm:
    visible = Area.objects.visible_to(request.user)
    return GridForm(
        request.POST or None,
        instance=copy.copy(grid),  # a refused name never shows as the page's title
        communities=visible.communities(),
        compounds=visible.compounds().select_related("parent"),
        staff=User.objects.visible_to(request.user).active().grid_staff().select_related("area"),
    )


def _save_grid(request: AuthedRequest, grid: Grid) -> HttpResponse:
    form = _grid_form(request, grid)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_grid(
                grid=form.save(commit=False),
                compounds=list(form.cleaned_data["compounds"]),
                staff=list(form.cleaned_data["staff"]),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "网格已保存")
            return redirect("areas:grids")
    return render(
        request,
        "areas/grid_form.html",
        {"form": form, "grid": grid},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("areas.manage_grids")
def grid_create(request: AuthedRequest) -> HttpResponse:
    return _save_grid(request, Grid())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("areas.manage_grids")
def grid_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _save_grid(request, get_for_user(Grid, request.user, pk=pk))


def _import_root(request: AuthedRequest) -> Area:
    """The node the sheet is imported under: ``?area=`` (or the posted ``area``) or the
    user's own area."""
    raw = request.POST.get("area") or request.GET.get("area")
    if not raw:
        return request.user.area
    if not (raw.isascii() and raw.isdigit()):  # "²" is a digit int() cannot read
        raise Http404("辖区不存在")
    root = get_for_user(Area, request.user, pk=int(raw))
    if root.child_kind is None:
        raise Http404("楼栋下不能再建下级")
    return root


@require_safe
@require_capability("areas.manage")
def import_template(request: AuthedRequest) -> HttpResponse:
    return xlsx_response("辖区导入模板.xlsx", importing.template_bytes(_import_root(request)))


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("areas.manage")
def import_upload(request: AuthedRequest) -> HttpResponse:
    root = _import_root(request)
    bound = request.method == "POST"
    form = ImportForm(request.POST if bound else None, request.FILES if bound else None)
    context: dict = {"form": form, "root": root}
    if request.method == "POST" and form.is_valid():
        try:
            token = uploads.stash(request, form.cleaned_data["file"], purpose=IMPORT_PURPOSE)
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            path = uploads.path_for(request, token, purpose=IMPORT_PURPOSE)
            try:
                with open(path, "rb") as f:
                    plan = importing.plan(f, root=root)
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
                plan = None
            if plan is not None and plan.ok:
                context.update(plan=plan, token=token)
            else:
                uploads.discard(request, token)  # only a clean file waits for its commit
                context["plan"] = plan
    plan = context.get("plan")
    status = 400 if form.errors or (plan is not None and not plan.ok) else 200
    return render(request, "areas/import.html", context, status=status)


@require_POST
@require_capability("areas.manage")
def import_commit(request: AuthedRequest) -> HttpResponse:
    root = _import_root(request)
    back = f"{reverse('areas:import')}?area={root.pk}"
    token = request.POST.get("token", "")
    path = uploads.path_for(request, token, purpose=IMPORT_PURPOSE)
    if path is None:
        messages.error(request, uploads.GONE_MESSAGE)
        return redirect(back)
    try:
        with open(path, "rb") as f:
            result = importing.plan(f, root=root)
        if not result.ok:
            messages.error(request, "文件存在问题，未导入任何数据，请修改后重新上传")
            return redirect(back)
        try:
            created = importing.commit(result, by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join([*exc.messages, "未导入任何数据"]))
            return redirect(back)
    finally:
        uploads.discard(request, token)
    changed = (
        f"，修改 {result.changed_households} 个节点的应有户数" if result.changed_households else ""
    )
    messages.success(
        request,
        "；".join([f"导入完成：新建 {created} 个节点{changed}", *result.cleared_households]),
    )
    return redirect("areas:node", pk=root.pk)
