"""Export of the (filtered) ledger to xlsx: masked by default; unmasked only through
the view that requires ``people.export_unmasked`` and a purpose. Both are audited, and
every text cell is neutralised by the sheet writer (no formulas from user data).

Up to ``SYNC_ROWS`` persons the file is built inside the request (one click); above,
``actions.start_export`` records an ``ExportJob`` and the task worker runs ``run``,
writing the file under ``VAR_DIR/exports`` for the requesting user alone to download
until it expires (``export_retention``).

Rows are read as tuples, never as model instances: the areas, tags and choice labels
are looked up in dicts built once per chunk of persons.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.core import pii
from shouwang.core.jobs import Ticker, fewer_collections, save_progress
from shouwang.core.xlsx import workbook_bytes, write_workbook, xlsx_response

from .documents import DocumentType, age_on
from .forms import SearchForm
from .models import ExportJob, Household, Person, PersonQuerySet, Tag

# The import template's columns first, so an unmasked export can be re-imported.
HEADERS = [
    "姓名",
    "证件类型",
    "证件号码",
    "手机号",
    "小区",
    "楼栋",
    "单元",
    "房号",
    "与户主关系",
    "居住类型",
    "房屋类型",
    "标签",
    "党员",
    "备注",
    "性别",
    "出生日期",
    "年龄",
    "状态",
]
WIDTHS = [10, 14, 22, 14, 14, 8, 6, 8, 10, 8, 8, 20, 6, 20, 6, 12, 6, 8]
# Built inside the request up to this many persons, about 2 s on a 2-core machine
# loaded 5–6 (measured through the page: 5,040 persons in 1.05–1.25 s; the rows and
# the writer alone ~7,500 persons/s, bench/ledger_export.py); larger exports go to
# the task worker.
SYNC_ROWS = 10_000
# One worksheet holds 1,048,576 rows, the header included.
MAX_ROWS = 1_048_575
CHUNK = 2000
FIELDS = (
    "pk",
    "name",
    "doc_type",
    "doc_enc",
    "phone_enc",
    "area_id",
    "household__area_id",
    "household__unit",
    "household__room",
    "household__housing_type",
    "relation",
    "residence_type",
    "party_member",
    "notes",
    "sex",
    "birth_date",
    "moved_out",
)


def too_many(count: int) -> str:
    """The message for a ledger larger than one worksheet holds."""
    return f"共 {count} 人，超过Excel单个工作表的上限 {MAX_ROWS} 行，请按社区或小区筛选后分别导出"


class Places:
    """Area id → (compound, building) as the sheet shows them, fetched as needed."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[str, str]] = {}

    def add(self, ids: Iterable[int]) -> None:
        missing = set(ids) - self.known.keys()
        if not missing:
            return
        rows = Area.objects.filter(pk__in=missing).values_list("pk", "kind", "name", "parent__name")
        for pk, kind, name, parent in rows:
            if kind == Area.Kind.BUILDING:
                self.known[pk] = (parent or name, name)
            else:
                self.known[pk] = (name, "")


def _chunks(qs: PersonQuerySet) -> Iterator[list[tuple[Any, ...]]]:
    """``qs``'s rows (``FIELDS``) in its order, ``CHUNK`` at a time, each chunk read by
    a query of its own. One statement streamed over the whole export would keep its read
    open while the sheet is written: on SQLite that read pins a snapshot, and once anyone
    else has saved a change the export's own progress saves fail ("database is locked"),
    leaving the job 生成中 for ever."""
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        read = Person.objects.filter(pk__in=part).values_list(*FIELDS)
        found = {r[0]: r for r in read}
        yield [found[pk] for pk in part if pk in found]  # a person deleted since: left out


def rows(qs: PersonQuerySet, *, unmasked: bool) -> Iterator[list[Any]]:
    """The sheet's rows for ``qs`` in its order. ID numbers and phones are decrypted
    for the export's own use: masked (``410105********1234``) unless ``unmasked``, as
    are those written in the notes. A masked sheet leaves 出生日期 empty (年龄 stays):
    the eight digits a masked ID hides are the birth date, so the two together would
    give the whole number."""
    today = timezone.localdate()
    doc_types = dict(DocumentType.choices)
    relations = dict(Person.Relation.choices)
    residences = dict(Person.ResidenceType.choices)
    housing = dict(Household.HousingType.choices)
    sexes = dict(Person.Sex.choices)
    tag_names = dict(Tag.objects.values_list("pk", "name"))
    tag_rank = {pk: rank for rank, pk in enumerate(tag_names)}
    person_tags = Person.tags.through.objects
    places = Places()
    decrypt = pii.decrypt
    # A masked sheet masks the numbers written in the notes too ("女儿电话139****5678").
    show_notes = (lambda text: text) if unmasked else pii.mask_in_text
    if unmasked:
        show_doc = show_phone = decrypt
    else:

        def show_doc(token: str) -> str:
            return pii.mask_id(decrypt(token))

        def show_phone(token: str) -> str:
            return pii.mask_phone(decrypt(token))

    for chunk in _chunks(qs):
        places.add(r[6] or r[5] for r in chunk)
        tags: dict[int, list[int]] = {}
        pairs = person_tags.filter(person_id__in=[r[0] for r in chunk])
        for person_id, tag_id in pairs.values_list("person_id", "tag_id"):
            tags.setdefault(person_id, []).append(tag_id)
        for (
            pk,
            name,
            doc_type,
            doc_enc,
            phone_enc,
            area_id,
            home_area_id,
            unit,
            room,
            housing_type,
            relation,
            residence_type,
            party_member,
            notes,
            sex,
            birth_date,
            moved_out,
        ) in chunk:
            compound, building = places.known[home_area_id or area_id]
            tagged = tags.get(pk)
            yield [
                name,
                doc_types.get(doc_type, doc_type) if doc_enc else "",
                show_doc(doc_enc) if doc_enc else "",
                show_phone(phone_enc) if phone_enc else "",
                compound,
                building,
                unit or "",
                room or "",
                relations.get(relation, relation),
                residences.get(residence_type, residence_type),
                housing.get(housing_type, "") if housing_type else "",
                "、".join(tag_names[t] for t in sorted(tagged, key=tag_rank.__getitem__))
                if tagged
                else "",
                "是" if party_member else "否",
                show_notes(notes),
                sexes.get(sex, sex),
                birth_date if unmasked else None,
                age_on(birth_date, today),
                "已迁出" if moved_out else "在册",
            ]


def audit_detail(*, unmasked: bool, count: int, filters: str, purpose: str) -> str:
    detail = f"导出人员台账（{'未脱敏' if unmasked else '脱敏'}）{count} 人；筛选：{filters}"
    return detail + f"；用途：{purpose}" if purpose else detail


def export_response(
    qs: PersonQuerySet,
    *,
    request: HttpRequest,
    count: int,
    filters: str,
    unmasked: bool,
    purpose: str = "",
) -> HttpResponse:
    """A small export, built and sent inside the request."""
    detail = audit_detail(unmasked=unmasked, count=count, filters=filters, purpose=purpose)
    audit.record(action=AuditEvent.Action.EXPORT, request=request, detail=detail)
    with fewer_collections():
        content = workbook_bytes(
            HEADERS, rows(qs, unmasked=unmasked), title="人员台账", widths=WIDTHS
        )
    kind = "未脱敏" if unmasked else "脱敏"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"人员台账-{kind}-{stamp}.xlsx", content)


# Background exports -------------------------------------------------------------------


def exports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def encrypt_filters(data: dict[str, str]) -> str:
    """The search form's data, encrypted: a search may be a full ID or phone number."""
    return pii.encrypt(json.dumps(data, ensure_ascii=False))


def ledger_for(job: ExportJob) -> PersonQuerySet:
    """The persons ``job`` exports, filtered as the requesting user filtered them and
    scoped to what that user may see now."""
    user = job.created_by
    data = json.loads(pii.decrypt(job.filters_enc) or "{}")
    form = SearchForm(data or None, areas=Area.objects.visible_to(user))
    return form.apply(Person.objects.visible_to(user))


def _progress(job: ExportJob, source: Iterator[list[Any]]) -> Iterator[list[Any]]:
    ticker = Ticker()
    for written, row in enumerate(source, start=1):
        yield row
        if written % 500 == 0 and ticker.due():
            save_progress(job, written_rows=written)


def export_retention() -> timedelta:
    """How long a background export's file is kept (``PEOPLE_EXPORT_RETENTION_HOURS``,
    from ``SHOUWANG_PEOPLE_EXPORT_RETENTION_HOURS``, default 24)."""
    return timedelta(hours=settings.PEOPLE_EXPORT_RETENTION_HOURS)


def run(job: ExportJob) -> None:
    """Write ``job``'s file. It appears under its final name only when complete; a
    failure leaves none."""
    if job.status != ExportJob.Status.QUEUED:
        return
    user = job.created_by
    capability = "people.export_unmasked" if job.unmasked else "people.view"
    if user is None or not user.can(capability):
        save_progress(
            job,
            status=ExportJob.Status.FAILED,
            message="导出人已无导出权限，未生成文件",
            finished_at=timezone.now(),
        )
        return
    qs = ledger_for(job)
    save_progress(job, status=ExportJob.Status.WRITING, total_rows=qs.count())
    path = exports_dir() / f"{secrets.token_urlsafe(16)}.xlsx"
    partial = path.with_suffix(".part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, fewer_collections():
            written = write_workbook(
                out,
                HEADERS,
                _progress(job, rows(qs, unmasked=job.unmasked)),
                title="人员台账",
                widths=WIDTHS,
            )
        partial.rename(path)
    except Exception:
        partial.unlink(missing_ok=True)
        save_progress(
            job,
            status=ExportJob.Status.FAILED,
            message="生成文件时出错，请稍后重新导出",
            finished_at=timezone.now(),
        )
        raise
    now = timezone.now()
    save_progress(
        job,
        status=ExportJob.Status.DONE,
        written_rows=written,
        total_rows=written,
        file_path=str(path),
        file_size=path.stat().st_size,
        finished_at=now,
        expires_at=now + export_retention(),
    )
