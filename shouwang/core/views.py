from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from . import home as home_panels
from .requests import AuthedRequest, PublicRequest

ICON = "shouwang/favicon.svg"


@require_safe
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """A home page per role: the user's area, its figures and the role's entry points."""
    context = {"area": request.user.area, **home_panels.context_for(request.user)}
    return render(request, "core/home.html", context)


@require_safe
def healthz(request: PublicRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_safe
def favicon(request: PublicRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico where a page names no icon (error pages, files)."""
    return HttpResponsePermanentRedirect(static(ICON))


def csrf_failure(request: PublicRequest, reason: str = "") -> HttpResponse:
    return render(request, "403.html", {"message": "页面已过期，请刷新后重试"}, status=403)
