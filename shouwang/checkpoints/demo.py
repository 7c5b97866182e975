"""Demo checkpoints: a gate per compound and a road checkpoint per community (seed 001
ran 85 checkpoints), two guards per community on its posts (the printed demo guard is
community 0's first; the others have no password), rules, and a week of passages
recorded by the guard of the shift. Idempotent: existing checkpoints and their
passages are left alone."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from shouwang.accounts.models import User
from shouwang.accounts.roles import Role
from shouwang.areas.models import Area
from shouwang.core.demo import DemoContext
from shouwang.people.demo import registration_time
from shouwang.people.models import Person
from shouwang.watch.models import Alert

from . import partitions
from .actions.checkins import record_side_effects
from .models import FEVER_THRESHOLD, CheckIn, Checkpoint, PassRule
from .rules import RED, Verdict

DAYS = 7
PER_DAY = {"tiny": 8, "small": 15}
NAMESPACE = uuid.UUID("7f1d3c7e-5a3b-4f00-9d55-2020a0000001")
ROADS = ["中州大道", "农业路", "金水路", "东风路", "商都路", "郑汴路", "黄河路", "七里河路"]
# Guards of the day shift (06:00–14:00) and the late shift, two per community: a post's
# staff rows are recorded by the guard on duty, so 值守人员 counts more than one.
SURNAMES = "吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严"
SHIFT_CHANGE = time(14)


def _checkpoint(area: Area, name: str, **fields) -> tuple[Checkpoint, bool]:
    return Checkpoint.objects.get_or_create(area=area, name=name, defaults=fields)


def _guards(ctx: DemoContext, c: int, community: Area) -> list[User]:
    """The community's two guards: the printed demo login is community 0's first."""
    guards = []
    for shift in range(2):
        if c == 0 and shift == 0 and ctx.users.get("guard") is not None:
            guards.append(ctx.users["guard"])
            continue
        surname = SURNAMES[(2 * c + shift) % len(SURNAMES)]
        user, new = User.objects.get_or_create(
            username=f"guard_{c + 1:02d}_{shift + 1}",
            defaults={
                "full_name": f"{surname}值守",
                "role": Role.CHECKPOINT_STAFF,
                "area": community,
            },
        )
        if new:  # not a demo login: no password is printed or usable
            user.set_unusable_password()
            user.save(update_fields=["password"])
        guards.append(user)
    return guards


def build(ctx: DemoContext) -> None:
    communities = list(Area.objects.within(ctx.subdistrict).communities().order_by("pk"))
    created: list[Checkpoint] = []
    for c, community in enumerate(communities):
        guards = _guards(ctx, c, community)
        road, new = _checkpoint(
            community,
            f"{ROADS[c % len(ROADS)]}卡口",
            kind=Checkpoint.Kind.ROAD,
            directions=Checkpoint.Directions.BOTH,
        )
        if new:
            created.append(road)
        for k, compound in enumerate(community.children.order_by("pk")):
            hours = {} if k % 3 else {"opens_at": time(6), "closes_at": time(23)}
            gate, new = _checkpoint(compound, f"{compound.name}东门", **hours)
            if new:
                created.append(gate)
            gate.staff.add(*guards)
        road.staff.add(*guards)
    if communities:
        PassRule.objects.get_or_create(
            area=communities[0], defaults={"visitors": PassRule.Visitors.REGISTERED}
        )
        first_compound = communities[0].children.order_by("pk").first()
        if first_compound is not None:
            PassRule.objects.get_or_create(area=first_compound, defaults={"outing_quota": 1})
    # Set up before the week of passages, as the ledger was: a closed day counts the
    # checkpoints that existed at its end.
    since = registration_time(timezone.now())
    Checkpoint.objects.filter(pk__in=[c.pk for c in created]).update(created_at=since)
    _passages(ctx, created)
    ctx.log(f"卡点：{Checkpoint.objects.within(ctx.subdistrict).count()} 个")


def _passages(ctx: DemoContext, checkpoints: list[Checkpoint]) -> None:
    rng = ctx.rng
    per_day = PER_DAY.get(ctx.size_name, 30)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for cp in checkpoints:
        people = list(Person.objects.within(cp.area).values_list("pk", flat=True)[:50])
        shifts = list(cp.staff.order_by("username"))
        for d in range(DAYS):
            day = today - timedelta(days=d)
            for i in range(per_day):
                at = datetime.combine(day, time(6), tzinfo=tz) + timedelta(
                    minutes=rng.randrange(16 * 60)
                )
                if at > now:
                    continue
                vehicle = cp.kind == Checkpoint.Kind.ROAD and rng.random() < 0.6
                back = rng.random() < 0.08
                # At least one a week: the dashboard and the report show a fever.
                fever = rng.random() < 0.004 or (cp == checkpoints[0] and d == 2 and i == 0)
                declared = not vehicle and not back and d == 0 and rng.random() < 0.3
                temperature = (
                    Decimal("37.8")
                    if fever
                    else Decimal(f"36.{rng.randint(1, 8)}")
                    if rng.random() < 0.6
                    else None
                )
                rows.append(
                    CheckIn(
                        client_id=uuid.uuid5(NAMESPACE, f"{cp.code}:{day}:{i}"),
                        checkpoint=cp,
                        area_id=cp.area_id,
                        at=at,
                        direction=rng.choice(["in", "out"]),
                        subject="v" if vehicle else "p",
                        source="self" if declared else "staff",
                        status="turned_back" if back else "declared" if declared else "confirmed",
                        result="r" if back or fever else "g",
                        person_id=rng.choice(people) if people and not vehicle else None,
                        temperature=temperature,
                        plate=f"豫A{rng.randint(10000, 99999)}" if vehicle else "",
                        occupants=rng.randint(1, 4) if vehicle else None,
                        note="劝返：非必要出行" if back else "",
                        recorded_by=_on_duty(shifts, at.astimezone(tz).time())
                        if not declared
                        else None,
                        confirmed_at=None if declared or back else at,
                    )
                )
    CheckIn.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    partitions.maintain()  # past days' rows landed in the DEFAULT partition (PostgreSQL)
    # A fever measured at a post alerts its community (发现发热人员), as at the console.
    fevers = CheckIn.objects.filter(checkpoint__in=checkpoints, temperature__gte=FEVER_THRESHOLD)
    for row in fevers.select_related("checkpoint", "person"):
        record_side_effects(row, Verdict(result=RED, alerts=[Alert.Kind.FEVER]), None, None)


def _on_duty(shifts: list[User], at: time) -> User | None:
    if not shifts:
        return None
    return shifts[min(len(shifts) - 1, 0 if at < SHIFT_CHANGE else 1)]
