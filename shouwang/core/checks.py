"""Deployment checks (``shouwang check --deploy``): settings still at their defaults,
which name only this machine, in a production configuration (DEBUG off)."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

# Names that reach only this machine (or Django's test client).
LOCAL_NAMES = {"localhost", "testserver"}


def is_local_host(host: str) -> bool:
    """Whether ``host`` (an ALLOWED_HOSTS entry or a URL's host) is this machine only."""
    host = host.strip().lower().strip("[]").rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@checks.register(checks.Tags.security, deploy=True)
def check_allowed_hosts(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG or not all(is_local_host(h) for h in settings.ALLOWED_HOSTS):
        return []
    return [
        checks.Warning(
            "ALLOWED_HOSTS lists only this machine's own names ("
            + ", ".join(settings.ALLOWED_HOSTS)
            + "): requests to the server's public name will be refused with 400.",
            hint="Set ALLOWED_HOSTS=<the server's host name> in /etc/shouwang/env, "
            "e.g. ALLOWED_HOSTS=fk.example.gov.cn.",
            id="shouwang.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_public_url(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    configured = settings.SHOUWANG_PUBLIC_URL
    if settings.DEBUG:
        return []
    if configured and not is_local_host(urlsplit(configured).hostname or ""):
        return []
    if configured:
        problem = f"is {configured!r}: the checkpoint posters' QR codes point at this machine"
    else:
        problem = (
            "is not set: the checkpoint posters' QR codes point at the host the printing "
            "browser used, and those of `shouwang posters` at this machine"
        )
    return [
        checks.Warning(
            f"SHOUWANG_PUBLIC_URL {problem}, not at the address residents' phones reach.",
            hint="Set SHOUWANG_PUBLIC_URL=https://<the server's host name> in "
            "/etc/shouwang/env, e.g. SHOUWANG_PUBLIC_URL=https://fk.example.gov.cn.",
            id="shouwang.W002",
        )
    ]
