"""Figures other apps read (daily report, dashboard): stock on hand per item per
community or location, days of supply, the low-stock list, donation totals.

Rate of use: units used up over the last ``window`` days divided by the window,
for a location and an area alike: issues, consumption and losses
(``MovementQuerySet.use``), never transfers, which move stock without using it.
Days of supply = on hand ÷ daily use. When nothing was used in the window: 0 (缺货)
if the stock is gone and the place still needs the item (it used some in the last
``NEED_WINDOW_DAYS`` days and did not send its stock away), else ``None``
(``models.days_of_supply``, the one rule for every page).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from shouwang.areas.models import SEGMENT, Area
from shouwang.checkpoints.models import Checkpoint, CheckpointQuerySet

from .models import (
    CONSUMPTION_WINDOW_DAYS,
    Balance,
    Donation,
    Item,
    Location,
    Spending,
    SpendingShare,
    days_of_supply,
)


def checkpoints_without_location(area: Area) -> CheckpointQuerySet:
    """Active checkpoints of ``area`` that have no stock location yet."""
    linked = Location.objects.exclude(checkpoint=None).values("checkpoint_id")
    return Checkpoint.objects.within(area).active().exclude(pk__in=linked)


@dataclass
class StockFigure:
    """One item in one place (a location or an area)."""

    item: Item
    place: Any
    quantity: int
    used: int
    window: int = CONSUMPTION_WINDOW_DAYS
    needed: bool = False

    @property
    def daily_use(self) -> Decimal:
        return (Decimal(self.used) / self.window).quantize(Decimal("0.1"))

    @property
    def days(self) -> Decimal | None:
        return days_of_supply(self.quantity, self.used, self.window, needed=self.needed)

    @property
    def is_out(self) -> bool:
        """Out of stock (缺货): none left of an item the place still needs."""
        return self.days is not None and self.days == 0

    def is_low(self, threshold: int | None = None) -> bool:
        limit = self.item.alert_days if threshold is None else threshold
        return self.days is not None and self.days < limit


def stock_by_location(
    area: Area, *, item: Item | None = None, window: int = CONSUMPTION_WINDOW_DAYS
) -> list[StockFigure]:
    """Each item at each location in ``area``'s subtree (locations that ever held it)."""
    qs = (
        Balance.objects.within(area)
        .filter(location__active=True)
        .with_use(days=window)
        .select_related("item", "location", "location__area")
    )
    if item is not None:
        qs = qs.filter(item=item)
    return [
        StockFigure(b.item, b.location, b.quantity, b.used, window, needed=b.needed) for b in qs
    ]


def stock_by_item(area: Area, *, window: int = CONSUMPTION_WINDOW_DAYS) -> list[StockFigure]:
    """Each item in ``area`` as a whole: the sum over its locations."""
    return stock_by_community(area, window=window, group_by=area).get(area, [])


def stock_by_community(
    area: Area, *, window: int = CONSUMPTION_WINDOW_DAYS, group_by: Area | None = None
) -> dict[Area, list[StockFigure]]:
    """Per community in ``area`` (stores and checkpoints summed), each item on hand,
    its daily use and days of supply. Stock held above community level (the
    sub-district warehouse) is listed under the sub-district itself."""
    if group_by is not None:
        places = {group_by.path: group_by}
    else:
        places = {a.path: a for a in Area.objects.within(area).communities()}
        for above in (*area.ancestors(), area):
            places.setdefault(above.path, above)

    def place_of(path: str) -> Area | None:
        for end in range(len(path), 0, -SEGMENT):
            if path[:end] in places:
                return places[path[:end]]
        return None

    balances = (
        Balance.objects.within(area)
        .filter(location__active=True)
        .with_use(days=window)
        .values("item", "location__area__path", "quantity", "used", "needed")
    )
    quantity: dict[tuple[Area, int], int] = defaultdict(int)
    used: dict[tuple[Area, int], int] = defaultdict(int)
    needed: dict[tuple[Area, int], bool] = defaultdict(bool)
    for row in balances:
        place = place_of(row["location__area__path"])
        if place is None:
            continue
        key = (place, row["item"])
        quantity[key] += row["quantity"]
        used[key] += row["used"]
        needed[key] |= row["needed"]
    items = Item.objects.in_bulk({item_id for _, item_id in quantity})
    result: dict[Area, list[StockFigure]] = defaultdict(list)
    for (place, item_id), n in sorted(
        quantity.items(),
        key=lambda kv: (kv[0][0].path, items[kv[0][1]].order, items[kv[0][1]].name),
    ):
        key = (place, item_id)
        result[place].append(
            StockFigure(items[item_id], place, n, used[key], window, needed=needed[key])
        )
    return dict(result)


def low_stock(
    area: Area, *, threshold: int | None = None, window: int = CONSUMPTION_WINDOW_DAYS
) -> list[StockFigure]:
    """Locations whose stock of an item lasts fewer days than the item's alert days
    (or ``threshold``), shortest first."""
    rows = [f for f in stock_by_location(area, window=window) if f.is_low(threshold)]
    return sorted(rows, key=lambda f: (f.days, f.item.order, f.place.name))


def donation_totals(area: Area | None) -> dict[str, Decimal | int]:
    """Cash and goods, pledged and received; cash spent and left, in ``area`` (every
    area when None: the public page). Spent is what was drawn from these donations,
    so received − spent = balance always holds."""
    donations, shares = Donation.objects.all(), SpendingShare.objects.all()
    if area is not None:
        donations = donations.within(area)
        shares = shares.filter(donation__area__path__startswith=area.path)
    totals = donations.totals()
    spent = shares.aggregate(t=Sum("amount"))["t"] or Decimal("0.00")
    totals["cash_spent"] = spent
    totals["cash_balance"] = totals["cash_received"] - spent
    return totals


def spendable_balance(area: Area) -> tuple[Decimal, Decimal]:
    """(the cash ``area`` may spend, the balance of gifts on its books received by
    offices below it, which only those may spend: ``Donation.funds``)."""
    gifts = Donation.objects.within(area).cash().received().with_spent()
    funding = Q(pk__in=Donation.objects.funding(area).values("pk"))
    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
    sums = gifts.aggregate(
        own=Coalesce(Sum("left", filter=funding), zero),
        below=Coalesce(Sum("left", filter=~funding), zero),
    )
    return sums["own"], sums["below"]


def spending_by_purpose(area: Area) -> list[dict]:
    return Spending.objects.within(area).by_purpose()
