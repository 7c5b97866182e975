from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from shouwang.areas.models import Area

from .requests import AuthedRequest, PublicRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """A home page per role: the user's area, its figures and the role's entry points."""
    user = request.user
    area = user.area
    counts = {}
    if area is not None:
        for kind in (Area.Kind.COMMUNITY, Area.Kind.COMPOUND, Area.Kind.BUILDING):
            counts[Area.Kind(kind).label] = Area.objects.within(area).of_kind(kind).count()
    return render(request, "core/home.html", {"area": area, "counts": counts})


def healthz(request: PublicRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: PublicRequest, reason: str = "") -> HttpResponse:
    return render(request, "403.html", {"message": "页面已过期，请刷新后重试"}, status=403)
