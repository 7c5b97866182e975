"""The hot path's one-row INSERT stores exactly what the ORM's save() stores."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from shouwang.core import rows

from .. import actions, partitions
from ..models import CheckIn
from .factories import make_checkpoint, make_pass, make_person


def _pair(world, **fields) -> tuple[CheckIn, CheckIn]:
    gate = make_checkpoint(world.compound_a)
    person = make_person(world.building_a)
    values = {
        "checkpoint": gate,
        "area_id": gate.area_id,
        "at": timezone.now() - timedelta(minutes=3),
        "direction": CheckIn.Direction.OUT,
        "source": CheckIn.Source.SELF,
        "status": CheckIn.Status.DECLARED,
        "result": CheckIn.Result.YELLOW,
        "person": person,
        "pass_used": make_pass(person),
        "temperature": Decimal("37.4"),
        "note": "申报：咳嗽",
        **fields,
    }
    by_orm = CheckIn.objects.create(client_id=uuid.uuid4(), **values)
    by_insert = CheckIn(client_id=uuid.uuid4(), **values)
    rows.insert(by_insert)
    return by_orm, by_insert


def test_insert_sets_the_key_and_stores_the_same_values(world) -> None:
    by_orm, by_insert = _pair(world)
    assert by_insert.pk is not None
    assert by_insert.pk != by_orm.pk
    assert not by_insert._state.adding
    stored = CheckIn.objects.get(pk=by_insert.pk)
    expected = model_to_dict(CheckIn.objects.get(pk=by_orm.pk), exclude=["id", "client_id"])
    assert model_to_dict(stored, exclude=["id", "client_id"]) == expected
    assert stored.client_id == by_insert.client_id
    assert stored.at == by_insert.at


def test_insert_stores_nulls_and_defaults(world) -> None:
    _, by_insert = _pair(world, temperature=None, person=None, pass_used=None, note="")
    stored = CheckIn.objects.get(pk=by_insert.pk)
    assert (stored.temperature, stored.person_id, stored.pass_used_id) == (None, None, None)
    assert stored.visitor is False
    assert stored.plate == ""


def _again(row: CheckIn, **fields) -> CheckIn:
    return CheckIn(
        client_id=row.client_id,
        checkpoint=row.checkpoint,
        area_id=row.area_id,
        direction=CheckIn.Direction.IN,
        source=CheckIn.Source.SELF,
        status=CheckIn.Status.DECLARED,
        result=CheckIn.Result.GREEN,
        **fields,
    )


def test_a_duplicate_client_id_raises_integrity_error(world) -> None:
    by_orm, _ = _pair(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(_again(by_orm, at=by_orm.at))
    with pytest.raises(IntegrityError), transaction.atomic():
        partitions.insert_once(_again(by_orm))  # a retry minutes later
    assert CheckIn.objects.filter(client_id=by_orm.client_id).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="day partitions: PostgreSQL")
def test_a_client_id_is_recognised_within_the_retry_window_on_postgresql(world) -> None:
    by_orm, _ = _pair(world)
    late = by_orm.at + partitions.RETRY_WINDOW - timedelta(seconds=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        partitions.insert_once(_again(by_orm, at=late))
    beyond = _again(by_orm, at=by_orm.at + partitions.RETRY_WINDOW + timedelta(seconds=1))
    partitions.insert_once(beyond)
    assert CheckIn.objects.filter(client_id=by_orm.client_id).count() == 2


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the once-check is PostgreSQL's")
def test_once_is_refused_without_advisory_locks(world) -> None:
    by_orm, _ = _pair(world)
    once = rows.Once(lock=(1, 2), where="client_id = %s", params=[by_orm.client_id])
    with pytest.raises(NotImplementedError):
        rows.insert(_again(by_orm), once=once)


def test_a_retry_returns_the_stored_passage_whenever_the_id_was_stored(world) -> None:
    gate = make_checkpoint(world.compound_a)
    person = make_person(world.building_a)
    first_at = timezone.now() - timedelta(days=3)
    args = {
        "checkpoint": gate,
        "client_id": uuid.uuid4(),
        "direction": CheckIn.Direction.IN,
        "source": CheckIn.Source.STAFF,
        "status": CheckIn.Status.CONFIRMED,
        "person": person,
    }
    first = actions.record_checkin(**args, at=first_at)
    soon = actions.record_checkin(**args, at=first_at + timedelta(minutes=5))
    assert (soon.checkin.pk, soon.created) == (first.checkin.pk, False)
    later = actions.record_checkin(**args, at=first_at + partitions.RETRY_WINDOW * 2)
    if connection.vendor == "postgresql":  # the key holds within the retry window
        assert later.created
    else:  # one key for ever: the stored passage, found beyond the window
        assert (later.checkin.pk, later.created) == (first.checkin.pk, False)
