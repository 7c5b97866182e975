"""HTTP defaults for every response the application builds."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, empty

# Answers worth compressing: markup and data. Spreadsheets are zip files already, PDFs
# and images mostly compressed; gzipping them again costs the server for nothing.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Pages and API answers gzipped for the browsers that accept it: a page of 今日随访
    cards or a long list is mostly repeated markup, and phones at checkpoints and in
    stairwells are on weak signals. Django's ``GZipMiddleware`` pads each answer with
    random bytes against BREACH, and CSRF tokens are masked per response. Static files
    come precompressed from WhiteNoise, which answers before this runs."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class NoStoreMiddleware:
    """Nothing the application answers is stored by a browser or a proxy unless its
    view says otherwise: pages, exports, PDFs and API answers carry residents' data, and
    a shared office computer's cache or its back button after logging out must not show
    them to the next person. Static files are served (and cached) by WhiteNoise before
    this runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class ContentSecurityPolicyMiddleware:
    """Every response carries ``settings.SECURE_CSP`` as its Content-Security-Policy:
    scripts only from the app's own files, so markup slipped into a page (a stored
    name, a note) cannot run. Pages therefore hold no inline script and no on*
    handler (a test reads every template). The setting has the shape of Django 6's
    ``SECURE_CSP``, whose middleware replaces this one on that upgrade."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            " ".join([directive, *sources]) for directive, sources in settings.SECURE_CSP.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and not response.has_header("Content-Security-Policy"):
            response["Content-Security-Policy"] = self.policy
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's message middleware, building the message storage on first use. Most
    requests — every resident's scan, the API — neither add nor show a message, and
    the storage (a cookie signer and the session's, per request) is a measurable share
    of a one-tap check-in."""

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        stored = getattr(request, "_messages", None)
        if isinstance(stored, SimpleLazyObject) and stored._wrapped is empty:
            return response
        return super().process_response(request, response)


class MethodNotAllowedPageMiddleware:
    """A page's 405 (``require_POST`` and the like answer with an empty body) shown as a
    Chinese page with a way home: an address that only takes a button's POST, opened
    from a bookmark or the browser's history, is otherwise a blank dead end. The API
    keeps its own answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.streaming
            or response.content
            or request.path.startswith(reverse("api:api-root"))
        ):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page


# The order ``Allow`` names methods in, as Django's ``require_safe`` does ("GET, HEAD").
METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class ApiMethodNotAllowedMiddleware:
    """The API's 405 (Django Ninja answers a method an endpoint lacks in plain English
    text, its ``Allow`` in no set order) as JSON in Chinese like its other refusals,
    saying which methods the endpoint takes, ``Allow`` in a steady order."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith(reverse("api:api-root")):
            return response
        named = {m.strip().upper() for m in response.get("Allow", "").split(",") if m.strip()}
        allowed = sorted(
            named, key=lambda m: METHOD_ORDER.index(m) if m in METHOD_ORDER else len(METHOD_ORDER)
        )
        if not allowed:
            return response
        choices = allowed[0] if len(allowed) == 1 else f"{'、'.join(allowed[:-1])} 或 {allowed[-1]}"
        answer = JsonResponse(
            {"detail": f"该接口不支持 {request.method} 请求，请使用 {choices}"},
            status=405,
        )
        answer["Allow"] = ", ".join(allowed)
        return answer


class ApiNotFoundMiddleware:
    """An address under the API's root that names no endpoint (the root itself, a typo)
    answered as JSON in Chinese like the API's other refusals, pointing to the OpenAPI
    document, rather than with the HTML page meant for a browser. An endpoint's own 404
    (JSON already, e.g. a row not found) is kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 404
            or response.get("Content-Type", "").startswith("application/json")
            or not request.path.startswith(reverse("api:api-root"))
        ):
            return response
        return JsonResponse(
            {"detail": f"没有这个接口，可用的接口见 {reverse('api:openapi-json')}"}, status=404
        )
