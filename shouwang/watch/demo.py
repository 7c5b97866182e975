"""Demo key persons: returnees from the ledger under home observation, a few days of
twice-daily follow-ups (one fever, a few missed slots), some due for release (one of
them in the demo grid worker's grid, whatever the size), one released today, a lead
from a check-in and two persons to locate (one of them a returnee from abroad with a
passport).

Uses the demo ledger's persons when there are any; otherwise creates a few persons in
the demo buildings. Idempotent: nothing is added when the sub-district already has
key persons.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from shouwang.areas.models import Area, Grid
from shouwang.core import pii
from shouwang.core.demo import DemoContext
from shouwang.people import actions as people_actions
from shouwang.people.documents import DocumentType, check_char
from shouwang.people.models import Household, Person

from . import actions, schedule
from .models import Category, FollowUp, KeyPerson, KeyPersonEvent, LocateTask, WatchPolicy

COUNTS = {"tiny": 6, "small": 12, "default": 24, "seed001": 60}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
ORIGINS = ["湖北武汉", "湖北孝感", "湖北黄冈", "湖北襄阳", "韩国首尔", "意大利米兰"]
NAMESPACE = uuid.UUID("6c1d5b4e-2f0a-4c71-9d1e-5f3b7a9e0c21")


def _name(ctx: DemoContext) -> str:
    return ctx.rng.choice(SURNAMES) + "".join(ctx.rng.choice(GIVEN) for _ in range(2))


def _id_number(ctx: DemoContext, serial: int) -> str:
    born = f"19{ctx.rng.randint(50, 99)}{ctx.rng.randint(1, 12):02d}{ctx.rng.randint(1, 28):02d}"
    first17 = f"4201{ctx.rng.randint(1, 17):02d}{born}{serial % 1000:03d}"
    return first17 + check_char(first17)


def _persons(ctx: DemoContext, communities: list[Area], wanted: int) -> list[Person]:
    """Ledger persons spread over the first communities, favouring grid 1 of the first
    (the demo grid worker's); created in the demo buildings when the ledger is empty."""
    grid = Grid.objects.filter(community=communities[0]).order_by("pk").first()
    compounds = list(grid.compounds.all()) if grid else []
    # Ids only: a seed-001-sized ledger holds 160,000 persons.
    near = list(
        Person.objects.current()
        .filter(area__parent__in=compounds)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    far = list(
        Person.objects.within(ctx.subdistrict)
        .current()
        .exclude(area__parent__in=compounds)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if near or far:
        chosen = ctx.rng.sample(near, min(len(near), wanted // 2))
        chosen += ctx.rng.sample(far, min(len(far), wanted - len(chosen)))
        by_pk = Person.objects.select_related("area").in_bulk(chosen)
        return [by_pk[pk] for pk in chosen]
    near_buildings = list(Area.objects.buildings().filter(parent__in=compounds).order_by("pk"))
    far_buildings = [
        b
        for c in communities[1:3] or communities[:1]
        for b in Area.objects.within(c).buildings().order_by("pk")[:6]
    ]
    created = []
    for i in range(wanted):
        group = near_buildings if i % 2 == 0 or not far_buildings else far_buildings
        group = group or far_buildings
        building = group[(i // 2) % len(group)]
        where = {"unit": f"{i % 3 + 1}单元", "room": f"{i // 3 % 6 + 1}0{i % 2 + 1}"}
        household = Household.objects.filter(area=building, **where).first()
        household = household or people_actions.create_household(
            area=building, fields=where, by=ctx.users.get("hq")
        )
        person = people_actions.create_person(
            household=household,
            name=_name(ctx),
            doc_type=DocumentType.ID_CARD,
            doc_number=_id_number(ctx, 500 + i),
            phone=f"139{ctx.rng.randint(10_000_000, 99_999_999)}",
            note="演示数据",
            by=ctx.users.get("hq"),
        )
        created.append(person)
    return created


def _follow_up(
    record: KeyPerson, due: schedule.DueSlot, ctx: DemoContext, fever: bool, now: datetime
) -> None:
    # In the slot that is open now, not later than now.
    at = min(due.slot.opens_at(due.day) + timedelta(minutes=ctx.rng.randint(20, 150)), now)
    actions.record_followup(
        key_person=record,
        client_id=uuid.uuid5(NAMESPACE, f"{record.code}/{due.day}/{due.slot.number}"),
        slot=due.slot.number,
        method=ctx.rng.choice([FollowUp.Method.PHONE, FollowUp.Method.VISIT]),
        temperature=Decimal("37.9") if fever else Decimal(f"36.{ctx.rng.randint(2, 8)}"),
        symptoms=["cough"] if fever else [],
        note="咳嗽两天，已通知社区医生" if fever else "",
        by=record.responsible,
        now=at,
    )


def _not_reached(record: KeyPerson, due: schedule.DueSlot, ctx: DemoContext) -> None:
    at = due.slot.opens_at(due.day) + timedelta(minutes=ctx.rng.randint(20, 150))
    actions.record_attempt(
        key_person=record,
        client_id=uuid.uuid5(NAMESPACE, f"{record.code}/{due.day}/{due.slot.number}/attempt"),
        slot=due.slot.number,
        method=FollowUp.Method.PHONE,
        note="电话无人接听",
        by=record.responsible,
        now=at,
    )


def build(ctx: DemoContext) -> None:
    subdistrict = ctx.subdistrict
    if KeyPerson.objects.within(subdistrict).exists():
        ctx.log("重点人员：已存在，跳过")
        return
    communities = list(Area.objects.within(subdistrict).communities().order_by("pk"))
    if not communities:
        return
    WatchPolicy.objects.get_or_create(community=communities[0], defaults={"self_report": True})
    categories = list(Category.objects.filter(active=True))
    staff = ctx.users.get("staff_a")
    wanted = COUNTS.get(ctx.size_name, 24)
    now = timezone.now()
    today = schedule.local_day(now)
    records = []
    persons = _persons(ctx, communities, wanted)
    for i, person in enumerate(persons):
        category = categories[0] if i % 3 else categories[i % len(categories)]
        # Starts spread over the last 16 days: some just arrived, some due for release.
        start = today - timedelta(days=round(i * 16 / max(len(persons) - 1, 1)))
        if i == 2:
            # Near the demo grid worker, followed up in full, at its planned end today:
            # proposed on 待解除 to the community's staff, even in the tiny demo.
            start = min(start, today - timedelta(days=category.default_days))
        record = actions.register_key_person(
            person=person,
            category=category,
            source=KeyPerson.Source.POLICE if i % 4 else KeyPerson.Source.SCREENING,
            measure=KeyPerson.Measure.HOME if i % 5 else KeyPerson.Measure.MONITORING,
            start_date=start,
            origin=ctx.rng.choice(ORIGINS[:4] if category == categories[0] else ORIGINS),
            arrival_date=start,
            by=staff,
        )
        registered = min(schedule.day_start(start) + timedelta(hours=7), now)
        KeyPerson.objects.filter(pk=record.pk).update(created_at=registered)
        KeyPersonEvent.objects.filter(key_person=record).update(at=registered)
        record.refresh_from_db()
        records.append(record)
    slots = schedule.DEFAULT
    for i, record in enumerate(records):
        todo = []
        for due in schedule.due_slots(record, slots, first=record.start_date, last=today):
            if due.slot.opens_at(due.day) > now:
                continue
            if i % 7 == 3 and due.day >= today - timedelta(days=1):
                if due.deadline <= now:
                    _not_reached(record, due, ctx)  # missed, tried in vain: overdue
                continue  # 疑似失联: nobody reached since, the current slot still to do
            if due.deadline > now and ctx.rng.random() < 0.5:
                continue  # the current slot: still to do on the phone page
            todo.append(due)
        for n, due in enumerate(todo, start=1):
            _follow_up(record, due, ctx, fever=i == 1 and n == len(todo), now=now)  # the latest
    done = schedule.completeness(records, now=now)
    ready = [r for r in records if r.planned_end <= today and done[r.pk].clean]
    # The oldest is released today; the others stay proposed (待解除).
    actions.release_many(key_persons=ready[-1:] if len(ready) > 1 else [], by=staff)
    actions.record_overdue(now=now, since=now - timedelta(hours=24))
    _leads_and_tasks(ctx, communities[0], categories[0])
    ctx.log(f"重点人员：{len(records)} 人，随访 {FollowUp.objects.count()} 次")


def _leads_and_tasks(ctx: DemoContext, community: Area, category: Category) -> None:
    building = Area.objects.within(community).buildings().order_by("pk").first()
    if building is not None:
        person = (
            Person.objects.filter(area=building)
            .exclude(key_records__isnull=False)
            .order_by("pk")
            .first()
        )
        actions.create_lead(
            area=building,
            person=person,
            source=KeyPerson.Source.CHECKIN,
            detail="卡点扫码申报：14天内有湖北旅居史",
        )
    abroad = Category.objects.filter(name="境外返回").first() or category
    listed = [
        (
            "刘建国",
            DocumentType.ID_CARD,
            _id_number(ctx, 900),
            "湖北武汉",
            "西城花园3号楼（楼号待核）",
        ),
        (
            "何小梅",
            DocumentType.PASSPORT,
            f"E{ctx.rng.randint(10_000_000, 99_999_999)}",
            "意大利米兰",
            "租住，具体门牌不详",
        ),
    ]
    for name, doc_type, number, origin, address in listed:
        LocateTask.objects.get_or_create(
            community=community,
            doc_hash=pii.lookup_hash(number),
            status=LocateTask.Status.PENDING,
            defaults={
                "name": name,
                "doc_type": doc_type,
                "doc_enc": pii.encrypt(number),
                "doc_last4": number[-4:],
                "phone_enc": pii.encrypt(f"137{ctx.rng.randint(10_000_000, 99_999_999)}"),
                "arrival_date": timezone.localdate() - timedelta(days=1),
                "origin": origin,
                "address": address,
                "category": category if doc_type == DocumentType.ID_CARD else abroad,
                "measure": KeyPerson.Measure.HOME,
            },
        )
