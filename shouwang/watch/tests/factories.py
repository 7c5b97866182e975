"""Rows for the key-person tests: valid ID numbers, ledger persons, records."""

from __future__ import annotations

import io
import itertools
import uuid
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from shouwang.areas.models import Area
from shouwang.people.documents import check_char
from shouwang.people.models import Household, Person
from shouwang.watch import actions
from shouwang.watch.models import Alert, Category, KeyPerson, Lead, LocateTask

_serial = itertools.count(1)


def id_number(serial: int | None = None, *, born: str = "19900101") -> str:
    """A valid 居民身份证 number (check digit right), unique per call."""
    serial = next(_serial) if serial is None else serial
    first17 = f"420102{born}{serial % 1000:03d}"
    return first17 + check_char(first17)


def category(name: str = "湖北/武汉返回", days: int = 14) -> Category:
    found, _ = Category.objects.get_or_create(name=name, defaults={"default_days": days})
    return found


def person(
    building: Area, name: str = "张三", *, room: str | None = None, phone: str = "13912345678"
) -> Person:
    serial = next(_serial)
    household, _ = Household.objects.get_or_create(area=building, room=room or f"{serial}01")
    p = Person(area=building, household=household, relation=household.newcomer_relation())
    p.set_name(name)
    p.set_document("id_card", id_number(serial))
    p.set_phone(phone)
    p.save()
    return p


def key_person(
    building: Area,
    name: str = "张三",
    *,
    by=None,
    start: date | None = None,
    created_at: datetime | None = None,
    days: int = 14,
    **fields,
) -> KeyPerson:
    """A record under control; ``created_at`` backdates registration (tests of periods)."""
    from django.utils import timezone

    start = start or timezone.localdate()
    record = actions.register_key_person(
        person=person(building, name),
        category=fields.pop("category", None) or category(),
        source=fields.pop("source", KeyPerson.Source.POLICE),
        measure=fields.pop("measure", KeyPerson.Measure.HOME),
        start_date=start,
        planned_end=start + timedelta(days=days),
        by=by,
        **fields,
    )
    if created_at is not None:
        KeyPerson.objects.filter(pk=record.pk).update(created_at=created_at)
        record.refresh_from_db()
    return record


def alert(area: Area, **fields) -> Alert:
    return actions.raise_alert(
        area=area,
        kind=fields.pop("kind", Alert.Kind.FEVER),
        title=fields.pop("title", "测试预警"),
        **fields,
    )


def lead(area: Area, with_person: bool = True) -> Lead:
    return actions.create_lead(
        area=area,
        person=person(area, "李四") if with_person else None,
        source=KeyPerson.Source.CHECKIN,
        detail="扫码申报：14天内到过武汉",
    )


def locate_task(community: Area, name: str = "王五", number: str = "") -> LocateTask:
    from shouwang.core import pii

    number = number or id_number()
    return LocateTask.objects.create(
        community=community,
        name=name,
        doc_enc=pii.encrypt(number),
        doc_hash=pii.lookup_hash(number),
        doc_last4=number[-4:],
        category=category(),
        measure=KeyPerson.Measure.HOME,
        address="八一新苑1号楼",
    )


def register_form(person: Person, start: date, **fields) -> dict:
    """The key-person registration form (``watch:create``) for ``person`` found by
    document number, screened and observed at home from ``start``."""
    return {
        "category": category().pk,
        "source": "screening",
        "measure": "home",
        "start_date": start.isoformat(),
        "document": person.document_number,
        **fields,
    }


def intake_row(**cells: object) -> list[object]:
    """A police-list row in the template's column order (``intake.HEADERS``), arrived
    two days ago; ``cells`` by header (姓名=…, 社区=…) over it."""
    from django.utils import timezone

    from shouwang.watch.intake import HEADERS

    arrived = timezone.localdate() - timedelta(days=2)
    row = ["陈一", id_number(), "13700000001", arrived, "湖北武汉", "西城花园1号楼", "", ""]
    return [cells.get(header, cell) for header, cell in zip(HEADERS, row, strict=True)]


def intake_sheet(rows, headers, name: str = "名单.xlsx") -> SimpleUploadedFile:
    """An uploaded list (.xlsx): ``headers`` then ``rows``."""
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def backfill(client, record: KeyPerson, day: date, **fields):
    """补录 of the 下午 slot of ``day`` at 19:40 by door visit, through the page."""
    data = {
        "client_id": str(uuid.uuid4()),
        "slot_day": day.isoformat(),
        "slot": "2",
        "method": "visit",
        "done_at": "19:40",
        **fields,
    }
    return client.post(reverse("watch:backfill", args=[record.pk]), data, HTTP_HX_REQUEST="true")


def tap(
    client,
    record: KeyPerson,
    query: str = "",
    *,
    view: str = "watch:followup",
    htmx: bool = True,
    **fields,
):
    """A tap on ``record``'s card on 今日随访: a follow-up (``view="watch:attempt"``: 未联系上)
    of slot 1 by phone unless ``fields`` say otherwise, with a fresh client id; ``query``
    is the page's filter (``?all=1``); ``htmx`` False posts the plain form."""
    data = {"client_id": str(uuid.uuid4()), "slot": "1", "method": "phone", **fields}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse(view, args=[record.pk]) + query, data, **headers)
