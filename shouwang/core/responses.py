"""Responses shared by the apps."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render


class TelRedirect(HttpResponseRedirect):
    """Hand a number to the phone's dialler (``tel:``), e.g. after an audited reveal."""

    allowed_schemes = ["tel"]


def bad_parameter(
    request: HttpRequest, *, message: str, link: str, link_label: str
) -> HttpResponse:
    """A query parameter the page cannot use: 400 saying what to fix, with a link
    to the page as it opens by default — never a silent default in its place."""
    return render(
        request,
        "core/bad_parameter.html",
        {"message": message, "link": link, "link_label": link_label},
        status=400,
    )


def no_area(request: HttpRequest) -> HttpResponse:
    """A signed-in account bound to no area (a superuser made outside ``bootstrap``, an
    account whose area was never set) sees nothing: 403 saying so, and who sets it."""
    return render(request, "core/no_area.html", status=403)
