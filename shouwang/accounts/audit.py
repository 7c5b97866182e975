"""Writing the audit log. Every app records key changes, reveals and exports here."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse

from shouwang.core import pii

from .models import AuditEvent

# The request being answered, for rows recorded by actions that are not handed it
# (most take only the acting user, so that jobs and commands can call them too).
_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class AuditSourceMiddleware:
    """Makes the request's source address known to every audit row written while
    answering it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind our proxy (``BEHIND_PROXY``) the
    last X-Forwarded-For entry, which that proxy appended. None if not an address."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    user: Any = None,
    obj: models.Model | None = None,
    result: str = AuditEvent.Result.OK,
    detail: str = "",
    username: str = "",
    area: Any = None,
) -> AuditEvent:
    """Append one audit row, any phone or ID number in its texts masked. ``user``
    defaults to the request's authenticated user;
    the source address is the request's, else that of the request being answered (none
    for a background job or a command)."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if area is None:
        area = getattr(user, "area", None) or _area_of(obj)
    return AuditEvent.objects.create(
        user=user if user is not None and user.pk else None,
        username=(user.username if user is not None else username)[:150],
        role=getattr(user, "role", "") or "",
        area=area,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=pii.mask_in_text(_label(obj))[:200] if obj is not None else "",
        result=result,
        ip=client_ip(request if request is not None else _current_request.get()),
        # Free text (a note, a purpose, a reason) may quote a phone or ID number: the
        # log is append-only and never purged, so it keeps them masked.
        detail=pii.mask_in_text(detail),
    )


def _label(obj: models.Model) -> str:
    """The object as the log shows it; an account with its username, which the
    auditor searches by (full names are shared)."""
    text = str(obj)
    username = getattr(obj, "username", "")
    return f"{text}（{username}）" if username and username != text else text


def _area_of(obj: models.Model | None) -> Any:
    if obj is None:
        return None
    from shouwang.areas.models import Area

    if isinstance(obj, Area):
        return obj
    return getattr(obj, "area", None)
