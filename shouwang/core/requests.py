"""Typed requests for views."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from shouwang.accounts.models import User


class AuthedRequest(HttpRequest):
    user: "User"
    htmx: "HtmxDetails"


class PublicRequest(HttpRequest):
    htmx: "HtmxDetails"
