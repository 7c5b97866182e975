"""How the JSON API authenticates: Django's session, an area, and for a write the
capability it needs — all checked before Ninja reads the request body, so a role that
may not write is refused (403) whatever it sends, not told to correct its body."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import SessionAuth

# An account bound to no area (see ``core.responses.no_area``): the pages' message.
NO_AREA = "账号尚未绑定辖区：请指挥部管理员在“账号管理”中为您的账号设置所属辖区"


class AreaSessionAuth(SessionAuth):
    """Django's session, and an area: an account bound to none sees nothing in the API
    either, whatever its role — 403 with the pages' message, before the endpoint looks
    anything up or reads the body (``/me`` alone uses the plain session)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> object | None:
        user = super().authenticate(request, key)
        if user is not None and user.area_id is None:
            raise HttpError(403, NO_AREA)
        return user


class CapabilityAuth(AreaSessionAuth):
    """``AreaSessionAuth`` and ``capability``: as ``require_capability`` on the pages, a
    role without it gets 403 with ``message`` and an audit row."""

    def __init__(self, capability: str, message: str) -> None:
        super().__init__()
        self.capability = capability
        self.message = message

    def authenticate(self, request: HttpRequest, key: str | None) -> object | None:
        user = super().authenticate(request, key)
        if user is not None and not user.can(self.capability):
            from shouwang.accounts import audit
            from shouwang.accounts.models import AuditEvent

            audit.record(
                action=AuditEvent.Action.DENIED,
                request=request,
                user=user,
                result=AuditEvent.Result.DENIED,
                detail=f"{request.method} {request.path}（缺少权限 {self.capability}）",
            )
            raise HttpError(403, self.message)
        return user
