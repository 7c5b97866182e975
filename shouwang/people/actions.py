"""Workflows on the resident ledger: create and edit households and persons with a
history entry each time, optimistic locking on ``version``, moving out (never
deleting), and the audited reveal of one personal-data value."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.core import pii, uploads

from . import exporting, tasks
from .documents import (
    MOVED_OUT_ELSEWHERE,
    NAME_DIFFERS_MESSAGE,
    DocumentError,
    active_elsewhere,
)
from .models import Change, ExportJob, Household, ImportJob, Person, Tag, clean_name

IMPORT_PURPOSE = "people.import"

HOUSEHOLD_FIELDS = ["unit", "room", "housing_type", "landlord_name", "notes"]
PERSON_FIELDS = ["relation", "residence_type", "party_member", "notes"]


class ConflictError(Exception):
    """Someone saved the same row since it was loaded; the message says so in Chinese."""


def _display(obj: models.Model, name: str) -> str:
    value = getattr(obj, name)
    field = obj._meta.get_field(name)
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _household_snapshot(household: Household) -> dict[str, str]:
    shown = {_label(Household, n): _display(household, n) for n in HOUSEHOLD_FIELDS}
    shown["房东电话"] = household.landlord_phone_masked
    return shown


def _person_snapshot(person: Person, tags: Iterable[Tag] | None = None) -> dict[str, str]:
    shown = {
        "姓名": person.name,
        "证件类型": person.get_doc_type_display(),
        "证件号码": person.document_masked,
        "手机号": person.phone_masked,
        "户": person.household.address if person.household_id else "",
    }
    shown |= {_label(Person, n): _display(person, n) for n in PERSON_FIELDS}
    if tags is not None:
        shown["标签"] = "、".join(t.name for t in tags)
    return shown


def diff(before: dict[str, str], after: dict[str, str]) -> list[list[str]]:
    return [
        [label, before.get(label, ""), value]
        for label, value in after.items()
        if before.get(label, "") != value
    ]


def _record(
    *,
    action: str,
    by: Any,
    area_id: int,
    household: Household | None = None,
    person: Person | None = None,
    changes: list[list[str]] | None = None,
) -> Change:
    return Change.objects.create(
        action=action,
        area_id=area_id,
        household=household,
        person=person,
        by=by,
        by_name=str(by) if by is not None else "",
        changes=changes or [],
    )


def conflict_message(obj: Household | Person) -> str:
    last = Change.objects.filter(**{obj._meta.model_name: obj}).order_by("-at", "-id").first()
    who = f"{last.by_name or '他人'}于{timezone.localtime(last.at):%m-%d %H:%M}" if last else "他人"
    return (
        f"保存失败：这条记录刚被{who}修改过。为避免覆盖对方的修改，本次未保存；"
        "请刷新页面查看最新内容后重新修改。"
    )


def _locked_update(obj: Household | Person, version: int, names: list[str]) -> None:
    """Write ``names`` only if the row still has ``version``; else ConflictError."""
    model = type(obj)
    now = timezone.now()
    values = {n: getattr(obj, n) for n in names}
    updated = model.objects.filter(pk=obj.pk, version=version).update(
        **values, version=version + 1, updated_at=now
    )
    if not updated:
        raise ConflictError(conflict_message(obj))
    obj.version, obj.updated_at = version + 1, now


# Households ---------------------------------------------------------------------------


def _check_household_area(area: Area) -> None:
    if area.kind not in (Area.Kind.BUILDING, Area.Kind.COMPOUND):
        raise ValidationError("户只能登记在楼栋或小区（平房、村民组）下")


@transaction.atomic
def create_household(
    *, area: Area, fields: dict[str, Any], landlord_phone: str = "", by: Any
) -> Household:
    _check_household_area(area)
    household = Household(area=area, **{n: fields.get(n, "") for n in HOUSEHOLD_FIELDS})
    household.housing_type = fields.get("housing_type") or Household.HousingType.OWNED
    try:
        household.set_landlord_phone(landlord_phone)
    except DocumentError as exc:
        raise ValidationError({"landlord_phone": str(exc)}) from exc
    if Household.objects.filter(area=area, unit=household.unit, room=household.room).exists():
        raise ValidationError("该楼栋已登记相同单元和房号的户")
    household.save()
    _record(
        action=Change.Action.CREATE,
        by=by,
        area_id=area.pk,
        household=household,
        changes=diff({}, _household_snapshot(household)),
    )
    audit.record(action=AuditEvent.Action.CREATE, user=by, obj=household, area=area)
    return household


def household_at(*, area: Area, unit: str, room: str, by: Any) -> Household:
    """The household at this unit and room of a building, created if not registered yet
    (a resident registering at a checkpoint, a located person from a police list)."""
    where = {"unit": unit.strip()[:20], "room": room.strip()[:40]}
    found = Household.objects.filter(area=area, **where).first()
    return found or create_household(area=area, fields=where, by=by)


@transaction.atomic
def update_household(
    *,
    household: Household,
    fields: dict[str, Any],
    landlord_phone: str | None,
    version: int,
    by: Any,
) -> Household:
    """Save an edit made on ``version``; refused with ConflictError if the row moved on.
    ``landlord_phone`` None keeps the stored phone, "" clears it."""
    if household.version != version:
        raise ConflictError(conflict_message(household))
    before = _household_snapshot(household)
    for name in HOUSEHOLD_FIELDS:
        if name in fields:
            setattr(household, name, fields[name])
    names = list(HOUSEHOLD_FIELDS)
    if landlord_phone is not None:
        try:
            household.set_landlord_phone(landlord_phone)
        except DocumentError as exc:
            raise ValidationError({"landlord_phone": str(exc)}) from exc
        names += ["landlord_phone_enc", "landlord_phone_hash"]
    if (
        Household.objects.filter(area=household.area, unit=household.unit, room=household.room)
        .exclude(pk=household.pk)
        .exists()
    ):
        raise ValidationError("该楼栋已登记相同单元和房号的户")
    changes = diff(before, _household_snapshot(household))
    if not changes:
        return household
    try:
        with transaction.atomic():
            _locked_update(household, version, names)
    except IntegrityError as exc:
        raise ValidationError("该楼栋已登记相同单元和房号的户") from exc
    _record(
        action=Change.Action.UPDATE,
        by=by,
        area_id=household.area_id,
        household=household,
        changes=changes,
    )
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=household)
    return household


# Persons ------------------------------------------------------------------------------


class MoveInOffered(ValidationError):
    """The document is that of a person who moved out (of another community, or of a
    household in the user's own jurisdiction): not a second registration, but their
    row may be moved into a household (``move_in``)."""


def community_name(area: Area) -> str:
    """The name of the community an area lies in ("其他社区" above the communities)."""
    community = area.ancestor_of_kind(Area.Kind.COMMUNITY)
    return community.name if community is not None else "其他社区"


def _check_document_free(doc_hash: str, *, by: Any, exclude: int | None = None) -> None:
    """ValidationError naming where the document is registered already: inside the
    user's jurisdiction the person and household; outside it only that the person
    moved out (MoveInOffered), or, while still registered there, which community to
    ask for the move-out."""
    if not doc_hash:
        return
    others = Person.objects.filter(doc_hash=doc_hash).exclude(pk=exclude)
    other = others.select_related("household__area__parent", "area").first()
    if other is None:
        return
    if Person.objects.visible_to(by).filter(pk=other.pk).exists():
        where = other.household.address if other.household_id else other.area.name
        message = f"该证件号码已登记：{other.name}，{where}"
        if other.moved_out:
            raise MoveInOffered({"doc_number": f"{message}（已迁出，可在其页面恢复在册）"})
        raise ValidationError({"doc_number": message})
    if other.moved_out:
        raise MoveInOffered({"doc_number": MOVED_OUT_ELSEWHERE})
    raise ValidationError({"doc_number": active_elsewhere(community_name(other.area))})


@contextmanager
def _document_race(person: Person, *, by: Any) -> Iterator[None]:
    """Write ``person`` in a savepoint. Its document was free when checked, but another
    registration of the same number may have committed since (two workers saving at
    once): the unique constraint refuses the second row, which then gets the message
    the check would have given. Any other IntegrityError goes on up."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        _check_document_free(person.doc_hash, by=by, exclude=person.pk)
        raise


def _apply_identity(
    person: Person, *, name: str, doc_type: str, doc_number: str | None, phone: str | None
) -> None:
    """Set name, document and phone; ``doc_number``/``phone`` None keep the stored
    value, "" clears it."""
    person.set_name(name)
    try:
        if doc_number:
            person.set_document(doc_type, doc_number)
        else:
            if doc_number is not None:
                person.clear_document()
            if not person.doc_enc:
                person.doc_type = doc_type
    except DocumentError as exc:
        raise ValidationError({"doc_number": str(exc)}) from exc
    if phone is not None:
        try:
            person.set_phone(phone)
        except DocumentError as exc:
            raise ValidationError({"phone": str(exc)}) from exc


# Where a person without a household may be put: their building, or a compound or
# community while the household is still unknown.
PERSON_AREA_KINDS = (Area.Kind.BUILDING, Area.Kind.COMPOUND, Area.Kind.COMMUNITY)


@transaction.atomic
def create_person(
    *,
    name: str,
    doc_type: str,
    doc_number: str,
    by: Any,
    household: Household | None = None,
    area: Area | None = None,
    phone: str = "",
    fields: dict[str, Any] | None = None,
    tags: Iterable[Tag] = (),
    note: str = "",
    request: HttpRequest | None = None,
) -> Person:
    """A new ledger person, with a history entry and an audit row (``note``: why, e.g.
    "流调新增人员"). Document and phone are stored encrypted with their lookup hashes.

    The person lives in ``household`` (at its building), or, when another workflow
    finds someone whose household is not known yet (a case investigation, a key-person
    registration), at ``area`` alone: a building, compound or community. A document
    already in the ledger is refused. This is the one way other apps add a person.
    Errors are ``ValidationError`` keyed by field (``name``, ``doc_number``, ``phone``)
    or plain; a caller whose form has other fields shows ``exc.messages``."""
    if household is not None:
        area = household.area
    elif area is None or area.kind not in PERSON_AREA_KINDS:
        raise ValidationError("人员只能登记在楼栋、小区或社区下")
    person = Person(household=household, area=area)
    for n in PERSON_FIELDS:
        if fields and n in fields:
            setattr(person, n, fields[n])
    _apply_identity(person, name=name, doc_type=doc_type, doc_number=doc_number, phone=phone)
    if not person.name:
        raise ValidationError({"name": "请填写姓名"})
    try:
        _check_document_free(person.doc_hash, by=by)
    except MoveInOffered as exc:
        if household is not None:  # the ledger's form offers the move-in
            raise
        raise ValidationError(
            {
                "doc_number": f"{'；'.join(exc.messages)}。如此人已住在这里，"
                "请先在人员台账中把其登记到所住的户（确认迁入）"
            }
        ) from exc
    with _document_race(person, by=by):
        person.save()
    tags = list(tags)
    person.tags.set(tags)
    _record(
        action=Change.Action.CREATE,
        by=by,
        area_id=person.area_id,
        person=person,
        changes=diff({}, _person_snapshot(person, tags)),
    )
    audit.record(
        action=AuditEvent.Action.CREATE,
        request=request,
        user=by,
        obj=person,
        area=person.area,
        detail=note,
    )
    return person


@transaction.atomic
def update_person(
    *,
    person: Person,
    name: str,
    doc_type: str,
    doc_number: str | None,
    phone: str | None,
    fields: dict[str, Any],
    tags: Iterable[Tag],
    version: int,
    by: Any,
) -> Person:
    """``doc_number``/``phone`` None keep the stored value, "" clears it (with the
    keyed hash and tail; a document also takes the birth date and sex read from it)."""
    if person.version != version:
        raise ConflictError(conflict_message(person))
    old_tags = list(person.tags.all())
    before = _person_snapshot(person, old_tags)
    for n in PERSON_FIELDS:
        if n in fields:
            setattr(person, n, fields[n])
    if doc_type != person.doc_type and doc_number is None and person.doc_enc:
        raise ValidationError({"doc_number": "更换证件类型时请重新填写证件号码"})
    _apply_identity(person, name=name, doc_type=doc_type, doc_number=doc_number, phone=phone)
    _check_document_free(person.doc_hash, by=by, exclude=person.pk)
    tags = list(tags)
    changes = diff(before, _person_snapshot(person, tags))
    if not changes:
        return person
    names = ["name", "name_initials", "doc_type", "doc_enc", "doc_hash", "doc_tail"]
    names += ["birth_date", "sex", "phone_enc", "phone_hash", "phone_last4", *PERSON_FIELDS]
    with _document_race(person, by=by):
        _locked_update(person, version, names)
    if {t.pk for t in tags} != {t.pk for t in old_tags}:
        person.tags.set(tags)
    _record(
        action=Change.Action.UPDATE, by=by, area_id=person.area_id, person=person, changes=changes
    )
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=person)
    return person


@transaction.atomic
def move_in(
    *,
    household: Household,
    name: str,
    doc_type: str,
    doc_number: str,
    by: Any,
    phone: str = "",
    fields: dict[str, Any] | None = None,
    tags: Iterable[Tag] = (),
    request: HttpRequest | None = None,
) -> Person:
    """迁入: the person with this document moved out of their household (in another
    community, or in the user's own jurisdiction) and now lives in ``household``. Their
    row moves here — one row per person: the history stays with it — and is
    registered anew: the name must be the one on record (a mistyped number must not
    move someone else), the household's fields (relation, residence type, tags, party
    member, notes) are the ones given here, a phone left blank keeps the one on record.
    Nothing of the former household is shown to a user it lies outside the
    jurisdiction of: the history entry says "其他社区".

    Refused (ValidationError) when no moved-out person has this document, or the
    person is still registered somewhere (then the message says where to ask for the
    move-out, as ``create_person``'s does); MoveInOffered, the move-in still open,
    when the name differs."""
    probe = Person(doc_type=doc_type)
    _apply_identity(probe, name=name, doc_type=doc_type, doc_number=doc_number, phone=None)
    if not probe.doc_hash:
        raise ValidationError({"doc_number": "迁入需要填写证件号码"})
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("household__area__parent", "area")
        .filter(doc_hash=probe.doc_hash)
        .first()
    )
    if person is None:
        raise ValidationError({"doc_number": "台账中没有这个证件号码，请直接登记"})
    if not person.moved_out:
        _check_document_free(person.doc_hash, by=by)
    if clean_name(person.name) != probe.name:
        raise MoveInOffered({"name": NAME_DIFFERS_MESSAGE})
    seen_before = Person.objects.visible_to(by).filter(pk=person.pk).exists()
    old_tags = list(person.tags.all())
    before = _person_snapshot(person, old_tags) if seen_before else {"户": "其他社区（已迁出）"}
    version = person.version
    person.household, person.area = household, household.area
    person.moved_out, person.moved_out_at = False, None
    for n in PERSON_FIELDS:
        default = Person._meta.get_field(n).get_default()
        setattr(person, n, (fields or {}).get(n, default))
    _apply_identity(
        person, name=name, doc_type=doc_type, doc_number=doc_number, phone=phone or None
    )
    tags = list(tags)
    changes = [["状态", "已迁出", "在册"], *diff(before, _person_snapshot(person, tags))]
    names = ["household", "area", "moved_out", "moved_out_at", "name", "name_initials"]
    names += ["doc_type", "doc_enc", "doc_tail", "birth_date", "sex"]
    names += ["phone_enc", "phone_hash", "phone_last4", *PERSON_FIELDS]
    _locked_update(person, version, names)
    person.tags.set(tags)
    _record(
        action=Change.Action.MOVE_IN,
        by=by,
        area_id=household.area_id,
        person=person,
        changes=changes,
    )
    audit.record(
        action=AuditEvent.Action.STATUS,
        request=request,
        user=by,
        obj=person,
        detail="迁入" + ("" if seen_before else f"（{MOVED_OUT_ELSEWHERE}）"),
    )
    return person


@transaction.atomic
def move_out(*, person: Person, version: int, by: Any) -> Person:
    """Mark a resident as moved out. The row is kept (history, key-person records).
    Not while a key-person record keeps the resident under control at their address:
    that record is ended first (已离开辖区…), or the follow-ups would go on."""
    from shouwang.watch.actions import active_key_person

    if person.version != version:
        raise ConflictError(conflict_message(person))
    if person.moved_out:
        return person
    record = active_key_person(person)
    if record is not None:
        raise ValidationError(
            f"此人正在重点人员管控中（{record.get_measure_display()}），不能迁出；"
            "请先在重点人员详情中变更状态（如“已离开辖区”）"
        )
    person.moved_out, person.moved_out_at = True, timezone.now()
    _locked_update(person, version, ["moved_out", "moved_out_at"])
    _record(
        action=Change.Action.MOVE_OUT,
        by=by,
        area_id=person.area_id,
        person=person,
        changes=[["状态", "在册", "已迁出"]],
    )
    audit.record(action=AuditEvent.Action.STATUS, user=by, obj=person, detail="迁出")
    return person


@transaction.atomic
def restore(*, person: Person, version: int, by: Any) -> Person:
    if person.version != version:
        raise ConflictError(conflict_message(person))
    if not person.moved_out:
        return person
    person.moved_out, person.moved_out_at = False, None
    _locked_update(person, version, ["moved_out", "moved_out_at"])
    _record(
        action=Change.Action.RESTORE,
        by=by,
        area_id=person.area_id,
        person=person,
        changes=[["状态", "已迁出", "在册"]],
    )
    audit.record(action=AuditEvent.Action.STATUS, user=by, obj=person, detail="恢复在册")
    return person


# Reveal -------------------------------------------------------------------------------

REVEALABLE = {
    "document": ("证件号码", lambda p: p.document_number),
    "phone": ("手机号", lambda p: p.phone),
}


class TooManyReveals(Exception):
    """The user has revealed ``PEOPLE_REVEALS_PER_HOUR`` values within the last hour."""

    message = (
        "查看完整信息过于频繁（每小时最多 {limit} 次），请稍后再试；需要成批的完整信息请申请导出"
    )


def reveal(*, obj: Person | Household, field: str, request: HttpRequest) -> str:
    """The full value of one personal-data field, with an audit row naming the field
    (never the value). ``field``: "document" or "phone" of a person, "landlord_phone"
    of a household. At most ``PEOPLE_REVEALS_PER_HOUR`` a user and hour, counted from
    the audit log (every process sees the same count): one value after another must
    not become the unmasked export the role is not given (TooManyReveals, audited)."""
    if isinstance(obj, Household):
        if field != "landlord_phone":
            raise ValueError(field)
        label = "房东电话"
    else:
        label = REVEALABLE[field][0]
    limit = settings.PEOPLE_REVEALS_PER_HOUR
    recent = AuditEvent.objects.filter(
        action=AuditEvent.Action.REVEAL,
        at__gte=timezone.now() - timedelta(hours=1),
        user=request.user,
        result=AuditEvent.Result.OK,
    )
    if recent.count() >= limit:
        audit.record(
            action=AuditEvent.Action.REVEAL,
            request=request,
            obj=obj,
            result=AuditEvent.Result.DENIED,
            detail=f"查看完整{label}：超过每小时 {limit} 次",
        )
        raise TooManyReveals(TooManyReveals.message.format(limit=limit))
    if isinstance(obj, Household):
        value = pii.decrypt(obj.landlord_phone_enc)
    else:
        value = REVEALABLE[field][1](obj)
    audit.record(
        action=AuditEvent.Action.REVEAL, request=request, obj=obj, detail=f"查看完整{label}"
    )
    return value


# Tags ---------------------------------------------------------------------------------


@transaction.atomic
def save_tag(*, tag: Tag, by: Any) -> Tag:
    created = tag.pk is None
    tag.save()
    audit.record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        user=by,
        obj=tag,
        detail=f"人员标签：{tag.name}",
    )
    return tag


# Import -------------------------------------------------------------------------------


def start_import(*, request: HttpRequest, upload: UploadedFile, strict: bool, by: Any) -> ImportJob:
    """Store the upload (refused at once if oversized, empty or not an xlsx:
    SpreadsheetError), then check it in the background; the header too, because on a
    file without a <dimension> openpyxl reads the whole sheet before its first row."""
    token = uploads.stash(request, upload, purpose=IMPORT_PURPOSE)
    path = uploads.path_for(request, token, purpose=IMPORT_PURPOSE)
    with transaction.atomic():
        job = ImportJob.objects.create(
            area=by.area,
            created_by=by,
            filename=(upload.name or "")[:200],
            strict=strict,
            upload_path=str(path),
        )
        transaction.on_commit(lambda: tasks.check_import.enqueue(job.pk))
    return job


@transaction.atomic
def confirm_import(*, job: ImportJob, by: Any) -> ImportJob:
    """Commit a checked import (in the background); once only."""
    if not job.can_commit:
        if job.strict and job.problem_count:
            raise ValidationError("严格模式下文件存在问题，不能导入。请修改后重新上传")
        raise ValidationError("这份导入现在不能提交（可能已提交、已取消或没有有效行）")
    moved = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.COMMITTING, updated_at=timezone.now()
    )
    if not moved:
        raise ValidationError("这份导入已经提交过了")
    job.status = ImportJob.Status.COMMITTING
    transaction.on_commit(lambda: tasks.commit_import.enqueue(job.pk))
    return job


@transaction.atomic
def cancel_import(*, job: ImportJob, by: Any) -> ImportJob:
    """Drop a checked, failed or stalled import and its files; a running one cannot be."""
    if job.running and not job.stalled:
        raise ValidationError("正在处理中，请等待检查完成后再取消")
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.CANCELLED):
        return job
    for path in (job.upload_path, job.stage_path):
        if path:
            Path(path).unlink(missing_ok=True)
    job.status = ImportJob.Status.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    return job


# Export -------------------------------------------------------------------------------


def start_export(
    *,
    request: HttpRequest,
    filters: dict[str, str],
    scope: str,
    count: int,
    unmasked: bool,
    purpose: str = "",
    by: Any,
) -> ExportJob:
    """Record a large export (audited now, with its purpose) and write it in the
    background; ``filters`` are the search form's data, kept encrypted."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            area=by.area,
            created_by=by,
            unmasked=unmasked,
            purpose=purpose,
            scope=scope[:300],
            filters_enc=exporting.encrypt_filters(filters),
            total_rows=count,
        )
        detail = exporting.audit_detail(
            unmasked=unmasked, count=count, filters=scope, purpose=purpose
        )
        audit.record(
            action=AuditEvent.Action.EXPORT, request=request, obj=job, detail=detail + "；后台生成"
        )
        transaction.on_commit(lambda: tasks.run_export.enqueue(job.pk))
    return job


def open_export(*, job: ExportJob, request: HttpRequest) -> BinaryIO:
    """The file of a finished export, opened for its owner's download, which is audited
    (each one: the file may be passed on). ValidationError when there is none: not yet
    written, deleted, or past its retention period (then deleted now)."""
    if job.status != ExportJob.Status.DONE:
        raise ValidationError("文件还没有生成或已删除")
    if job.expires_at is None or job.expires_at <= timezone.now():
        delete_export(job=job, by=None)
        raise ValidationError("文件已超过保留期限并已删除，请回到人员台账重新导出")
    try:
        content = open(job.file_path, "rb")  # noqa: SIM115 - the response closes it
    except FileNotFoundError as exc:
        delete_export(job=job, by=None)
        raise ValidationError("文件已被删除，请回到人员台账重新导出") from exc
    detail = exporting.audit_detail(
        unmasked=job.unmasked, count=job.written_rows, filters=job.scope, purpose=job.purpose
    )
    audit.record(
        action=AuditEvent.Action.EXPORT, request=request, obj=job, detail=f"下载导出文件：{detail}"
    )
    return content


@transaction.atomic
def delete_export(*, job: ExportJob, by: Any) -> ExportJob:
    """Delete an export's file now (by its owner once downloaded, audited; or on
    expiry, ``by=None``); the row stays as a record. A running export cannot be,
    unless its worker has died."""
    if job.running and not job.stalled:
        raise ValidationError("正在生成中，请等待完成后再删除")
    if job.file_path:
        Path(job.file_path).unlink(missing_ok=True)
    job.status = ExportJob.Status.DELETED
    job.file_path = ""
    job.finished_at = job.finished_at or timezone.now()
    job.save(update_fields=["status", "file_path", "finished_at", "updated_at"])
    if by is not None:
        audit.record(action=AuditEvent.Action.DELETE, user=by, obj=job, detail="删除导出文件")
    return job


def expire_exports(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the files of exports past their retention period, and any file under the
    exports folder that no export refers to (left by a crash) once it is that old.
    Returns how many files were (or would be) deleted."""
    now = now or timezone.now()
    deleted = 0
    for job in ExportJob.objects.expired(now=now):
        deleted += int(Path(job.file_path).exists())
        if not dry_run:
            delete_export(job=job, by=None)
    referenced = set(ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True))
    cutoff = (now - exporting.export_retention()).timestamp()
    for path in exporting.exports_dir().iterdir():
        if str(path) not in referenced and path.stat().st_mtime < cutoff:
            deleted += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    return deleted


# Retention ----------------------------------------------------------------------------


def retention_days() -> int:
    """How long moved-out residents and finished imports are kept (default one year,
    ``SHOUWANG_PEOPLE_RETENTION_DAYS``)."""
    return settings.PEOPLE_RETENTION_DAYS


@dataclass
class PurgeResult:
    persons: int = 0
    kept_referenced: int = 0
    imports: int = 0
    files: int = 0
    exports: int = 0
    export_files: int = 0


def purge_personal_data(*, before: datetime, dry_run: bool = False) -> PurgeResult:
    """Delete residents moved out before ``before`` (with their history and tags),
    imports and exports older than it (with their problem lists and any leftover
    files), and the files of exports past their own, shorter retention. Residents
    still referenced elsewhere (e.g. a key-person record, which is PROTECTed) are kept
    and counted, never half-deleted."""
    result = PurgeResult()
    result.export_files = expire_exports(dry_run=dry_run)
    exports = ExportJob.objects.filter(created_at__lt=before).exclude(status__in=ExportJob.RUNNING)
    for path in exports.exclude(file_path="").values_list("file_path", flat=True):
        if Path(path).exists():
            result.export_files += 1
            if not dry_run:
                Path(path).unlink(missing_ok=True)
    result.exports = exports.count()
    if not dry_run:
        exports.delete()
    stale = Person.objects.filter(moved_out=True, moved_out_at__lt=before).order_by("pk")
    ids = list(stale.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        if dry_run:
            result.persons += len(batch)
            continue
        result.persons += _delete_persons(batch, result)
    jobs = ImportJob.objects.filter(created_at__lt=before).exclude(status__in=ImportJob.RUNNING)
    for job in jobs:
        for path in (job.upload_path, job.stage_path):
            if path and Path(path).exists():
                result.files += 1
                if not dry_run:
                    Path(path).unlink(missing_ok=True)
    result.imports = jobs.count()
    if not dry_run:
        jobs.delete()
    # Uploads of the imports still kept belong to them; any other is an abandoned preview.
    owned = set(ImportJob.objects.exclude(upload_path="").values_list("upload_path", flat=True))
    result.files += uploads.purge_stale(keep=owned, dry_run=dry_run)
    return result


def _delete_persons(ids: list[int], result: PurgeResult) -> int:
    """Delete persons ``ids``; those another table protects are skipped."""
    try:
        with transaction.atomic():
            Person.objects.filter(pk__in=ids).delete()
    except (ProtectedError, RestrictedError) as exc:
        blockers = getattr(exc, "protected_objects", None) or exc.restricted_objects
        keep = set()
        for blocker in blockers:
            for f in type(blocker)._meta.concrete_fields:
                if f.is_relation and f.related_model is Person:
                    keep.add(getattr(blocker, f.attname))
        if not keep & set(ids):  # cannot tell which: keep the whole batch
            result.kept_referenced += len(ids)
            return 0
        free = [pk for pk in ids if pk not in keep]
        result.kept_referenced += len(ids) - len(free)
        return _delete_persons(free, result) if free else 0
    return len(ids)
