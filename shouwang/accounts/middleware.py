"""Session policies: idle timeout and password maximum age."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

SESSION_LAST_SEEN = "shouwang_last_seen"
TOUCH_EVERY = 60  # seconds: write the session at most once a minute


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than ``IDLE_TIMEOUT_MINUTES``.

    Pages are sent to the login page (htmx requests as a whole page, by
    ``HtmxLoginRedirectMiddleware``); API calls go on as anonymous and get the API's 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > settings.IDLE_TIMEOUT_MINUTES * 60:
                return self._expire(request)
            if now - last_seen >= TOUCH_EVERY or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest) -> HttpResponse:
        from shouwang.accounts import audit
        from shouwang.accounts.models import AuditEvent

        audit.record(action=AuditEvent.Action.LOGOUT, request=request, detail="空闲超时自动退出")
        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        messages.info(request, "长时间未操作，已自动退出，请重新登录")
        return redirect_to_login(request.get_full_path())


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has ended (logged out elsewhere, expired, account
    disabled) is sent to the login page as a whole page (``HX-Redirect``), instead of
    htmx swapping the login form into the part it refreshes (a wall screen's panel)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request")
            and response.status_code == 302
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
        return response


class PasswordAgeMiddleware:
    """Send users whose password passed ``PASSWORD_MAX_AGE_DAYS`` to change it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.PASSWORD_MAX_AGE_DAYS
            and user.is_authenticated
            and user.password_expired()
            and not request.path.startswith(
                (reverse("accounts:password_change"), reverse("accounts:logout"), "/static/")
            )
        ):
            messages.warning(request, "密码已超过有效期，请先修改密码")
            return redirect("accounts:password_change")
        return self.get_response(request)
