"""Supplies' daily-report indicators: protective stock on hand in each community's
stores and checkpoints at the cutoff, and what was issued or used during the day.
Stock at a cutoff is the sum of the movements before it (the ledger is the truth),
each credited to the area its location lay in when it was posted.
Items are counted by their reporting role (``Item.report_as``), never by name, so
renaming an item in the catalog changes no figure."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Sum

from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import FLOW, STOCK, Indicator, by_community

from .models import Item, Movement


def _on_hand(role: str):
    def compute(window: Window, communities: Sequence[Area]) -> dict[int, int]:
        rows = Movement.objects.filter(item__report_as=role, occurred_at__lt=window.end)
        return by_community(rows, communities, area="area", value=Sum("quantity"))

    return compute


def _used(role: str):
    def compute(window: Window, communities: Sequence[Area]) -> dict[int, int]:
        rows = Movement.objects.use().filter(
            item__report_as=role, occurred_at__gte=window.start, occurred_at__lt=window.end
        )
        used = by_community(rows, communities, area="area", value=Sum("quantity"))
        return {community: -value for community, value in used.items()}

    return compute


MASKS, SUITS = Item.ReportAs.MASKS, Item.ReportAs.SUITS
PIECES, SETS = Item.REPORT_UNITS[MASKS], Item.REPORT_UNITS[SUITS]

INDICATORS = [
    Indicator("masks_on_hand", "口罩库存", PIECES, STOCK, _on_hand(MASKS), order=70),
    Indicator("masks_used", "发放/消耗口罩", PIECES, FLOW, _used(MASKS), order=71),
    Indicator("suits_on_hand", "防护服库存", SETS, STOCK, _on_hand(SUITS), order=72),
]
