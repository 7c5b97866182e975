"""The editable category list (HQ) and each community's follow-up policy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from shouwang.areas.models import Area
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest

from .. import actions, schedule
from ..forms import CategoryForm, PolicyForm
from ..models import DEFAULT_LOST_AFTER, Category, WatchPolicy


@require_safe
@require_capability("watch.categories")
def categories(request: AuthedRequest) -> HttpResponse:
    return render(request, "watch/categories.html", {"categories": Category.objects.all()})


def _save_category(request: AuthedRequest, category: Category) -> HttpResponse:
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_category(category=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "类别已保存")
            return redirect("watch:categories")
    status = 400 if form.errors else 200
    return render(
        request, "watch/category_form.html", {"form": form, "category": category}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.categories")
def category_create(request: AuthedRequest) -> HttpResponse:
    return _save_category(request, Category())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.categories")
def category_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _save_category(request, get_object_or_404(Category, pk=pk))


@require_safe
@require_capability("watch.settings")
def policies(request: AuthedRequest) -> HttpResponse:
    communities = Area.objects.visible_to(request.user).communities()
    by_community = {p.community_id: p for p in WatchPolicy.objects.visible_to(request.user)}
    rows = [(c, by_community.get(c.pk)) for c in communities]
    return render(
        request,
        "watch/policies.html",
        {
            "rows": rows,
            "default": schedule.format_slots(schedule.DEFAULT),
            "lost_after": DEFAULT_LOST_AFTER,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.settings")
def policy_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    community = get_for_user(Area.objects.communities(), request.user, pk=pk)
    policy = WatchPolicy.objects.filter(community=community).first()
    initial = {
        "self_report": policy.self_report if policy else False,
        "slots": policy.slots if policy else schedule.format_slots(schedule.DEFAULT),
        "lost_after": policy.lost_after if policy else DEFAULT_LOST_AFTER,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.save_policy(community=community, by=request.user, **form.cleaned_data)
        messages.success(request, f"{community.name}随访设置已保存")
        return redirect("watch:policies")
    status = 400 if form.errors else 200
    return render(
        request, "watch/policy_form.html", {"form": form, "community": community}, status=status
    )
