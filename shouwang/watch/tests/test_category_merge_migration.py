"""Migration 0011: the 次密切接触者 entry the cases app used to create is merged into
the seeded 次密接."""

from importlib import import_module

from django.apps import apps

from shouwang.watch.models import Category

from .factories import key_person

merge = import_module("shouwang.watch.migrations.0011_merge_secondary_contact_category")


def test_records_under_the_extra_entry_move_to_the_seeded_one(world):
    seeded = Category.objects.get(name="次密接")
    extra = Category.objects.create(name="次密切接触者", default_days=14)
    record = key_person(world.building_a, category=extra)
    merge.forwards(apps, None)
    record.refresh_from_db()
    assert record.category == seeded
    assert not Category.objects.filter(name="次密切接触者").exists()


def test_the_extra_entry_is_renamed_when_the_seeded_one_is_gone(world):
    Category.objects.filter(name="次密接").delete()
    extra = Category.objects.create(name="次密切接触者", default_days=7)
    merge.forwards(apps, None)
    extra.refresh_from_db()
    assert extra.name == "次密接"
