"""Demo supplies: a sub-district warehouse, a store per community and a stock location
for every checkpoint the checkpoints demo built (synced in one action: this app runs
after it); purchases; the donations of seed 002 (cash of 5,000 and 20,000 yuan, goods
from named companies); spending; masks allocated to every checkpoint in one action
and to enterprises per employee (seed 001); a week of use at the checkpoints.

Idempotent: every write carries a fixed client id or is looked up by name first."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core.demo import DemoContext

from . import actions
from .actions.donations import GoodsLine
from .models import AllocationPlan, Donation, Item, ItemPack, Location, Purpose, Recipient

# item, packs bought, pack name, yuan per pack
PURCHASES = [
    ("医用口罩", 60, "箱", "1800.00"),
    ("KN95口罩", 10, "箱", "2400.00"),
    ("防护服", 4, "箱", "4500.00"),
    ("一次性雨衣", 20, "箱", "400.00"),
    ("防护手套", 3, "箱", "350.00"),
    ("护目镜", 2, "箱", "1500.00"),
    ("84消毒液", 80, "箱", "96.00"),
    ("消毒酒精", 60, "箱", "160.00"),
    ("泡腾消毒片", 8, "箱", "900.00"),
    ("水银体温计", 30, "盒", "45.00"),
    ("额温枪", 50, "", "180.00"),
    ("帐篷", 14, "", "650.00"),
    ("紫外线灯", 16, "", "220.00"),
]

# donor kind, donor name, contact, disclosure, kind, cash amount or goods, channel, value
DONATIONS = [
    ("person", "李顺喜", "", "named", "cash", "5000", "cash", None),
    ("organisation", "河南大林建设工程有限公司", "李庆林", "named", "cash", "20000", "bank", None),
    (
        "organisation",
        "河南宝山高科有限责任公司",
        "武宏伟",
        "named",
        "goods",
        [("消毒液", 100, ""), ("医用口罩", 2500, "")],
        "",
        "30000",
    ),
    (
        "organisation",
        "安阳市沐香苑餐饮公司",
        "董国宾",
        "named",
        "goods",
        [("84消毒液", 300, ""), ("方便面", 20, "")],
        "",
        "2600",
    ),
    ("person", "骈帅", "", "masked", "goods", [("医用口罩", 100, "")], "", "150"),
    ("organisation", "辖区爱心人士（合计）", "", "anonymous", "cash", "37500", "wechat", None),
]

# Bottles of 84 disinfectant each community store receives, then issues over six days.
STORE_DISINFECTANT = 48


def _location(area: Area, name: str, kind: str, staff: int) -> Location:
    location, _ = Location.objects.get_or_create(
        area=area, name=name, defaults={"kind": kind, "staff_count": staff}
    )
    return location


def _checkpoint_locations(ctx: DemoContext) -> list[Location]:
    """A location per demo checkpoint. Posts whose guards have accounts count them;
    elsewhere most volunteers have none, so HQ types in the real head count once."""
    hq = ctx.users["hq"]
    actions.sync_checkpoint_locations(area=ctx.subdistrict, by=hq)
    places = list(
        Location.objects.within(ctx.subdistrict)
        .of_kind(Location.Kind.CHECKPOINT)
        .exclude(checkpoint=None)
        .with_headcount()
        .order_by("pk")
    )
    for place in places:
        if place.staff_count is None and not place.roster:
            place.staff_count = place.headcount = ctx.rng.randint(6, 12)
            actions.save_location(location=place, by=hq)
    return places


def _backdate(plan: AllocationPlan, issued: datetime) -> None:
    """A demo plan issued days ago was drawn up two hours before: its page and the
    plan list then read in order (created, reviewed, issued)."""
    AllocationPlan.objects.filter(pk=plan.pk).update(created_at=issued - timedelta(hours=2))


def build(ctx: DemoContext) -> None:
    hq = ctx.users["hq"]
    sub = ctx.subdistrict
    rng = ctx.rng
    now = timezone.now()
    items = {i.name: i for i in Item.objects.prefetch_related("packs")}

    warehouse = _location(sub, f"{sub.name}仓库", Location.Kind.WAREHOUSE, 6)
    communities = list(Area.objects.within(sub).communities().order_by("path"))
    stores = [_location(c, f"{c.name}库房", Location.Kind.COMMUNITY, 8) for c in communities]
    checkpoints = _checkpoint_locations(ctx)

    for n, (name, packs, pack, price) in enumerate(PURCHASES):
        item = items[name]
        actions.receive_stock(
            item=item,
            location=warehouse,
            quantity=item.to_base_units(packs, pack),
            supplier="郑州市医药物资公司",
            amount=Decimal(price) * packs,
            note="疫情防控便利化采购",
            client_id=f"demo:purchase:{n}",
            at=now - timedelta(days=10),
            by=hq,
        )

    arriving: list[tuple[datetime, int, Donation]] = []
    for n, (dkind, dname, contact, disclosure, kind, what, channel, value) in enumerate(DONATIONS):
        lines = []
        if kind == "goods":
            share = Decimal(value) / len(what)
            lines = [
                GoodsLine(items[name], items[name].to_base_units(q, unit), share)
                for name, q, unit in what
            ]
        gift, _ = actions.record_donation(
            area=sub,
            donor_kind=dkind,
            donor_name=dname,
            contact_name=contact,
            phone=f"139{37000000 + n * 1111:08d}" if contact else "",
            disclosure=disclosure,
            kind=kind,
            amount=Decimal(what) if kind == "cash" else None,
            channel=channel,
            lines=lines,
            location=warehouse,
            pledged_on=timezone.localdate() - timedelta(days=12),
            client_id=f"demo:donation:{n}",
            by=hq,
        )
        if gift.status == Donation.Status.PLEDGED:
            arriving.append((now - timedelta(days=9 - n % 3), n, gift))
    # Received in the order they arrived, so the receipt numbers run by arrival day.
    for at, _, gift in sorted(arriving, key=lambda a: (a[0], a[1])):
        actions.receive_donation(donation=gift, at=at, by=hq)
    actions.record_donation(
        area=sub,
        donor_kind="organisation",
        donor_name="商丘隆越汽车有限公司",
        contact_name="王经理",
        disclosure="named",
        kind="cash",
        amount=Decimal("10000"),
        notes="已联系办事处，表达捐款意向",
        client_id="demo:donation:pledge",
        by=hq,
    )
    purposes = {p.name: p for p in Purpose.objects.all()}
    for n, (purpose, amount, why) in enumerate(
        [
            ("购买防疫物资", "15000", "采购口罩、消毒液补充卡点"),
            ("慰问一线人员", "3000", "方便面、火腿肠、面包慰问卡点值守人员"),
        ]
    ):
        actions.record_spending(
            area=sub,
            purpose=purposes[purpose],
            amount=Decimal(amount),
            description=why,
            spent_on=timezone.localdate() - timedelta(days=7 - n),
            client_id=f"demo:spending:{n}",
            by=hq,
        )

    masks = items["医用口罩"]
    plan = AllocationPlan.objects.filter(area=sub, title="卡点口罩十日保障").first()
    if plan is None and checkpoints:
        plan, _ = actions.create_plan(
            area=sub,
            title="卡点口罩十日保障",
            item=masks,
            source=warehouse,
            target=AllocationPlan.Target.CHECKPOINTS,
            per_person=Decimal("1"),
            shifts_per_day=3,
            days=10,
            round_to_pack=ItemPack.objects.get(item=masks, name="盒"),
            by=hq,
        )
        issued = now - timedelta(days=8)
        _backdate(plan, issued)
        actions.review_plan(plan=plan, by=hq, at=issued - timedelta(hours=1))
        actions.issue_plan(plan=plan, by=hq, at=issued)

    for community in communities:
        for k in range(3):
            Recipient.objects.get_or_create(
                area=community,
                name=f"{community.name[:2]}复工企业{k + 1}号",
                defaults={"employees": rng.randint(8, 40)},
            )
    if not AllocationPlan.objects.filter(area=sub, title="复工企业口罩").exists():
        plan, _ = actions.create_plan(
            area=sub,
            title="复工企业口罩",
            item=masks,
            source=warehouse,
            target=AllocationPlan.Target.RECIPIENTS,
            per_person=Decimal("15"),
            shifts_per_day=1,
            days=1,
            by=hq,
        )
        issued = now - timedelta(days=6)
        _backdate(plan, issued)
        actions.review_plan(plan=plan, by=hq, at=issued - timedelta(hours=1))
        actions.issue_plan(plan=plan, by=hq, at=issued)

    # A week of use: each checkpoint wears 60–100 % of the planned masks a day.
    for checkpoint in checkpoints:
        share = rng.uniform(0.6, 1.0)
        for day in range(7, 0, -1):
            used = int(checkpoint.headcount * 3 * share)
            if used:
                try:
                    actions.record_out(
                        item=masks,
                        location=checkpoint,
                        quantity=used,
                        kind="consumption",
                        note="值守人员每班更换",
                        client_id=f"demo:use:{checkpoint.pk}:{day}",
                        at=now - timedelta(days=day, hours=2),
                        by=hq,
                    )
                except ValidationError:
                    break
    for n, store in enumerate(stores):
        actions.transfer(
            item=items["84消毒液"],
            source=warehouse,
            destination=store,
            quantity=STORE_DISINFECTANT,
            client_id=f"demo:store:{n}",
            at=now - timedelta(days=8),
            by=hq,
        )
        left = STORE_DISINFECTANT
        for day in range(6, 0, -1):
            issued = min(rng.randint(4, 9), left)  # never more than the store holds
            left -= issued
            if not issued:
                break
            actions.record_out(
                item=items["84消毒液"],
                location=store,
                quantity=issued,
                kind="issue",
                recipient="小区消杀志愿队",
                client_id=f"demo:store:{n}:{day}",
                at=now - timedelta(days=day, hours=5),
                by=hq,
            )
    ctx.log(
        f"物资：{len(stores)} 个社区库房、{len(checkpoints)} 个卡点存放点，"
        f"捐赠 {Donation.objects.within(sub).count()} 笔"
    )
