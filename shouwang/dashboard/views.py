from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shouwang.areas.models import Area
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.reports import days

from .panels import snapshot, supplies

REFRESH_SECONDS = 60


def _area(request: AuthedRequest) -> Area:
    pk = request.GET.get("area")
    if pk:
        return get_for_user(Area, request.user, pk=pk)
    if request.user.area is None:
        raise Http404("您尚未分配辖区")
    return request.user.area


def _page(request: AuthedRequest, template: str, **extra) -> HttpResponse:
    area = _area(request)
    context = {
        "snap": snapshot(request.user, area),
        "area": area,
        "refresh": REFRESH_SECONDS,
        "cutoff": days.cutoff_time(),
        **{name: panel(request.user, area) for name, panel in extra.items()},
    }
    if request.htmx:
        template += "#panel"
    return render(request, template, context)


@require_safe
@require_capability("dashboard.view")
def index(request: AuthedRequest) -> HttpResponse:
    """The HQ overview; refreshes its panel every minute through htmx."""
    return _page(request, "dashboard/index.html", supplies=supplies)


@require_safe
@require_capability("dashboard.view")
def wall(request: AuthedRequest) -> HttpResponse:
    """The same figures laid out for a 1920×1080 wall screen (大屏)."""
    return _page(request, "dashboard/wall.html")
