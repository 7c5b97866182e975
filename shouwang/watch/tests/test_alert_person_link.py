"""A checkpoint's fever alert about a ledger resident who is not a key person names
them masked (王**); the alert links the person's ledger page for those who may open
it, so staff can find whom to call."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.watch import actions
from shouwang.watch.alerting import masked_name
from shouwang.watch.models import Alert
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def fever_alert(world, person) -> Alert:
    return actions.raise_alert(
        area=world.community_a,
        kind=Alert.Kind.FEVER,
        title=f"西城花园东门（进）有人员{masked_name(person.name)}扫码申报发热",
        detail="请立即联系核实并按规定处置",
        person=person,
    )


def test_it_links_the_residents_ledger_page(world) -> None:
    resident = f.person(world.building_a, "王小明")
    fever_alert(world, resident)
    page = world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert reverse("people:person", args=[resident.pk]) in page
    assert "王小明" not in page
    assert "王**" in page or masked_name("王小明") in page


def test_a_resident_of_another_community_is_not_linked(world) -> None:
    outsider = f.person(world.building_b, "王大明")
    fever_alert(world, outsider)
    page = world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert masked_name("王大明") in page
    assert reverse("people:person", args=[outsider.pk]) not in page
    hq = world.client("hq").get(reverse("watch:alerts")).content.decode()
    assert reverse("people:person", args=[outsider.pk]) in hq


def test_a_viewer_without_the_ledger_gets_no_link(world) -> None:
    resident = f.person(world.building_a, "王小明")
    fever_alert(world, resident)
    for persona in ("leader", "auditor", "guard_a", "grid_a", "staff_b"):
        user = world.user(persona)
        response = world.client(persona).get(reverse("watch:alerts"))
        if response.status_code != 200:
            continue
        link = reverse("people:person", args=[resident.pk])
        opens = world.client(persona).get(link).status_code == 200
        assert (link in response.content.decode()) == opens, (persona, user.role)
