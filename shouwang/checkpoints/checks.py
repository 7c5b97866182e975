"""System checks of the checkpoints app, run at startup (``runserver``, ``migrate``,
``check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .printing import check_base_url


def check_public_url(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """SHOUWANG_PUBLIC_URL is printed in every QR code: one a phone would not open makes
    every poster dead (the poster pages and ``shouwang posters`` refuse it)."""
    configured = settings.SHOUWANG_PUBLIC_URL
    if not configured:
        return []
    try:
        check_base_url(configured)
    except ValueError as exc:
        return [
            checks.Warning(
                f"SHOUWANG_PUBLIC_URL 的{exc}",
                hint="二维码海报在修正前无法打印",
                id="checkpoints.W001",
            )
        ]
    return []
