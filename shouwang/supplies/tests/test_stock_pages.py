"""Stock through the pages: purchases in packs, issues refused when short, double
submits stored once, counts with reasons, community scoping, the ledger and figures."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from shouwang.supplies import actions, figures
from shouwang.supplies.forms import parse_packs
from shouwang.supplies.models import MAX_UNITS, Balance, Item, Movement

from .factories import RECIPIENT, item, location, record_out, stock

pytestmark = pytest.mark.django_db


def test_hq_buys_in_boxes_and_the_ledger_counts_base_units(world) -> None:
    warehouse = location(world.subdistrict, "仓库")
    response = world.client("hq").post(
        reverse("supplies:purchase"),
        {
            "location": warehouse.pk,
            "item": item().pk,
            "quantity": "3",
            "unit": "箱",
            "amount": "5400.00",
            "client_id": "p1",
        },
    )
    assert response.status_code == 302
    movement = Movement.objects.get()
    assert movement.quantity == 6000
    assert movement.kind == "purchase"
    assert str(movement.amount) == "5400.00"


def test_an_unknown_pack_is_explained(world) -> None:
    warehouse = location(world.subdistrict, "仓库")
    response = world.client("hq").post(
        reverse("supplies:purchase"),
        {"location": warehouse.pk, "item": item("帐篷").pk, "quantity": "3", "unit": "箱"},
    )
    assert response.status_code == 400
    assert "帐篷没有“箱”这种包装" in response.content.decode()
    assert not Movement.objects.exists()


def test_a_quantity_too_large_in_base_units_is_explained(world) -> None:
    warehouse = location(world.subdistrict, "仓库")
    response = world.client("hq").post(
        reverse("supplies:purchase"),
        {"location": warehouse.pk, "item": item().pk, "quantity": "1000000000", "unit": "箱"},
    )
    assert response.status_code == 400
    assert "数量过大：折合2,000,000,000,000个" in response.content.decode()
    assert not Movement.objects.exists()


def test_issuing_more_than_on_hand_is_refused_with_a_clear_message(world) -> None:
    store = location(world.community_a)
    stock(store, 30)
    response = world.client("staff_a").post(
        reverse("supplies:location_out", args=[store.pk]),
        {"kind": "issue", "item": item().pk, "quantity": "31", "recipient": "卡点"},
    )
    assert response.status_code == 400
    assert "库存不足：西城社区社区库房的医用口罩现有30个，本次需出库31个" in (
        response.content.decode()
    )
    assert Balance.objects.get(location=store).quantity == 30


@pytest.mark.parametrize("page", ["location_out", "location_transfer"])
def test_a_shortage_typed_in_packs_says_the_packs_and_the_base_units(world, page) -> None:
    store = location(world.community_a)
    gate = location(world.compound_a, "西城花园卡点")
    stock(store, 100)
    response = world.client("staff_a").post(
        reverse(f"supplies:{page}", args=[store.pk]),
        {
            "kind": "issue",
            "destination": gate.pk,
            "item": item().pk,
            "quantity": "3",
            "unit": "盒",
            "recipient": "卡点",
        },
    )
    assert response.status_code == 400
    assert "库存不足：西城社区社区库房的医用口罩现有100个，本次需出库3盒（150个）" in (
        response.content.decode()
    )
    assert Balance.objects.get(location=store).quantity == 100


def test_a_double_submitted_issue_is_stored_once(world) -> None:
    store = location(world.community_a)
    stock(store, 30)
    data = {
        "kind": "consumption",
        "item": item().pk,
        "quantity": "1",
        "unit": "包",
        "client_id": "k",
    }
    client = world.client("staff_a")
    for _ in range(2):
        assert (
            client.post(reverse("supplies:location_out", args=[store.pk]), data).status_code == 302
        )
    assert Balance.objects.get(location=store).quantity == 20
    assert Movement.objects.filter(kind="consumption").count() == 1


def test_community_staff_work_only_in_their_own_stores(world) -> None:
    mine, theirs = location(world.community_a), location(world.community_b)
    stock(theirs, 10)
    client = world.client("staff_a")
    assert client.get(reverse("supplies:location", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("supplies:location_transfer", args=[mine.pk]),
        {"destination": theirs.pk, "item": item().pk, "quantity": "1"},
    )
    assert response.status_code == 400  # B's store is not a choice for A's staff
    assert client.get(reverse("supplies:purchase")).status_code == 403
    assert (
        world.client("leader").post(reverse("supplies:location_out", args=[mine.pk])).status_code
        == 403
    )


def test_a_count_needs_a_reason_for_differences_and_adjusts_the_stock(world) -> None:
    store = location(world.community_a)
    masks = item()
    stock(store, 100)
    client = world.client("staff_a")
    url = reverse("supplies:location_count", args=[store.pk])
    response = client.post(url, {f"n{masks.pk}": "96"})
    assert response.status_code == 400
    assert "请填写差异原因" in response.content.decode()
    assert client.post(url, {f"n{masks.pk}": "96", "reason": "破损4个"}).status_code == 302
    adjustment = Movement.objects.get(kind="adjustment")
    assert adjustment.quantity == -4
    assert adjustment.note == "破损4个"
    assert Balance.objects.get(location=store).quantity == 96


def test_days_of_supply_and_low_stock(world) -> None:
    checkpoint = location(world.compound_a, "西城花园卡点", "checkpoint", staff=10)
    masks = item()
    stock(checkpoint, 200)
    for day in range(7):  # one a day, all inside the 7-day window
        actions.record_out(
            item=masks,
            location=checkpoint,
            quantity=20,
            kind="consumption",
            at=timezone.now() - timedelta(days=day, hours=1),
            by=world.staff_a,
        )
    (figure,) = figures.stock_by_location(world.community_a)
    assert figure.quantity == 60
    assert str(figure.daily_use) == "20.0"
    assert str(figure.days) == "3.0"
    assert [f.place for f in figures.low_stock(world.subdistrict)] == [checkpoint]
    assert figures.low_stock(world.subdistrict, threshold=3) == []
    (community,) = figures.stock_by_community(world.subdistrict)[world.community_a]
    assert community.quantity == 60
    assert str(community.days) == "3.0"
    page = world.client("staff_a").get(reverse("supplies:low_stock"))
    assert "西城花园卡点" in page.content.decode()
    assert (
        world.client("staff_b")
        .get(reverse("supplies:low_stock"))
        .content.decode()
        .count("西城花园卡点")
        == 0
    )


def test_ledger_page_queries_stay_flat_and_export_works(
    world, django_assert_max_num_queries
) -> None:
    store = location(world.community_a)
    for n in range(30):
        stock(store, n + 1, item("防护服" if n % 2 else "医用口罩"))
    client = world.client("hq")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supplies:ledger")).status_code == 200
    response = client.get(
        reverse("supplies:ledger"), {"item": item("防护服").pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    sheet = client.get(reverse("supplies:ledger_export"))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert len(rows) == 31
    assert rows[0][0] == "时间"
    latest = Movement.objects.latest("occurred_at", "id").occurred_at
    local = timezone.localtime(latest).replace(tzinfo=None)
    assert abs(max(r[0] for r in rows[1:]) - local) < timedelta(seconds=1)  # date-time cells


@pytest.mark.parametrize(
    "bad",
    [
        "warehouse",
        {"start": "2020-02-30"},
        # The first day of the calendar has no start in UTC (it was a 500).
        {"start": "0001-01-01"},
        {"start": "2020-02-02", "end": "2020-02-01"},
    ],
)
def test_an_invalid_ledger_filter_lists_and_exports_nothing(world, bad) -> None:
    warehouse, store = location(world.subdistrict), location(world.community_a)
    stock(store, 10)
    stock(warehouse, 20)
    # A link from HQ naming its warehouse, or a mistyped date: never the whole ledger.
    query = {"location": warehouse.pk} if bad == "warehouse" else bad
    client = world.client("staff_a")
    response = client.get(reverse("supplies:ledger"), query)
    assert response.status_code == 400
    assert list(response.context["page"].object_list) == []
    assert "筛选条件有误" in response.content.decode()
    sheet = client.get(reverse("supplies:ledger_export"), query)
    assert sheet.status_code == 400
    assert "筛选条件有误" in sheet.content.decode()


def test_a_location_holding_stock_cannot_be_deactivated(world) -> None:
    """Figures count active locations only: stock hidden in a retired one would leave
    the overview short of the ledger (and of the daily report, which counts it)."""
    store = location(world.community_a)
    stock(store, 100)
    client = world.client("hq")
    data = {"kind": "community", "name": store.name, "area": world.community_a.pk}
    response = client.post(reverse("supplies:location_edit", args=[store.pk]), data)
    assert response.status_code == 400
    assert "仍有库存：医用口罩100个（2盒），请先调出或盘点后再停用" in response.content.decode()
    store.refresh_from_db()
    assert store.active
    (masks,) = figures.stock_by_item(world.subdistrict)
    assert masks.quantity == 100

    actions.record_out(item=item(), location=store, quantity=100, kind="loss", by=world.hq)
    response = client.post(reverse("supplies:location_edit", args=[store.pk]), data)
    assert response.status_code == 302
    store.refresh_from_db()
    assert not store.active


def test_overview_pages_render_with_bounded_queries(world, django_assert_max_num_queries) -> None:
    store = location(world.community_a)
    for name in ("医用口罩", "防护服", "84消毒液"):
        stock(store, 10, item(name))
    client = world.client("hq")
    for url in ("supplies:overview", "supplies:locations", "supplies:items", "supplies:low_stock"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(url)).status_code == 200


def test_items_are_editable_with_their_packs(world) -> None:
    client = world.client("hq")
    response = client.post(
        reverse("supplies:item_create"),
        {
            "name": "一次性鞋套",
            "category": "protection",
            "unit": "双",
            "alert_days": "5",
            "order": "0",
            "active": "on",
            "packs": "包=10，箱=500",
        },
    )
    assert response.status_code == 302
    shoe = Item.objects.get(name="一次性鞋套")
    assert shoe.to_base_units(2, "箱") == 1000
    assert shoe.packs_text() == "包=10，箱=500"
    response = client.post(
        reverse("supplies:item_edit", args=[shoe.pk]),
        {
            "name": "一次性鞋套",
            "category": "protection",
            "unit": "双",
            "alert_days": "5",
            "order": "0",
            "packs": "箱 500",
        },
    )
    assert response.status_code == 400
    assert "格式不对" in response.content.decode()


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="盒箱包桶袋瓶卷件", min_size=1, max_size=3),
            st.integers(min_value=2, max_value=10**6),
        ),
        max_size=4,
        unique_by=lambda t: t[0],
    ),
    st.sampled_from(["，", ",", "；", "\n"]),
)
def test_parse_packs_reads_back_what_it_writes(packs, separator) -> None:
    text = separator.join(f"{name}={size}" for name, size in packs)
    assert parse_packs(text, unit="个") == packs


@given(st.text(max_size=30))
def test_parse_packs_never_fails_unexpectedly(text) -> None:
    from django.core.exceptions import ValidationError

    try:
        packs = parse_packs(text)
    except ValidationError as exc:
        message = exc.messages[0]
    else:
        assert all(size >= 2 and name for name, size in packs)
        return
    assert "格式不对" in message or "至少为2" in message or "重复" in message or "相同" in message


def test_every_stock_action_holds_the_quantity_limit(world) -> None:
    warehouse, store = location(world.subdistrict, "仓库"), location(world.community_a)
    masks = item()
    stock(warehouse, MAX_UNITS)
    stock(warehouse, MAX_UNITS)
    too_many = MAX_UNITS + 1
    attempts = [
        lambda: actions.receive_stock(item=masks, location=warehouse, quantity=too_many, by=None),
        lambda: record_out(
            item=masks, location=warehouse, quantity=too_many, kind="issue", by=None
        ),
        lambda: actions.transfer(
            item=masks, source=warehouse, destination=store, quantity=too_many, by=None
        ),
        lambda: actions.count_stock(
            location=store, counted={masks: too_many}, reason="多", by=world.hq
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="数量过大"):
            attempt()
    assert Movement.objects.count() == 2
    assert Balance.objects.get(location=warehouse).quantity == 2 * MAX_UNITS


def test_no_stock_moves_into_or_out_of_a_deactivated_location(world) -> None:
    warehouse, store = location(world.subdistrict, "仓库"), location(world.community_a, "旧库房")
    masks = item()
    stock(warehouse, 100)
    store.active = False
    actions.save_location(location=store, by=world.hq)
    attempts = [
        lambda: actions.receive_stock(item=masks, location=store, quantity=1, by=None),
        lambda: actions.transfer(
            item=masks, source=warehouse, destination=store, quantity=1, by=None
        ),
        lambda: actions.count_stock(location=store, counted={masks: 5}, reason="找到", by=world.hq),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="旧库房已停用"):
            attempt()
    assert Movement.objects.count() == 1
    assert Balance.objects.get(location=warehouse).quantity == 100
    assert not Balance.objects.filter(location=store, quantity__gt=0).exists()


@pytest.mark.parametrize("days", ["²", "abc", "0", "366", "-1", "99999999999999999999"])
def test_an_impossible_low_stock_threshold_is_explained(world, days) -> None:
    response = world.client("hq").get(reverse("supplies:low_stock"), {"days": days})
    assert response.status_code == 400
    assert "可用天数：" in response.content.decode()


def test_a_low_stock_threshold_in_full_width_digits_is_read(world) -> None:
    response = world.client("hq").get(reverse("supplies:low_stock"), {"days": "１２"})
    assert response.status_code == 200
    assert "可用天数：" not in response.content.decode()


def test_the_base_unit_of_an_item_with_stock_cannot_change(world) -> None:
    masks = item("医用口罩")
    stock(location(world.subdistrict, "仓库"), 2000, masks)
    response = world.client("hq").post(
        reverse("supplies:item_edit", args=[masks.pk]),
        {
            "name": masks.name,
            "category": masks.category,
            "unit": "盒",
            "alert_days": "5",
            "order": "0",
            "active": "on",
            "packs": "",
        },
    )
    assert response.status_code == 400
    assert "不能修改基本单位" in response.content.decode()
    masks.refresh_from_db()
    assert masks.unit == "个"
    assert masks.packs.exists()


def test_the_stock_left_of_a_deactivated_item_can_still_be_issued_and_transferred(world) -> None:
    store, other = location(world.community_a, "西城库房"), location(world.community_a, "卡口")
    thermometers = item("水银体温计")
    stock(store, 30, thermometers)
    Item.objects.filter(pk=thermometers.pk).update(active=False)
    client = world.client("staff_a")
    empty = client.get(reverse("supplies:location_out", args=[other.pk])).content.decode()
    assert "水银体温计" not in empty
    issued = client.post(
        reverse("supplies:location_out", args=[store.pk]),
        {
            "kind": "issue",
            "item": thermometers.pk,
            "quantity": "10",
            "recipient": RECIPIENT,
            "client_id": "o",
        },
    )
    assert issued.status_code == 302
    moved = client.post(
        reverse("supplies:location_transfer", args=[store.pk]),
        {"destination": other.pk, "item": thermometers.pk, "quantity": "20", "client_id": "t"},
    )
    assert moved.status_code == 302
    assert Balance.objects.get(location=store, item=thermometers).quantity == 0
    assert Balance.objects.get(location=other, item=thermometers).quantity == 20


def test_the_count_page_asks_for_base_units_not_packs(world) -> None:
    store = location(world.community_a, "西城库房")
    stock(store, 6000)
    page = world.client("staff_a").get(reverse("supplies:location_count", args=[store.pk]))
    text = page.content.decode()
    assert "按基本单位填写" in text
    assert "可按基本单位或包装" not in text
    assert "医用口罩（个，账面 6,000）" in text


def test_the_overview_lists_the_warehouse_so_the_sections_add_up(world) -> None:
    stock(location(world.subdistrict, "明湖街道仓库"), 40)
    stock(location(world.community_a, "西城社区库房"), 60)
    page = world.client("hq").get(reverse("supplies:overview")).content.decode()
    assert "明湖街道直管存放点" in page
    own = page.split("明湖街道直管存放点")[1]
    assert "40 个" in own
    assert "100 个" in page.split("全辖区合计")[1]


def test_a_community_overview_does_not_repeat_its_total(world) -> None:
    stock(location(world.community_a, "西城社区库房"), 60)
    page = world.client("staff_a").get(reverse("supplies:overview")).content.decode()
    assert "直管存放点" not in page
    assert page.count("60 个") == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("100000000000000000000", "金额过大：一笔最多999,999,999,999.99元"),
        ("1.005", "金额最多精确到分（两位小数）"),
        ("-5", "金额应大于0"),
        ("一千", "请填写数字金额"),
    ],
)
def test_a_bad_purchase_amount_is_explained_in_money_terms(world, amount, message) -> None:
    warehouse = location(world.subdistrict, "仓库")
    response = world.client("hq").post(
        reverse("supplies:purchase"),
        {"location": warehouse.pk, "item": item().pk, "quantity": "3", "amount": amount},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Movement.objects.exists()


def test_the_low_stock_page_says_transfers_are_not_use(world) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    store = location(world.community_a, "西城社区库房")
    stock(warehouse, 100)
    actions.transfer(item=item(), source=warehouse, destination=store, quantity=90, by=world.hq)
    assert figures.low_stock(world.subdistrict) == []
    page = world.client("hq").get(reverse("supplies:low_stock")).content.decode()
    assert "明湖街道仓库" not in page
    assert "调拨只是转移库存，调出、调入都不计为用量" in page


def test_only_a_place_plans_allocate_to_says_how_many_people_plans_count(world) -> None:
    warehouse = location(world.subdistrict, "明湖街道仓库")
    store = location(world.community_a, "西城社区库房", staff=4)
    client = world.client("hq")
    assert (
        "分配方案按"
        not in client.get(reverse("supplies:location", args=[warehouse.pk])).content.decode()
    )
    assert (
        "分配方案按 4 人计算"
        in client.get(reverse("supplies:location", args=[store.pk])).content.decode()
    )


def test_a_transfer_page_with_nowhere_to_send_says_why(world) -> None:
    store = location(world.community_a, "西城社区库房")
    location(world.community_b, "八一社区库房")
    stock(store, 100)
    page = world.client("staff_a").get(reverse("supplies:location_transfer", args=[store.pk]))
    text = page.content.decode()
    assert "您辖区内没有其他可调入的存放点" in text
    assert "八一社区库房" not in text
