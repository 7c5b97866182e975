"""Migrations 0004-0005 hold a compound in one grid at most in the database. Compounds
already in several grids stop 0004 with a list of them and their grids' pages; once
each is left in one grid the index is built. Both migrations go back."""

import pytest
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("areas", "0003_grid_unique_name_message")]
AFTER = [("areas", "0005_grid_one_per_compound")]


@pytest.mark.django_db(transaction=True)
def test_shared_compounds_are_listed_then_the_index_is_built_and_dropped_again(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Grid = executor.loader.project_state(BEFORE).apps.get_model("areas", "Grid")
    second = Grid.objects.create(name="西城第2网格", community_id=world.community_a.pk)
    second.compounds.add(world.compound_a.pk)

    executor.loader.build_graph()
    with pytest.raises(CommandError) as refused:
        executor.migrate(AFTER)
    message = str(refused.value)
    assert "有 1 个小区同时属于几个网格" in message
    assert (
        f"小区“西城花园”在网格“西城第1网格”（/areas/grids/{world.grid_a.pk}/）、"
        f"“西城第2网格”（/areas/grids/{second.pk}/）中" in message
    )

    second.compounds.clear()
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Grid = executor.loader.project_state(AFTER).apps.get_model("areas", "Grid")
    second = Grid.objects.get(pk=second.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Grid.compounds.through.objects.create(grid=second, area_id=world.compound_a.pk)

    executor.loader.build_graph()
    executor.migrate(BEFORE)
    Grid = executor.loader.project_state(BEFORE).apps.get_model("areas", "Grid")
    Grid.compounds.through.objects.create(grid_id=second.pk, area_id=world.compound_a.pk)
    Grid.objects.filter(pk=second.pk).delete()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
