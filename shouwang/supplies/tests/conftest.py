"""Supplies fixtures shared by several test modules: cash gifts and purposes, and the
item form as the catalog page sends it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.supplies import actions
from shouwang.supplies.models import Donation, Item, Purpose


@pytest.fixture
def purpose(db) -> Purpose:
    """购买防疫物资, the purpose most spendings in the tests are for."""
    return Purpose.objects.get_or_create(name="购买防疫物资")[0]


@pytest.fixture
def cash_gift(world) -> Callable[..., Donation]:
    """``cash_gift(name, amount)``: a person's cash gift to the sub-district, paid by
    bank, received ``days_ago`` days ago (a pledge when ``received=False``), to
    ``area`` and designated to ``purpose`` when given."""

    def make(
        name: str,
        amount: str,
        *,
        area: Area | None = None,
        purpose: Purpose | None = None,
        days_ago: int = 0,
        received: bool = True,
    ) -> Donation:
        pledge, _ = actions.record_donation(
            area=area or world.subdistrict,
            donor_kind="person",
            donor_name=name,
            kind="cash",
            amount=Decimal(amount),
            channel="bank",
            purpose=purpose,
            by=world.hq,
        )
        if not received:
            return pledge
        gift, _ = actions.receive_donation(
            donation=pledge, by=world.hq, at=timezone.now() - timedelta(days=days_ago)
        )
        return gift

    return make


@pytest.fixture
def item_form() -> Callable[..., dict[str, str]]:
    """``item_form(item, **changes)``: the item edit form as the page fills it for
    ``item``, with ``changes`` typed over it."""

    def form(item: Item, **changes: str) -> dict[str, str]:
        return {
            "name": item.name,
            "category": item.category,
            "unit": item.unit,
            "spec": item.spec,
            "report_as": item.report_as,
            "alert_days": str(item.alert_days),
            "order": str(item.order),
            "active": "on",
            "packs": item.packs_text(),
            **changes,
        }

    return form
