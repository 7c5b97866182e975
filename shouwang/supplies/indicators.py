"""Supplies' daily-report indicators: protective stock on hand in each community's
stores and checkpoints at the cutoff, and what was issued or used during the day.
Stock at a cutoff is the sum of the movements before it (the ledger is the truth)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Sum

from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import FLOW, STOCK, Indicator, by_community

from .models import USE_KINDS, Movement


def _on_hand(item_names: tuple[str, ...]):
    def compute(window: Window, communities: Sequence[Area]) -> dict[int, int]:
        rows = Movement.objects.filter(item__name__in=item_names, occurred_at__lt=window.end)
        return by_community(rows, communities, area="location__area", value=Sum("quantity"))

    return compute


def _used(item_names: tuple[str, ...]):
    def compute(window: Window, communities: Sequence[Area]) -> dict[int, int]:
        rows = Movement.objects.filter(
            item__name__in=item_names,
            kind__in=USE_KINDS,
            occurred_at__gte=window.start,
            occurred_at__lt=window.end,
        )
        used = by_community(rows, communities, area="location__area", value=Sum("quantity"))
        return {community: -value for community, value in used.items()}

    return compute


MASKS = ("医用口罩", "KN95口罩")
SUITS = ("防护服",)

INDICATORS = [
    Indicator("masks_on_hand", "口罩库存", "个", STOCK, _on_hand(MASKS), order=60),
    Indicator("masks_used", "发放/消耗口罩", "个", FLOW, _used(MASKS), order=61),
    Indicator("suits_on_hand", "防护服库存", "套", STOCK, _on_hand(SUITS), order=62),
]
