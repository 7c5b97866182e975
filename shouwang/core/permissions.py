"""View guards: capabilities and read-only roles. Scoping of rows is in access.py."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from shouwang.core.responses import no_area


def require_capability(capability: str) -> Callable:
    """Signed in and holding ``capability``; otherwise 403 (and an audit row). An account
    bound to no area sees nothing in any app, whatever its role: the same 403 page
    (``no_area``) saying so and who sets it, before the view looks anything up."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.area_id is None:
                return no_area(request)
            if not request.user.can(capability):
                from shouwang.accounts import audit
                from shouwang.accounts.models import AuditEvent

                audit.record(
                    action=AuditEvent.Action.DENIED,
                    request=request,
                    result=AuditEvent.Result.DENIED,
                    detail=f"{request.method} {request.path}（缺少权限 {capability}）",
                )
                raise PermissionDenied("您的角色没有此项权限")
            return view(request, *args, **kwargs)

        wrapped.capability = capability  # type: ignore[attr-defined]  # read by tests
        return wrapped

    return decorator
