"""A donor is on the books of the office that recorded it: the HQ of another
sub-district recording a gift from a donor of the same name neither sees the contact
recorded by the first office nor changes it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.areas.tests.factories import child
from shouwang.core import pii
from shouwang.supplies.models import Donation, Donor

from .test_record_donation import cash_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_hq(world):
    """The HQ admin of another sub-district (东风街道) of the same district."""
    other = child(world.district, "东风街道")
    return UserFactory(username="hq_other", role=Role.HQ_ADMIN, area=other, is_staff=True)


def _gift(client, **overrides):
    return client.post(reverse("supplies:donation_create"), cash_form(**overrides))


def test_another_sub_district_never_sees_the_contact_recorded_for_a_donor(world, other_hq) -> None:
    first = _gift(
        world.client("hq"),
        contact_name="王经理",
        phone="13912345678",
        address="明湖路8号",
        reference="R1",
        client_id="a",
    )
    assert first.status_code == 302
    client = world.client("hq")
    client.force_login(other_hq)
    again = _gift(
        client,
        contact_name="李小明",
        phone="13787654321",
        address="东风路1号",
        reference="R2",
        client_id="b",
    )
    assert again.status_code == 302
    page = client.get(reverse("supplies:donation", args=[Donation.objects.get(reference="R2").pk]))
    text = page.content.decode()
    for recorded in ("139****5678", "明湖路8号", "王经理"):
        assert recorded not in text
    mine = Donor.objects.get(area=world.subdistrict)
    theirs = Donor.objects.get(area=other_hq.area)
    assert (mine.contact_name, pii.decrypt(mine.phone_enc), mine.address) == (
        "王经理",
        "13912345678",
        "明湖路8号",
    )
    assert (theirs.contact_name, pii.decrypt(theirs.phone_enc), theirs.address) == (
        "李小明",
        "13787654321",
        "东风路1号",
    )


def test_updating_the_contact_in_one_sub_district_leaves_the_other_alone(world, other_hq) -> None:
    _gift(world.client("hq"), phone="13912345678", reference="R1", client_id="a")
    client = world.client("hq")
    client.force_login(other_hq)
    _gift(client, phone="13700000000", reference="R2", client_id="b")
    response = _gift(
        client, phone="13787654321", reference="R3", update_contact="on", client_id="c"
    )
    assert response.status_code == 302
    assert pii.decrypt(Donor.objects.get(area=world.subdistrict).phone_enc) == "13912345678"
    assert Donation.objects.filter(donor__area=other_hq.area).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_office_its_own_donor_and_reverses(world, other_hq) -> None:
    executor = MigrationExecutor(connection)
    before = [("supplies", "0011_movement_area_required")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    old_donor, old_gift = (apps.get_model("supplies", m) for m in ("Donor", "Donation"))
    shared = old_donor.objects.create(
        kind="person", name="李顺喜", contact_name="李顺喜", phone_enc=pii.encrypt("13912345678")
    )
    lonely = old_donor.objects.create(kind="organisation", name="未捐赠单位")

    def gift(area, amount: int) -> int:
        return old_gift.objects.create(
            donor=shared,
            area_id=area.pk,
            kind="cash",
            amount=amount,
            pledged_on=timezone.localdate(),
        ).pk

    mine, theirs, mine_again = (
        gift(world.subdistrict, 100),
        gift(other_hq.area, 200),
        gift(world.subdistrict, 300),
    )
    executor.loader.build_graph()
    # Forward to the latest schema (0012-0014 and what follows): the current models read it.
    executor.migrate(executor.loader.graph.leaf_nodes())

    first = Donor.objects.get(pk=shared.pk)
    assert first.area == world.subdistrict
    assert (first.contact_name, pii.decrypt(first.phone_enc)) == ("李顺喜", "13912345678")
    copy = Donor.objects.get(area=other_hq.area)
    assert (copy.name, copy.contact_name, copy.phone_enc) == ("李顺喜", "", "")
    assert Donation.objects.get(pk=theirs).donor == copy
    assert {Donation.objects.get(pk=pk).donor for pk in (mine, mine_again)} == {first}
    assert Donor.objects.get(pk=lonely.pk).area == world.district

    executor.loader.build_graph()
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    old_donor, old_gift = (apps.get_model("supplies", m) for m in ("Donor", "Donation"))
    assert old_donor.objects.filter(name="李顺喜").count() == 1
    assert set(old_gift.objects.values_list("donor_id", flat=True)) == {shared.pk}
    assert old_donor.objects.get(pk=shared.pk).contact_name == "李顺喜"
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
