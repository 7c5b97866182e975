"""Allocation: a plan computed from workload, reviewed, then issued to every
checkpoint (or enterprise, per employee) in one action — all or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.supplies import actions
from shouwang.supplies.models import AllocationPlan, Balance, Location, Movement, Recipient

from .factories import item, location, plan_form, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    warehouse = location(world.subdistrict, "明湖街道仓库")
    compound_a2 = child(world.community_a, "西城新苑")
    checkpoints = [
        location(world.compound_a, "西城花园卡点", "checkpoint", staff=8),
        location(compound_a2, "西城新苑卡点", "checkpoint", staff=5),
        location(world.compound_b, "八一新苑卡点", "checkpoint", staff=12),
    ]
    location(world.community_a, "西城社区库房", "community", staff=4)
    return warehouse, checkpoints


def _create(client, warehouse, **overrides) -> AllocationPlan:
    data = plan_form(warehouse, **overrides)
    response = client.post(reverse("supplies:plan_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return AllocationPlan.objects.latest("pk")


def test_it_issues_to_every_checkpoint_in_one_action(world, setup) -> None:
    warehouse, checkpoints = setup
    stock(warehouse, 10_000)
    client = world.client("hq")
    plan = _create(client, warehouse)
    lines = {ln.location: ln.quantity for ln in plan.lines.select_related("location")}
    assert lines == {checkpoints[0]: 168, checkpoints[1]: 105, checkpoints[2]: 252}

    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    response = client.post(reverse("supplies:plan_issue", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "issued"
    for checkpoint, quantity in lines.items():
        assert Balance.objects.get(location=checkpoint, item=item()).quantity == quantity
    assert Balance.objects.get(location=warehouse).quantity == 10_000 - 525
    assert Movement.objects.filter(plan=plan, kind="transfer_in").count() == 3
    # Pressing the button again moves nothing.
    client.post(reverse("supplies:plan_issue", args=[plan.pk]))
    assert Movement.objects.filter(plan=plan).count() == 6


def test_checkpoints_of_one_name_in_two_areas_say_their_area_on_the_plan(world, setup) -> None:
    warehouse, _ = setup
    location(world.compound_a, "中州大道卡口", "checkpoint", staff=2)
    location(world.compound_b, "中州大道卡口", "checkpoint", staff=3)
    stock(warehouse, 10_000)
    client = world.client("hq")
    plan = _create(client, warehouse)
    html = client.get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    assert "<td>中州大道卡口（西城花园）</td>" in html
    assert "<td>中州大道卡口（八一新苑）</td>" in html
    assert "<td>西城花园卡点</td>" in html  # a name of its own is shown alone


def test_it_recomputes_with_edited_parameters_and_rounds_to_packs(world, setup) -> None:
    warehouse, checkpoints = setup
    client = world.client("hq")
    plan = _create(client, warehouse)
    box = item().packs.get(name="盒")
    data = {"per_person": "1", "shifts_per_day": "2", "days": "10", "round_to_pack": box.pk}
    for line in plan.lines.all():
        data[f"p{line.pk}"] = 3 if line.location == checkpoints[0] else line.people
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    response = client.post(reverse("supplies:plan_update", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "draft"  # edited after review: review again
    quantities = {ln.location: ln.quantity for ln in plan.lines.select_related("location")}
    # 3 people × 2 × 10 = 60 → 100 (2 boxes of 50); 5×20=100; 12×20=240 → 250
    assert quantities == {checkpoints[0]: 100, checkpoints[1]: 100, checkpoints[2]: 250}


def test_a_pack_an_unissued_plan_rounds_to_cannot_be_removed_from_the_item(
    world, setup, item_form
) -> None:
    warehouse, _ = setup
    client = world.client("hq")
    plan = _create(client, warehouse)
    masks = item()
    box = masks.packs.get(name="盒")
    AllocationPlan.objects.filter(pk=plan.pk).update(round_to_pack=box)
    edit = item_form(masks, packs="")
    response = client.post(reverse("supplies:item_edit", args=[masks.pk]), edit)
    assert response.status_code == 400
    assert "包装“盒”正被尚未发放的分配方案用于取整，不能删除" in response.content.decode()
    plan.refresh_from_db()
    assert plan.round_to_pack == box
    AllocationPlan.objects.filter(pk=plan.pk).update(status="issued")
    response = client.post(reverse("supplies:item_edit", args=[masks.pk]), edit)
    assert response.status_code == 302
    assert not masks.packs.exists()


def test_a_pack_an_unissued_plan_rounds_to_keeps_its_size(world, setup, item_form) -> None:
    """Resizing the box would leave the plan's lines in boxes of the old size under
    the new one (150 "in boxes of 100"), as removing it would drop the rounding."""
    warehouse, _ = setup
    client = world.client("hq")
    masks = item()
    box = masks.packs.get(name="盒")
    plan = _create(client, warehouse, round_to_pack=box.pk)
    edit = item_form(masks, packs="包=10，盒=100，箱=2000")
    response = client.post(reverse("supplies:item_edit", args=[masks.pk]), edit)
    assert response.status_code == 400
    assert "包装“盒”正被尚未发放的分配方案用于取整，不能删除或修改折合数量" in (
        response.content.decode()
    )
    box.refresh_from_db()
    assert box.size == 50
    assert all(line.quantity % 50 == 0 for line in plan.lines.all())
    # The other packs may still change.
    edit["packs"] = "包=20，盒=50，箱=2000"
    assert client.post(reverse("supplies:item_edit", args=[masks.pk]), edit).status_code == 302
    assert masks.packs.get(name="包").size == 20


def test_short_stock_refuses_the_whole_plan(world, setup) -> None:
    warehouse, checkpoints = setup
    stock(warehouse, 500)
    client = world.client("hq")
    plan = _create(client, warehouse)
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    response = client.post(reverse("supplies:plan_issue", args=[plan.pk]), follow=True)
    assert "库存不足" in response.content.decode()
    assert not Movement.objects.filter(plan=plan).exists()
    assert Balance.objects.get(location=warehouse).quantity == 500
    plan.refresh_from_db()
    assert plan.status == "reviewed"


def test_enterprises_get_masks_per_employee(world, setup) -> None:
    """Seed 001: 49,500 masks to 3,300 employees — 15 each."""
    warehouse, _ = setup
    stock(warehouse, 60_000)
    sizes = [1200, 1100, 1000]
    for n, employees in enumerate(sizes):
        Recipient.objects.create(area=world.community_a, name=f"企业{n}", employees=employees)
    client = world.client("hq")
    plan = _create(
        client, warehouse, target="recipient", per_person="15", shifts_per_day="1", days="1"
    )
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    client.post(reverse("supplies:plan_issue", args=[plan.pk]))
    issued = Movement.objects.filter(plan=plan, kind="issue")
    assert issued.count() == 3
    assert -issued.total() == 49_500
    assert Balance.objects.get(location=warehouse).quantity == 60_000 - 49_500


def test_unreviewed_plans_are_not_issued_and_others_cannot_touch_plans(world, setup) -> None:
    warehouse, _ = setup
    stock(warehouse, 10_000)
    plan = _create(world.client("hq"), warehouse)
    world.client("hq").post(reverse("supplies:plan_issue", args=[plan.pk]))
    assert not Movement.objects.filter(plan=plan).exists()
    for persona in ("leader", "staff_a"):
        client = world.client(persona)
        assert client.post(reverse("supplies:plan_review", args=[plan.pk])).status_code == 403
    page = world.client("leader").get(reverse("supplies:plan", args=[plan.pk]))
    assert page.status_code == 200
    assert reverse("supplies:plan_update", args=[plan.pk]) not in page.content.decode()
    assert reverse("supplies:plan_update", args=[plan.pk]) in (
        world.client("hq").get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    )
    assert Location.objects.count() == 5


def test_a_plan_whose_quantities_exceed_the_ledger_is_refused_with_its_input(world, setup) -> None:
    warehouse, checkpoints = setup
    client = world.client("hq")
    data = {
        "title": "卡点口罩",
        "item": item().pk,
        "source": warehouse.pk,
        "target": "checkpoint",
        "per_person": "999999.99",
        "shifts_per_day": "24",
        "days": "365",
    }
    response = client.post(reverse("supplies:plan_create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "分配数量过大" in page
    assert 'value="999999.99"' in page
    assert not AllocationPlan.objects.exists()

    plan = _create(client, warehouse)
    edit = {"per_person": "10", "shifts_per_day": "24", "days": "365"}
    for line in plan.lines.all():
        edit[f"p{line.pk}"] = 100_000 if line.location == checkpoints[0] else line.people
    response = client.post(reverse("supplies:plan_update", args=[plan.pk]), edit)
    assert response.status_code == 400
    assert "分配数量过大" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.shifts_per_day, plan.days) == (3, 7)


def test_a_plan_leaves_out_deactivated_locations_and_enterprises(world, setup) -> None:
    warehouse, checkpoints = setup
    Location.objects.filter(pk=checkpoints[1].pk).update(active=False)
    plan = _create(world.client("hq"), warehouse)
    assert {ln.location for ln in plan.lines.all()} == {checkpoints[0], checkpoints[2]}
    Recipient.objects.create(area=world.community_a, name="停业企业", employees=9, active=False)
    Recipient.objects.create(area=world.community_a, name="在营企业", employees=3)
    plan = _create(world.client("hq"), warehouse, target="recipient")
    assert [ln.recipient.name for ln in plan.lines.all()] == ["在营企业"]


def test_a_reviewed_plan_is_not_issued_to_a_location_deactivated_since(world, setup) -> None:
    warehouse, checkpoints = setup
    stock(warehouse, 10_000)
    client = world.client("hq")
    plan = _create(client, warehouse)
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    checkpoints[1].active = False
    actions.save_location(location=checkpoints[1], by=world.hq)

    response = client.post(reverse("supplies:plan_issue", args=[plan.pk]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "西城新苑卡点已停用" in page
    assert "人数改为0" in page
    assert not Movement.objects.filter(plan=plan).exists()
    assert Balance.objects.get(location=warehouse).quantity == 10_000
    plan.refresh_from_db()
    assert plan.status == "reviewed"

    # Setting its people to 0 and reviewing again issues to the others.
    edit = {"per_person": "1", "shifts_per_day": "3", "days": "7"}
    for line in plan.lines.all():
        edit[f"p{line.pk}"] = 0 if line.location_id == checkpoints[1].pk else line.people
    assert client.post(reverse("supplies:plan_update", args=[plan.pk]), edit).status_code == 302
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    assert client.post(reverse("supplies:plan_issue", args=[plan.pk])).status_code == 302
    assert not Balance.objects.filter(location=checkpoints[1]).exists()
    assert Balance.objects.get(location=warehouse).quantity == 10_000 - 168 - 252


def test_a_plan_is_not_issued_to_an_enterprise_deactivated_since(world, setup) -> None:
    warehouse, _ = setup
    stock(warehouse, 10_000)
    firm = Recipient.objects.create(area=world.community_a, name="某企业", employees=10)
    client = world.client("hq")
    plan = _create(client, warehouse, target="recipient")
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    Recipient.objects.filter(pk=firm.pk).update(active=False)
    response = client.post(reverse("supplies:plan_issue", args=[plan.pk]))
    assert response.status_code == 400
    assert "某企业已停用" in response.content.decode()
    assert not Movement.objects.filter(plan=plan).exists()


def test_it_names_the_item_of_each_pack_on_the_new_plan_form(world, setup) -> None:
    mask = item()
    assert mask.packs.exists()
    page = world.client("hq").get(reverse("supplies:plan_create")).content.decode()
    for pack in mask.packs.all():
        assert f"{mask.name}：1{pack.name}={pack.size}{mask.unit}" in page


def test_the_plan_page_keeps_packs_of_its_own_item_unlabelled(world, setup) -> None:
    warehouse, _ = setup
    client = world.client("hq")
    plan = _create(client, warehouse)
    mask = item()
    page = client.get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    pack = mask.packs.first()
    assert f">1{pack.name}={pack.size}{mask.unit}<" in page
    assert "帐篷：" not in page


def test_reviewing_a_plan_the_source_cannot_cover_says_so(world, setup) -> None:
    warehouse, _ = setup
    stock(warehouse, 100)
    client = world.client("hq")
    plan = _create(client, warehouse)
    response = client.post(reverse("supplies:plan_review", args=[plan.pk]), follow=True)
    page = response.content.decode()
    assert "方案已审核，但明湖街道仓库现有100个，方案需要525个" in page
    assert "可以一键发放" not in page
    plan.refresh_from_db()
    assert plan.status == "reviewed"


def test_reviewing_a_covered_plan_says_it_can_be_issued(world, setup) -> None:
    warehouse, _ = setup
    stock(warehouse, 10_000)
    client = world.client("hq")
    plan = _create(client, warehouse)
    response = client.post(reverse("supplies:plan_review", args=[plan.pk]), follow=True)
    assert "方案已审核，可以一键发放" in response.content.decode()


def test_the_issue_button_counts_only_lines_that_get_something(world, setup) -> None:
    warehouse, _ = setup
    location(world.compound_b, "八一空岗卡点", "checkpoint", staff=0)
    stock(warehouse, 10_000)
    client = world.client("hq")
    plan = _create(client, warehouse)
    assert plan.lines.count() == 4
    client.post(reverse("supplies:plan_review", args=[plan.pk]))
    page = client.get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    assert "一键发放到 3 个对象（数量为0的不发）" in page
    response = client.post(reverse("supplies:plan_issue", args=[plan.pk]), follow=True)
    assert "已一次发放到 3 个对象" in response.content.decode()


def test_a_plan_for_enterprises_counts_per_employee_in_its_labels(world, setup) -> None:
    warehouse, _ = setup
    Recipient.objects.create(area=world.community_a, name="某企业", employees=10)
    client = world.client("hq")
    plan = _create(client, warehouse, target="recipient", per_person="15", shifts_per_day="1")
    page = client.get(reverse("supplies:plan", args=[plan.pk])).content.decode()
    assert "每名员工每班用量" in page
    assert "每名员工每天班次" in page
    assert "员工人数" in page
    assert "每人每班用量" not in page
    # A refused new plan for enterprises says the same.
    refused = client.post(
        reverse("supplies:plan_create"),
        {
            "title": "企业口罩",
            "item": item().pk,
            "source": warehouse.pk,
            "target": "recipient",
            "per_person": "0",
            "shifts_per_day": "1",
            "days": "1",
        },
    )
    assert refused.status_code == 400
    assert "每名员工每班用量" in refused.content.decode()
    Recipient.objects.create(area=world.community_a, name="大企业", employees=100_000)
    huge = client.post(
        reverse("supplies:plan_create"),
        {
            "title": "企业口罩",
            "item": item().pk,
            "source": warehouse.pk,
            "target": "recipient",
            "per_person": "999999.99",
            "shifts_per_day": "24",
            "days": "365",
        },
    )
    assert "请检查每名员工每班用量、班次、天数和员工人数" in huge.content.decode()
    # A plan for checkpoints keeps counting per person.
    other = _create(client, warehouse)
    page = client.get(reverse("supplies:plan", args=[other.pk])).content.decode()
    assert "每人每班用量" in page
    assert "每名员工" not in page
