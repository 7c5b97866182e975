"""Demo ledger: households in every demo building, with families of realistic names,
valid ID numbers (region codes of Zhengzhou and of where migrants come from, birth
dates that fit each family member, correct check digits), phones and tags.

``--size seed001`` registers exactly seed 001's 56,149 households and 161,771
residents (the size's ``ledger_households`` and ``ledger_persons``, spread over the
buildings); other sizes put ``households`` households in each building. Each
building's rows come from a random generator seeded by the building, so a second run
finds every household present and adds nothing. ``plan_building`` is also what the
import benchmark writes into its spreadsheet.

The rows are registered ``REGISTERED_DAYS_AGO`` days back (their ``created_at``): the
daily report counts the ledger as it stood at each day's cutoff, so a ledger made
just now would leave every closed day of the demo at 0 households.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core import pii
from shouwang.core.demo import DemoContext

from .bulk import BulkInsert, insert_pairs
from .documents import DocumentType, compose_id_card
from .models import Household, Person, Tag, name_initials

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常牛葛申耿樊岳齐靳"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛"]
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国志海峰东亮成新"
MALE_CHARS += "庆春博文豪晨阳子轩浩然"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲桂兰红梅琳燕萍洁婷雪慧莉颖倩佳悦欣怡思雨梓涵可馨嘉琪晓月露瑶"
# Where residents' IDs were issued: mostly Zhengzhou districts, then Henan, then beyond.
LOCAL_REGIONS = ["410105", "410105", "410105", "410102", "410103", "410104", "410108", "410122"]
HENAN_REGIONS = ["411402", "411302", "410702", "410502", "411102", "411602", "411702", "410302"]
OTHER_REGIONS = ["420102", "420106", "340104", "130102", "370102", "610103", "510104", "320106"]
PHONE_PREFIXES = ["138", "139", "136", "135", "137", "150", "151", "152", "158", "159", "182"]
PHONE_PREFIXES += ["183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133"]
PHONE_PREFIXES += ["153", "177", "180", "181", "189", "199", "166", "176", "173", "191"]
BATCH = 5000
# The ledger was drawn up at the start of the campaign (村不漏户), before the other
# demos' days: key persons from 16 days back, a week of daily reports.
REGISTERED_DAYS_AGO = 20


def _weighted_surname(rng: random.Random) -> str:
    if rng.random() < 0.004:
        return rng.choice(COMPOUND_SURNAMES)
    # Common surnames are much more common: a rough Zipf over the list.
    i = min(int(rng.paretovariate(1.1)) - 1, len(SURNAMES) - 1)
    return SURNAMES[i] if rng.random() < 0.7 else rng.choice(SURNAMES)


def _surname_of(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def _given_name(rng: random.Random, sex: str) -> str:
    chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
    if rng.random() < 0.25:
        return rng.choice(chars)
    return rng.choice(chars) + rng.choice(chars)


@dataclass
class Member:
    name: str
    sex: str
    born: date
    relation: str
    region: str
    has_phone: bool


@dataclass
class Family:
    residence_type: str
    members: list[Member] = field(default_factory=list)


def _birth(rng: random.Random, today: date, age: int) -> date:
    age = max(0, min(age, 99))
    return today - timedelta(days=age * 365 + rng.randint(0, 364))


def _family(rng: random.Random, size: int, today: date) -> Family:
    """One household of ``size`` persons: a head, maybe a spouse, children, a parent."""
    residence = rng.choices(
        [
            Person.ResidenceType.PERMANENT,
            Person.ResidenceType.TEMPORARY,
            Person.ResidenceType.FLOATING,
        ],
        weights=[80, 14, 6],
    )[0]
    if residence == Person.ResidenceType.PERMANENT:
        region = rng.choice(LOCAL_REGIONS if rng.random() < 0.8 else HENAN_REGIONS)
    else:
        region = rng.choice(HENAN_REGIONS if rng.random() < 0.7 else OTHER_REGIONS)
    family = Family(residence_type=residence)
    head_sex = "M" if rng.random() < 0.72 else "F"
    surname = _weighted_surname(rng)
    head_age = (
        rng.randint(24, 86) if size > 1 else rng.choice([rng.randint(22, 40), rng.randint(62, 92)])
    )
    family.members.append(
        Member(
            surname + _given_name(rng, head_sex),
            head_sex,
            _birth(rng, today, head_age),
            "head",
            region,
            True,
        )
    )
    remaining = size - 1
    if remaining and head_age >= 24:
        spouse_sex = "F" if head_sex == "M" else "M"
        spouse_age = head_age + rng.randint(-5, 4)
        family.members.append(
            Member(
                _weighted_surname(rng) + _given_name(rng, spouse_sex),
                spouse_sex,
                _birth(rng, today, spouse_age),
                "spouse",
                region if rng.random() < 0.7 else rng.choice(LOCAL_REGIONS + HENAN_REGIONS),
                spouse_age < 85,
            )
        )
        remaining -= 1
    # Children usually carry the father's surname.
    father = next((m for m in family.members if m.sex == "M"), None)
    child_surname = _surname_of(father.name) if father else surname
    if remaining and head_age > 62 and rng.random() < 0.5:
        # Grown child living with old parents, maybe with a grandchild.
        age = head_age - rng.randint(24, 34)
        sex = rng.choice("MF")
        family.members.append(
            Member(
                child_surname + _given_name(rng, sex),
                sex,
                _birth(rng, today, age),
                "child",
                region,
                True,
            )
        )
        remaining -= 1
        while remaining:
            sex = rng.choice("MF")
            age = max(0, age - rng.randint(22, 32))
            family.members.append(
                Member(
                    child_surname + _given_name(rng, sex),
                    sex,
                    _birth(rng, today, age),
                    "grandchild",
                    region,
                    age >= 14,
                )
            )
            remaining -= 1
        return family
    if remaining and head_age < 60 and rng.random() < 0.25:
        age = head_age + rng.randint(24, 32)
        sex = rng.choice("MF")
        family.members.append(
            Member(
                _weighted_surname(rng) + _given_name(rng, sex),
                sex,
                _birth(rng, today, age),
                "parent",
                region,
                age < 80,
            )
        )
        remaining -= 1
    while remaining:
        sex = rng.choice("MF")
        age = max(0, head_age - rng.randint(22, 38))
        family.members.append(
            Member(
                child_surname + _given_name(rng, sex),
                sex,
                _birth(rng, today, age),
                "child",
                region,
                age >= 14,
            )
        )
        remaining -= 1
    return family


def _doors(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(unit, room) for ``count`` households: units of up to 18 floors, 2–4 doors a floor."""
    per_floor = rng.choice([2, 2, 3, 4])
    units = max(1, -(-count // (per_floor * 18)))
    floors = -(-count // (per_floor * units))
    doors = [
        (str(u), f"{floor}{door:02d}")
        for u in range(1, units + 1)
        for floor in range(1, floors + 1)
        for door in range(1, per_floor + 1)
    ]
    return doors[:count]


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


VACANT, UNVISITED = 0, -1


def _sizes(rng: random.Random, households: int, persons: int) -> list[int]:
    """Persons per household summing exactly to ``persons``; ``VACANT`` (empty flat) and
    ``UNVISITED`` (lived in, nobody registered yet: a gap for the grid worker)."""
    sizes = rng.choices([1, 2, 3, 4, 5, 6], weights=[16, 27, 28, 18, 8, 3], k=households)
    occupied = []
    for i in range(households):
        roll = rng.random()
        if roll < 0.03:
            sizes[i] = VACANT
        elif roll < 0.035:
            sizes[i] = UNVISITED
        else:
            occupied.append(i)
    while len(occupied) > persons:  # tiny sizes: fewer people than flats
        sizes[occupied.pop()] = VACANT
    if not occupied and persons:
        occupied = [0]
    for i in occupied:
        sizes[i] = max(1, sizes[i])
    cap = max(8, -(-persons // max(1, len(occupied))))
    diff = persons - sum(sizes[i] for i in occupied)
    while diff:
        i = rng.choice(occupied)
        if diff > 0 and sizes[i] < cap:
            sizes[i] += 1
            diff -= 1
        elif diff < 0 and sizes[i] > 1:
            sizes[i] -= 1
            diff += 1
    return sizes


@dataclass
class Resident:
    """One person as a community would enter them."""

    name: str
    sex: str
    born: date
    relation: str
    residence_type: str
    id_number: str  # "" for the few still without a document
    phone: str
    party_member: bool
    tags: list[str]


@dataclass
class PlannedHousehold:
    unit: str
    room: str
    housing_type: str
    residents: list[Resident]


def _tags(member: Member, alone: bool, today: date, rng: random.Random) -> list[str]:
    age = (today - member.born).days // 365
    chosen = []
    if alone and age >= 70:
        chosen.append("独居老人")
    if age <= 3:
        chosen.append("婴幼儿")
    if member.sex == "F" and 22 <= age <= 38 and rng.random() < 0.03:
        chosen.append("孕产妇")
    if age >= 60 and rng.random() < 0.3:
        chosen.append("慢性病")
    if rng.random() < 0.015:
        chosen.append("残疾人")
    if rng.random() < 0.02:
        chosen.append("低保")
    return chosen


def _id_number(member: Member, rng: random.Random, used: set[str]) -> str:
    """A valid ID for ``member`` whose keyed hash is not in ``used`` (then added)."""
    while True:
        sequence = rng.randrange(0, 500) * 2 + (1 if member.sex == "M" else 0)
        number = compose_id_card(member.region, member.born, sequence)
        digest = pii.lookup_hash(number)
        if digest not in used:
            used.add(digest)
            return number


def plan_building(
    key: str, households: int, persons: int, *, today: date, used: set[str]
) -> list[PlannedHousehold]:
    """The households of one building, the same every time for the same ``key``."""
    rng = random.Random(f"shouwang-demo-{key}")
    doors = _doors(households, rng)
    sizes = _sizes(rng, households, persons)
    planned = []
    for (unit, room), size in zip(doors, sizes, strict=True):
        if size == VACANT:
            planned.append(PlannedHousehold(unit, room, Household.HousingType.VACANT, []))
            continue
        housing = rng.choices(
            [Household.HousingType.OWNED, Household.HousingType.RENTED, Household.HousingType.SHOP],
            weights=[78, 19, 3],
        )[0]
        home = PlannedHousehold(unit, room, housing, [])
        planned.append(home)
        if size == UNVISITED:
            continue
        family = _family(rng, size, today)
        if housing == Household.HousingType.RENTED:
            family.residence_type = Person.ResidenceType.TEMPORARY
        alone = len(family.members) == 1
        for m in family.members:
            home.residents.append(
                Resident(
                    name=m.name,
                    sex=m.sex,
                    born=m.born,
                    relation=m.relation,
                    residence_type=family.residence_type,
                    # A few without a document: gaps for the grid worker.
                    id_number=_id_number(m, rng, used) if rng.random() > 0.004 else "",
                    phone=rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
                    if m.has_phone
                    else "",
                    party_member=m.born.year < 2002 and rng.random() < 0.07,
                    tags=_tags(m, alone, today, rng),
                )
            )
    return planned


def building_targets(size: dict[str, int], buildings: int) -> list[tuple[int, int]]:
    """(households, persons) for each of ``buildings`` buildings."""
    if "ledger_households" in size:
        households = _split(size["ledger_households"], buildings)
        persons = _split(size["ledger_persons"], buildings)
        return list(zip(households, persons, strict=True))
    per_building = size.get("households", 8)
    return [(per_building, round(per_building * 2.88))] * buildings


def registration_time(now: datetime) -> datetime:
    """When the demo ledger counts as registered: 09:00 local, ``REGISTERED_DAYS_AGO``
    days before ``now``."""
    day = timezone.localdate(now) - timedelta(days=REGISTERED_DAYS_AGO)
    return datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone())


class Writer:
    """Collects persons of many households, then writes them with multi-row INSERTs
    (``registered`` as their creation time)."""

    def __init__(self, registered: datetime) -> None:
        self.tags = {t.name: t.pk for t in Tag.objects.all()}
        self.insert = BulkInsert(Person, now=registered)
        self.persons: list[dict] = []
        self.person_tags: list[list[str]] = []

    def add(self, household: Household, resident: Resident) -> None:
        person = {
            "area_id": household.area_id,
            "household_id": household.pk,
            "name": resident.name,
            "name_initials": name_initials(resident.name),
            "birth_date": resident.born,
            "sex": resident.sex,
            "relation": resident.relation,
            "residence_type": resident.residence_type,
            "party_member": resident.party_member,
            "doc_type": DocumentType.ID_CARD,
        }
        if resident.id_number:
            person["doc_enc"] = pii.encrypt(resident.id_number)
            person["doc_hash"] = pii.lookup_hash(resident.id_number)
            person["doc_tail"] = pii.tail_hash(resident.id_number)
        if resident.phone:
            person["phone_enc"] = pii.encrypt(resident.phone)
            person["phone_hash"] = pii.lookup_hash(resident.phone)
            person["phone_last4"] = resident.phone[-4:]
        self.persons.append(person)
        self.person_tags.append(resident.tags)

    def flush(self) -> int:
        ids = self.insert.insert(self.persons)
        insert_pairs(
            Person.tags.through,
            (
                (pk, self.tags[name])
                for pk, names in zip(ids, self.person_tags, strict=True)
                for name in names
                if name in self.tags
            ),
            ("person_id", "tag_id"),
        )
        written = len(self.persons)
        self.persons, self.person_tags = [], []
        return written


def build(ctx: DemoContext) -> None:
    if ctx.subdistrict is None:
        return
    buildings = list(Area.objects.within(ctx.subdistrict).buildings().order_by("path"))
    if not buildings:
        return
    today = date.today()  # noqa: DTZ011 - a calendar date for ages
    used = set(Person.objects.exclude(doc_hash="").values_list("doc_hash", flat=True))
    existing = set(Household.objects.within(ctx.subdistrict).values_list("area_id", "unit", "room"))
    registered = registration_time(timezone.now())
    writer = Writer(registered)
    new_households = new_persons = 0
    targets = building_targets(ctx.size, len(buildings))
    for building, (household_count, person_count) in zip(buildings, targets, strict=True):
        planned = plan_building(
            building.path, household_count, person_count, today=today, used=used
        )
        wanted = [h for h in planned if (building.pk, h.unit, h.room) not in existing]
        if not wanted:
            continue
        homes = [
            Household(area=building, unit=h.unit, room=h.room, housing_type=h.housing_type)
            for h in wanted
        ]
        Household.objects.bulk_create(homes)
        Household.objects.filter(pk__in=[home.pk for home in homes]).update(
            created_at=registered, updated_at=registered
        )
        new_households += len(homes)
        for home, plan in zip(homes, wanted, strict=True):
            for resident in plan.residents:
                writer.add(home, resident)
        if len(writer.persons) >= BATCH:
            new_persons += writer.flush()
    new_persons += writer.flush()
    households = Household.objects.within(ctx.subdistrict).count()
    persons = Person.objects.within(ctx.subdistrict).current().count()
    ctx.log(
        f"人员台账：{households} 户，{persons} 人（本次新增 {new_households} 户、{new_persons} 人）"
    )
