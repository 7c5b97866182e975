"""A grid over two compounds lists its short buildings with their compound: two rows
reading just 1号楼 leave the grid worker guessing which one to walk to."""

from django.urls import reverse

from shouwang.areas.tests.factories import child


def test_short_buildings_of_a_grid_are_named_with_their_compound(world):
    east = child(world.community_a, "东城花园")
    child(east, "1号楼", expected_households=3)
    world.grid_a.compounds.add(east)
    page = world.client("grid_a").get(reverse("people:grid_gaps", args=[world.grid_a.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "西城花园1号楼" in text
    assert "东城花园1号楼" in text


def test_a_compound_without_buildings_is_named_once(world):
    village = child(world.community_a, "王庄", expected_households=5)
    world.grid_a.compounds.add(village)
    text = (
        world.client("grid_a")
        .get(reverse("people:grid_gaps", args=[world.grid_a.pk]))
        .content.decode()
    )
    assert ">王庄<" in text
    assert "王庄王庄" not in text
