"""Migration 0014: the spells out of control that ended with control resumed are read
from each record's status history."""

from importlib import import_module

from django.apps import apps

from shouwang.watch import actions
from shouwang.watch.models import KeyPerson

from .factories import key_person

fill = import_module("shouwang.watch.migrations.0014_fill_keyperson_pauses")


def change(record, status, reason, by):
    actions.change_status(key_person=record, status=status, reason=reason, by=by)


def test_each_resumed_spell_is_filled_from_the_history(world):
    back = key_person(world.building_a, "甲")
    change(back, "hospital", "fever_hospital", world.staff_a)
    change(back, "active", "returned", world.staff_a)
    change(back, "lost", "unreachable", world.staff_a)
    change(back, "active", "found", world.staff_a)
    still_away = key_person(world.building_a, "乙")
    change(still_away, "lost", "unreachable", world.staff_a)
    expected = KeyPerson.objects.get(pk=back.pk).pauses
    assert len(expected) == 2
    KeyPerson.objects.update(pauses=[])
    fill.forwards(apps, None)
    assert KeyPerson.objects.get(pk=back.pk).pauses == expected
    assert KeyPerson.objects.get(pk=still_away.pk).pauses == []


def test_a_release_undone_as_a_mistake_is_no_spell(world):
    record = key_person(world.building_a, "丙")
    change(record, "released", "ordered_release", world.staff_a)
    change(record, "active", "correction", world.staff_a)
    fill.forwards(apps, None)
    assert KeyPerson.objects.get(pk=record.pk).pauses == []
