"""A resident's phone browser for the test client: a tap or a registration that records a
passage answers 303 to its result page (Post/Redirect/Get), which the browser then
loads. ``Phone.post`` does the same and returns the page the phone ends up showing,
with the cookies it was given on the way (the remembered pass is set on the redirect).
``Phone.send`` is the POST alone (a test counting its queries); tests of the redirect
itself may use Django's plain ``Client`` too."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.test import Client


class Phone(Client):
    def post(self, path: str, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(path, *args, **kwargs)
        if response.status_code != 303:
            return response
        shown = self.get(response["Location"])
        for name, morsel in response.cookies.items():
            shown.cookies.setdefault(name, morsel)
        shown.redirected_from = response
        return shown

    def send(self, path: str, *args: Any, **kwargs: Any) -> HttpResponse:
        """The POST alone, without loading the page it redirects to."""
        return super().post(path, *args, **kwargs)
