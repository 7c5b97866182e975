"""The personas every app's tests share.

A district with one sub-district (明湖街道) and two communities: A (西城社区, with a
compound, two buildings and a grid) and B (八一社区, with a compound and a building).

    hq          HQ admin at the sub-district
    leader      leader (read-only) at the sub-district
    auditor     auditor at the sub-district
    staff_a     community staff of A         staff_b   community staff of B
    grid_a      grid worker in A (on grid A1)
    guard_a     checkpoint staff in A
    anonymous   nobody signed in

and ``root``, a superuser bound to no area, signed in (``signed_in(user)`` signs in any
other account).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from shouwang.accounts.models import User
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import PASSWORD, UserFactory
from shouwang.areas.models import Area, Grid
from shouwang.areas.tests.factories import AreaFactory, child

PERSONAS = ["hq", "leader", "auditor", "staff_a", "staff_b", "grid_a", "guard_a", "anonymous"]


@dataclass
class World:
    district: Area
    subdistrict: Area
    community_a: Area
    compound_a: Area
    building_a: Area
    building_a2: Area
    community_b: Area
    compound_b: Area
    building_b: Area
    grid_a: Grid
    hq: User
    leader: User
    auditor: User
    staff_a: User
    staff_b: User
    grid_worker_a: User
    guard_a: User

    def user(self, persona: str) -> User | None:
        return (
            None
            if persona == "anonymous"
            else {
                "hq": self.hq,
                "leader": self.leader,
                "auditor": self.auditor,
                "staff_a": self.staff_a,
                "staff_b": self.staff_b,
                "grid_a": self.grid_worker_a,
                "guard_a": self.guard_a,
            }[persona]
        )

    def client(self, persona: str) -> Client:
        client = Client()
        user = self.user(persona)
        if user is not None:
            client.force_login(user)
        return client


def build_world() -> World:
    district = AreaFactory(name="示范区", kind=Area.Kind.DISTRICT)
    subdistrict = child(district, "明湖街道")
    community_a = child(subdistrict, "西城社区")
    compound_a = child(community_a, "西城花园")
    building_a = child(compound_a, "1号楼", expected_households=4)
    building_a2 = child(compound_a, "2号楼", expected_households=4)
    community_b = child(subdistrict, "八一社区")
    compound_b = child(community_b, "八一新苑")
    building_b = child(compound_b, "1号楼", expected_households=4)
    grid_a = Grid.objects.create(name="西城第1网格", community=community_a)
    grid_a.compounds.add(compound_a)

    def make(username: str, role: str, area: Area, phone: str = "") -> User:
        return UserFactory(
            username=username, role=role, area=area, phone=phone, is_staff=role == Role.HQ_ADMIN
        )

    world = World(
        district=district,
        subdistrict=subdistrict,
        community_a=community_a,
        compound_a=compound_a,
        building_a=building_a,
        building_a2=building_a2,
        community_b=community_b,
        compound_b=compound_b,
        building_b=building_b,
        grid_a=grid_a,
        hq=make("hq", Role.HQ_ADMIN, subdistrict, "13800000001"),
        leader=make("leader", Role.LEADER, subdistrict),
        auditor=make("auditor", Role.AUDITOR, subdistrict),
        staff_a=make("staff_a", Role.COMMUNITY_STAFF, community_a, "13800000002"),
        staff_b=make("staff_b", Role.COMMUNITY_STAFF, community_b),
        grid_worker_a=make("grid_a", Role.GRID_WORKER, community_a),
        guard_a=make("guard_a", Role.CHECKPOINT_STAFF, community_a),
    )
    grid_a.staff.add(world.grid_worker_a)
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def grid_b(world: World) -> World:
    """The world with a grid in community B too (``world.grid_b``), for the route walks."""
    world.grid_b = Grid.objects.create(name="八一第1网格", community=world.community_b)
    return world


def signed_in(user: User) -> Client:
    """A client signed in as ``user`` that answers a server error with its 500 page, as a
    browser would see it, instead of raising it into the test."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def root(grid_b: World) -> Client:
    """A superuser bound to no area (made with ``createsuperuser``, not ``bootstrap``),
    signed in, beside the personas' world."""
    return signed_in(
        User.objects.create_superuser(username="root", password="x-Very-long-pass-123")
    )


__all__ = ["PASSWORD", "PERSONAS", "World", "build_world", "grid_b", "root", "signed_in", "world"]
