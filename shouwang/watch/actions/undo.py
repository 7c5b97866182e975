"""What a decision taken back (a lead reopened, a locate task reopened) was, for its
audit row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone


def decision_before(status: str, by: Any, at: datetime | None, note: str) -> str:
    """``原为“已排除”，王五，2026-11-24 09:30，note``: the parts there are."""
    decided = timezone.localtime(at) if at else None
    parts = (f"原为“{status}”", str(by or ""), f"{decided:%Y-%m-%d %H:%M}" if decided else "", note)
    return "，".join(part for part in parts if part)
