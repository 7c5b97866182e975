from decimal import Decimal

from shouwang.core.tests.matrix import Route


def _location_b(w):
    from shouwang.supplies.models import Location

    location, _ = Location.objects.get_or_create(
        area=w.community_b, name="八一社区库房", defaults={"kind": "community", "staff_count": 5}
    )
    return location


def _donation_b(w, *, received: bool = False):
    from shouwang.supplies.actions import record_donation

    gift, _ = record_donation(
        area=w.community_b,
        donor_kind="person",
        donor_name="李顺喜",
        phone="13900000000",
        kind="cash",
        amount=Decimal("5000"),
        channel="cash",
        received=received,
        by=w.hq,
    )
    return gift


def _plan_b(w):
    from shouwang.supplies.actions import create_plan
    from shouwang.supplies.models import Item

    source = _location_b(w)
    from shouwang.supplies.models import Location

    Location.objects.get_or_create(
        area=w.compound_b, name="八一新苑卡点", defaults={"kind": "checkpoint", "staff_count": 9}
    )
    plan, _ = create_plan(
        area=w.community_b,
        title="八一口罩",
        item=Item.objects.get(name="医用口罩"),
        source=source,
        target="checkpoint",
        by=w.hq,
    )
    return plan


def _recipient_b(w):
    from shouwang.supplies.models import Recipient

    recipient, _ = Recipient.objects.get_or_create(
        area=w.community_b, name="八一超市", defaults={"employees": 12}
    )
    return recipient


def _item(w):
    from shouwang.supplies.models import Item

    return Item.objects.order_by("pk").first()


def _purpose(w):
    from shouwang.supplies.models import Purpose

    return Purpose.objects.get_or_create(name="购买防疫物资")[0]


ROUTES = {
    "supplies:overview": Route(read_only=True),
    "supplies:low_stock": Route(read_only=True),
    "supplies:locations": Route(read_only=True),
    "supplies:location_create": Route(),
    "supplies:locations_sync": Route(),
    "supplies:location": Route(
        kwargs=lambda w: {"pk": _location_b(w).pk}, in_b=True, read_only=True
    ),
    "supplies:location_edit": Route(kwargs=lambda w: {"pk": _location_b(w).pk}, in_b=True),
    "supplies:location_out": Route(kwargs=lambda w: {"pk": _location_b(w).pk}, in_b=True),
    "supplies:location_transfer": Route(kwargs=lambda w: {"pk": _location_b(w).pk}, in_b=True),
    "supplies:location_count": Route(kwargs=lambda w: {"pk": _location_b(w).pk}, in_b=True),
    "supplies:purchase": Route(),
    "supplies:ledger": Route(read_only=True),
    "supplies:ledger_export": Route(read_only=True),
    "supplies:items": Route(read_only=True),
    "supplies:item_create": Route(),
    "supplies:item_edit": Route(kwargs=lambda w: {"pk": _item(w).pk}),
    "supplies:item_units": Route(read_only=True),
    "supplies:import": Route(),
    "supplies:import_template": Route(read_only=True),
    "supplies:import_commit": Route(),
    "supplies:donations": Route(read_only=True),
    "supplies:donation_create": Route(),
    "supplies:donations_export": Route(read_only=True),
    "supplies:donation": Route(
        kwargs=lambda w: {"pk": _donation_b(w).pk}, in_b=True, read_only=True
    ),
    "supplies:donation_receive": Route(kwargs=lambda w: {"pk": _donation_b(w).pk}, in_b=True),
    "supplies:donation_cancel": Route(kwargs=lambda w: {"pk": _donation_b(w).pk}, in_b=True),
    "supplies:donation_void": Route(
        kwargs=lambda w: {"pk": _donation_b(w, received=True).pk}, in_b=True
    ),
    "supplies:donation_reissue": Route(
        kwargs=lambda w: {"pk": _donation_b(w, received=True).pk}, in_b=True
    ),
    "supplies:donation_receipt": Route(
        kwargs=lambda w: {"pk": _donation_b(w, received=True).pk}, in_b=True, read_only=True
    ),
    "supplies:donation_letter": Route(
        kwargs=lambda w: {"pk": _donation_b(w, received=True).pk}, in_b=True, read_only=True
    ),
    "supplies:spending": Route(read_only=True),
    "supplies:spending_create": Route(),
    "supplies:purposes": Route(),
    "supplies:purpose_edit": Route(kwargs=lambda w: {"pk": _purpose(w).pk}),
    "supplies:disclosure": Route(public=True, read_only=True),
    "supplies:disclosure_export": Route(public=True, read_only=True),
    "supplies:plans": Route(read_only=True),
    "supplies:plan_create": Route(),
    "supplies:plan": Route(kwargs=lambda w: {"pk": _plan_b(w).pk}, in_b=True, read_only=True),
    "supplies:plan_update": Route(kwargs=lambda w: {"pk": _plan_b(w).pk}, in_b=True),
    "supplies:plan_review": Route(kwargs=lambda w: {"pk": _plan_b(w).pk}, in_b=True),
    "supplies:plan_issue": Route(kwargs=lambda w: {"pk": _plan_b(w).pk}, in_b=True),
    "supplies:recipients": Route(read_only=True),
    "supplies:recipient_create": Route(),
    "supplies:recipient_edit": Route(kwargs=lambda w: {"pk": _recipient_b(w).pk}, in_b=True),
}
