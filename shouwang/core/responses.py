"""Responses shared by the apps."""

from django.http import HttpResponseRedirect


class TelRedirect(HttpResponseRedirect):
    """Hand a number to the phone's dialler (``tel:``), e.g. after an audited reveal."""

    allowed_schemes = ["tel"]
