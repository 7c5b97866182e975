"""Views of the supplies app, by area of work."""

from django.contrib import messages
from django.http import HttpRequest


def recorded(request: HttpRequest, created: bool, done: str, again: str) -> None:
    """Say what the form did: ``done`` when it stored its rows, ``again`` (what was
    stored already) when the same form came back — the back button, then 保存 again."""
    if created:
        messages.success(request, done)
    else:
        messages.warning(request, f"{again}，本次重复提交，未重复保存")
