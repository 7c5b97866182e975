"""Subtree queries use the path index on both engines, over tens of thousands of nodes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from shouwang.areas.models import Area, _segment
from shouwang.core.tests.personas import World

COMMUNITIES, COMPOUNDS, BUILDINGS = 20, 20, 50  # 20,420 nodes
FIRST_ID = 10_000_000  # explicit ids far above the sequence
CHUNK = 500  # rows per INSERT (SQLite allows 32,766 parameters)
INSERT = (
    "INSERT INTO areas_area (id, created_at, updated_at, name, kind, parent_id, path, depth,"
    " code, expected_households, notes) VALUES "
)


@pytest.fixture
def big_tree(world: World) -> list[Area]:
    """Communities › compounds › buildings under the personas' sub-district, inserted in
    bulk with explicit ids (far above the sequence) and their paths."""
    rows: list[tuple] = []
    now = timezone.now()
    next_id = FIRST_ID

    def add(parent: tuple, name: str, kind: str) -> tuple:
        nonlocal next_id
        next_id += 1
        row = (next_id, now, now, name, kind, parent[0], parent[6] + _segment(next_id),
               parent[7] + 1, "", None, "")  # fmt: skip
        rows.append(row)
        return row

    root = world.subdistrict
    top = (root.pk, None, None, root.name, root.kind, None, root.path, root.depth)
    for c in range(COMMUNITIES):
        community = add(top, f"社区{c}", Area.Kind.COMMUNITY)
        for k in range(COMPOUNDS):
            compound = add(community, f"小区{k}", Area.Kind.COMPOUND)
            for b in range(BUILDINGS):
                add(compound, f"{b}号楼", Area.Kind.BUILDING)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            values = ", ".join([f"({', '.join(['%s'] * len(chunk[0]))})"] * len(chunk))
            cursor.execute(INSERT + values, [value for row in chunk for value in row])
        cursor.execute("ANALYZE areas_area" if connection.vendor == "postgresql" else "ANALYZE")
    return list(Area.objects.filter(kind=Area.Kind.COMMUNITY, id__gt=FIRST_ID).order_by("id"))


def test_subtree_queries_search_the_path_index(big_tree: list[Area]) -> None:
    """One test over one tree: building 20,000 rows is the slow part."""
    community = big_tree[7]
    within = Area.objects.within(community)
    assert within.count() == 1 + COMPOUNDS + COMPOUNDS * BUILDINGS
    assert within.buildings().count() == COMPOUNDS * BUILDINGS
    assert not within.filter(name="社区8").exists()

    subtree, buildings = within.explain(), within.buildings().explain()
    if connection.vendor == "sqlite":
        assert "SEARCH areas_area USING INDEX" in subtree, subtree
        assert "(path>? AND path<?)" in subtree, subtree
        assert "USING INDEX area_kind_path (kind=? AND path>? AND path<?)" in buildings, buildings
    else:  # PostgreSQL may filter the kind after the path index: both are index scans
        assert "areas_area_path_key" in subtree, subtree
        assert "Seq Scan" not in subtree, subtree
        assert "Seq Scan" not in buildings, buildings
