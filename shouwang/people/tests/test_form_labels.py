"""Every form of the ledger's pages reads out right on a screen reader: each label tied
to its field, each field labelled, choices grouped under a legend
(``core.tests.labels``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.areas.tests.factories import child
from shouwang.core.tests.labels import label_problems
from shouwang.people.models import Tag
from shouwang.people.tests.factories import make_household


@pytest.fixture
def pages(world, ledger):
    village = child(world.community_a, "王庄")
    moved = make_household(village, room="8")
    child(village, "1号楼")
    tag = Tag.objects.first()
    return [
        reverse("people:index"),
        reverse("people:area", args=[world.building_a.pk]),
        reverse("people:area", args=[village.pk]),
        reverse("people:household", args=[ledger.home_a.pk]),
        reverse("people:household_create", args=[world.building_a.pk]),
        reverse("people:household_edit", args=[ledger.home_a.pk]),
        reverse("people:household_move", args=[moved.pk]),
        reverse("people:unplaced"),
        reverse("people:person", args=[ledger.zhang.pk]),
        reverse("people:person_create", args=[ledger.home_a.pk]),
        reverse("people:person_edit", args=[ledger.zhang.pk]),
        reverse("people:import"),
        reverse("people:exports"),
        reverse("people:export_unmasked"),
        reverse("people:coverage"),
        reverse("people:tags"),
        reverse("people:tag_edit", args=[tag.pk]),
    ]


def test_every_label_of_the_ledger_pages_names_its_field(world, pages):
    client = world.client("hq")
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        problems = label_problems(response.content.decode())
        if problems:
            found[url] = problems
    assert found == {}


def test_the_forms_with_errors_too(world, ledger):
    client = world.client("staff_a")
    for url, data in [
        (reverse("people:household_create", args=[world.building_a.pk]), {"room": ""}),
        (reverse("people:person_create", args=[ledger.home_a.pk]), {"name": ""}),
        (reverse("people:person_edit", args=[ledger.zhang.pk]), {"name": ""}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert label_problems(response.content.decode()) == [], url
