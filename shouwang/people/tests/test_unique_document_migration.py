"""Migrations 0010-0011 make a document unique among persons. A ledger that already
holds two persons with one document stops at 0010 with a list of them and what to do,
instead of a bare IntegrityError from the index; once they are resolved the index is
built. Both migrations go back."""

import pytest
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from shouwang.core import pii

BEFORE = [("people", "0009_doc_type_foreign_pr")]
AFTER = [("people", "0011_person_unique_document")]


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_listed_then_the_constraint_is_built_and_dropped_again(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Person = executor.loader.project_state(BEFORE).apps.get_model("people", "Person")
    shared = pii.lookup_hash("410105194001011230")

    def person(name, **fields):
        return Person.objects.create(
            name=name, area_id=world.building_a.pk, doc_hash=shared, **fields
        )

    first = person("张三丰")
    second = person("张三丰", moved_out=True)
    third = person("张三丰")
    Person.objects.create(name="无证件甲", area_id=world.building_a.pk)
    Person.objects.create(name="无证件乙", area_id=world.building_a.pk)

    executor.loader.build_graph()
    with pytest.raises(CommandError) as refused:
        executor.migrate(AFTER)
    message = str(refused.value)
    assert "1 组人员的证件号码相同" in message
    for row in (first, second, third):
        assert f"/people/person/{row.pk}/" in message
    assert "1号楼，已迁出" in message
    assert "清除已登记的证件号码" in message
    assert "410105194001011230" not in message

    Person.objects.filter(pk__in=[second.pk, third.pk]).update(doc_hash="")
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Person = executor.loader.project_state(AFTER).apps.get_model("people", "Person")
    with pytest.raises(IntegrityError), transaction.atomic():
        person("张三丰")

    executor.loader.build_graph()
    executor.migrate(BEFORE)
    Person = executor.loader.project_state(BEFORE).apps.get_model("people", "Person")
    person("张三丰")
    Person.objects.filter(doc_hash=shared).exclude(pk=first.pk).delete()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
