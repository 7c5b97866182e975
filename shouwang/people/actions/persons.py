"""Persons: created and edited with a history entry each time, one person per
document, moved out (never deleted), restored and moved in from another community."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.core.unique import unique_write

from ..documents import (
    MOVED_OUT_ELSEWHERE,
    NAME_DIFFERS_MESSAGE,
    DocumentError,
    active_elsewhere,
)
from ..models import Change, Household, Person, Tag, clean_name
from .history import (
    PERSON_FIELDS,
    ConflictError,
    conflict_message,
    diff,
    locked_update,
    person_snapshot,
    record_change,
)


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


def _check_undocumented_free(person: Person, household: Household) -> None:
    """ValidationError when ``household`` already has a person of this name without a
    document: the form sent twice (a double click), or the same resident typed in
    again — an import takes such a row for that person too. The household is locked
    first, so two such registrations at once take turns on PostgreSQL (SQLite
    serialises writers anyway)."""
    Household.objects.select_for_update().filter(pk=household.pk).exists()
    same = Person.objects.filter(household=household, doc_hash="", name=person.name).first()
    if same is None:
        return
    if same.moved_out:
        message = (
            f"本户已有没有证件号码的“{same.name}”，已迁出：如是此人，请在其页面恢复在册；"
            "如是另一人，请填写其证件号码"
        )
    else:
        message = (
            f"本户已登记没有证件号码的“{same.name}”，请勿重复登记；如是另一人，请填写其证件号码"
        )
    raise ValidationError({"name": message})


def _write_race(
    person: Person, *, by: Any, then: str = "再改为户主"
) -> AbstractContextManager[None]:
    """Write ``person`` in a savepoint. Its document was free and its household had no
    other head in register when checked, but another save of the same number or of a
    head of that household may have committed since (two workers saving at once): a
    unique constraint (``person_unique_document``, ``person_one_head``) refuses the
    second row, which then gets the message the check would have given."""

    def check() -> None:
        _check_document_free(person.doc_hash, by=by, exclude=person.pk)
        _check_one_head(person, then=then)

    return unique_write(check)


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


def second_head_message(head: str, *, then: str = "再改为户主") -> str:
    return f"这一户已有户主{head}。如要更换户主，请先把{head}的与户主关系改为实际关系，{then}"


def _check_one_head(person: Person, *, then: str = "再改为户主") -> None:
    """A household has one head in register: ``person`` becoming its head beside
    another is refused. The database holds the rule too (``person_one_head``); a save
    it refuses gets this message (``_write_race``)."""
    if person.household is None or person.moved_out or person.relation != Person.Relation.HEAD:
        return
    others = person.household.head_names(exclude=person.pk)
    if others:
        raise ValidationError({"relation": second_head_message(others[0], then=then)})


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
    birth: tuple[date | None, str] | None = None,
    request: HttpRequest | None = None,
) -> Person:
    """A new ledger person, with a history entry and an audit row (``note``: why, e.g.
    "流调新增人员"). Document and phone are stored encrypted with their lookup hashes;
    ``birth`` (出生日期, 性别) entered by hand fills what the document does not carry.

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
    # Without a relation given, the newcomer heads a household that has no head.
    implicit = household is not None and not (fields and "relation" in fields)
    if implicit:
        person.relation = household.newcomer_relation()
    for n in PERSON_FIELDS:
        if fields and n in fields:
            setattr(person, n, fields[n])
    _apply_identity(person, name=name, doc_type=doc_type, doc_number=doc_number, phone=phone)
    if birth is not None:
        person.enter_birth_facts(*birth)
    if not person.name:
        raise ValidationError({"name": "请填写姓名"})
    try:
        _check_one_head(person, then="再登记新户主")
    except ValidationError:
        if not implicit:
            raise
        # Another registration made a head since newcomer_relation(): join it.
        person.relation = Person.Relation.OTHER
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
    if household is not None and not person.doc_hash:
        _check_undocumented_free(person, household)
    try:
        with _write_race(person, by=by, then="再登记新户主"):
            person.save()
    except ValidationError as exc:
        if not (implicit and "relation" in getattr(exc, "error_dict", {})):
            raise
        # Another registration made a head of the household meanwhile: join it.
        person.relation = Person.Relation.OTHER
        with _write_race(person, by=by):
            person.save()
    tags = list(tags)
    person.tags.set(tags)
    record_change(
        action=Change.Action.CREATE,
        by=by,
        area_id=person.area_id,
        person=person,
        changes=diff({}, person_snapshot(person, tags)),
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
    birth: tuple[date | None, str] | None = None,
) -> Person:
    """``doc_number``/``phone`` None keep the stored value, "" clears it (with the
    keyed hash and tail; a document also takes the birth date and sex read from it).
    ``birth`` (出生日期, 性别) entered by hand replaces what the document does not
    carry; None keeps it."""
    if person.version != version:
        raise ConflictError(conflict_message(person))
    old_tags = list(person.tags.all())
    before = person_snapshot(person, old_tags)
    was_head = person.relation == Person.Relation.HEAD
    for n in PERSON_FIELDS:
        if n in fields:
            setattr(person, n, fields[n])
    if not was_head:
        _check_one_head(person)
    if doc_type != person.doc_type and doc_number is None and person.doc_enc:
        raise ValidationError({"doc_number": "更换证件类型时请重新填写证件号码"})
    _apply_identity(person, name=name, doc_type=doc_type, doc_number=doc_number, phone=phone)
    if birth is not None:
        person.enter_birth_facts(*birth)
    _check_document_free(person.doc_hash, by=by, exclude=person.pk)
    tags = list(tags)
    changes = diff(before, person_snapshot(person, tags))
    if not changes:
        return person
    names = ["name", "name_initials", "doc_type", "doc_enc", "doc_hash", "doc_tail"]
    names += ["birth_date", "sex", "phone_enc", "phone_hash", "phone_last4", *PERSON_FIELDS]
    with _write_race(person, by=by):
        locked_update(person, version, names)
    if {t.pk for t in tags} != {t.pk for t in old_tags}:
        person.tags.set(tags)
    record_change(
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
    birth: tuple[date | None, str] | None = None,
    request: HttpRequest | None = None,
) -> Person:
    """迁入: the person with this document moved out of their household (in another
    community, or in the user's own jurisdiction) and now lives in ``household``. Their
    row moves here — one row per person: the history stays with it — and is
    registered anew: the name must be the one on record (a mistyped number must not
    move someone else), the household's fields (relation, residence type, tags, party
    member, notes) are the ones given here, a phone left blank keeps the one on record,
    and so do a ``birth`` date and sex left blank (entered, they are taken as
    ``create_person`` takes them).
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
    before = person_snapshot(person, old_tags) if seen_before else {"户": "其他社区（已迁出）"}
    version = person.version
    person.household, person.area = household, household.area
    person.moved_out, person.moved_out_at = False, None
    for n in PERSON_FIELDS:
        default = Person._meta.get_field(n).get_default()
        if n == "relation":
            default = household.newcomer_relation()
        setattr(person, n, (fields or {}).get(n, default))
    _check_head_for_move_in(person)
    _apply_identity(
        person, name=name, doc_type=doc_type, doc_number=doc_number, phone=phone or None
    )
    if birth is not None:
        born, sex = birth
        try:
            person.enter_birth_facts(born or person.birth_date, sex or person.sex)
        except ValidationError as exc:  # the user may correct it and confirm again
            raise MoveInOffered(exc.message_dict) from exc
    tags = list(tags)
    changes = [["状态", "已迁出", "在册"], *diff(before, person_snapshot(person, tags))]
    names = ["household", "area", "moved_out", "moved_out_at", "name", "name_initials"]
    names += ["doc_type", "doc_enc", "doc_tail", "birth_date", "sex"]
    names += ["phone_enc", "phone_hash", "phone_last4", *PERSON_FIELDS]
    with unique_write(lambda: _check_head_for_move_in(person)):
        locked_update(person, version, names)
    person.tags.set(tags)
    record_change(
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


def _check_head_for_move_in(person: Person) -> None:
    """A move-in as a second head is refused, the move-in still open: the user may
    choose another relation."""
    try:
        _check_one_head(person, then="再迁入")
    except ValidationError as exc:
        raise MoveInOffered(exc.message_dict) from exc


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
    locked_update(person, version, ["moved_out", "moved_out_at"])
    record_change(
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
    _check_one_head(person, then="再恢复在册")
    with unique_write(lambda: _check_one_head(person, then="再恢复在册")):
        locked_update(person, version, ["moved_out", "moved_out_at"])
    record_change(
        action=Change.Action.RESTORE,
        by=by,
        area_id=person.area_id,
        person=person,
        changes=[["状态", "已迁出", "在册"]],
    )
    audit.record(action=AuditEvent.Action.STATUS, user=by, obj=person, detail="恢复在册")
    return person
