"""HTTP defaults for every response the application builds."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
