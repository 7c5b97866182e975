"""Session policies: idle timeout and password maximum age."""

import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_LAST_SEEN = "shouwang_last_seen"
TOUCH_EVERY = 60  # seconds: write the session at most once a minute


def signed_in(request: HttpRequest) -> bool:
    """Whether a user is signed in, without loading a session or a user for a request
    that carries no session cookie (a resident's scan, the API)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than ``IDLE_TIMEOUT_MINUTES``.

    Pages are sent to the login page (htmx requests as a whole page, by
    ``HtmxLoginRedirectMiddleware``); API calls go on as anonymous and get the API's 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if signed_in(request):
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
    """A request whose session has ended (logged out elsewhere, expired, account
    disabled) is sent to the login page; back from it, to the page the user was on.

    An htmx request goes as a whole page (``HX-Redirect``), instead of htmx swapping the
    login form into the part it refreshes (a wall screen's panel). A form sent by POST
    comes back to the page that held it (``HX-Current-URL`` or ``Referer``, same site
    only), not to the URL it was posted to, which answers a GET with 405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Only a redirect can lead to the login page: the others (every resident's scan)
        # skip reversing its URL.
        if response.status_code != 302 or not response["Location"].startswith(
            resolve_url(settings.LOGIN_URL)
        ):
            return response
        if request.method != "GET" and "next=" in response["Location"]:
            response = redirect_to_login(_came_from(request) or resolve_url("core:home"))
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
        return response


def _came_from(request: HttpRequest) -> str:
    """The path of the page a request was sent from, if on this site."""
    page = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if not url_has_allowed_host_and_scheme(
        page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(page)
    return parts.path + (f"?{parts.query}" if parts.query else "")


PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105 (an error code)


class PasswordAgeMiddleware:
    """Send users whose password passed ``PASSWORD_MAX_AGE_DAYS``, or was set by an
    administrator, to change it.

    A page is redirected to the change page. A request that is not a page — the JSON API
    (the phones' offline queues), an htmx request — would follow that redirect and get
    the change page as a 200 it cannot use: it gets a 403 in JSON instead,
    ``{"detail": <why>, "code": "password_change_required", "redirect": <change page>}``,
    the change page's URL carrying the page the request came from as ``next``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not signed_in(request) or request.path.startswith(
            (reverse("accounts:password_change"), reverse("accounts:logout"), "/static/")
        ):
            return self.get_response(request)
        reason = request.user.must_change_password()
        if not reason:
            return self.get_response(request)
        if _not_a_page(request):
            return password_change_required(request, reason)
        messages.warning(request, reason)
        return redirect("accounts:password_change")


def _not_a_page(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or bool(request.headers.get("HX-Request"))
        or request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    )


def password_change_required(request: HttpRequest, reason: str) -> HttpResponse:
    """The 403 a script gets while its user must change their password."""
    target = reverse("accounts:password_change")
    came_from = _came_from(request)
    if came_from and not came_from.startswith(target):
        target += "?" + urlencode({"next": came_from}, safe="/")
    return JsonResponse(
        {"detail": reason, "code": PASSWORD_CHANGE_REQUIRED, "redirect": target},
        status=403,
    )
