"""``shouwang demo`` adds key persons with a few days of follow-ups, idempotently."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.cases.models import Contact
from shouwang.core.demo import DemoContext
from shouwang.people.models import Person
from shouwang.watch import demo
from shouwang.watch.models import Alert, FollowUp, KeyPerson, Lead, LocateTask
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (KeyPerson, FollowUp, Alert, Lead, LocateTask, Person))


def test_the_demo_is_alive_and_a_second_run_adds_nothing(client) -> None:
    call_command("demo", size="tiny", no_serve=True, stdout=io.StringIO())
    first = counts()
    # the cases demo, which runs after this one, may put its contacts under observation
    observed_contacts = Contact.objects.filter(key_person__isnull=False).count()
    assert demo.COUNTS["tiny"] <= first[0] <= demo.COUNTS["tiny"] + observed_contacts
    assert first[1] > first[0]  # a few days of follow-ups
    assert KeyPerson.objects.filter(status="released").exists()
    assert Alert.objects.filter(kind=Alert.Kind.FEVER).exists()
    assert Lead.objects.pending().exists()
    assert LocateTask.objects.pending().count() == 2
    # nothing recorded later than now (the slot open now, followed up at most now)
    assert not FollowUp.objects.filter(recorded_at__gt=timezone.now()).exists()
    # someone tried in vain since yesterday: 疑似失联, listed and alerted
    assert Alert.objects.filter(kind=Alert.Kind.LOST).count() == 1
    call_command("demo", size="tiny", no_serve=True, stdout=io.StringIO())
    assert counts() == first
    from shouwang.accounts.models import User

    client.force_login(User.objects.get(username="grid_a"))
    page = client.get(reverse("watch:today")).content.decode()
    assert page.count("w-card") >= 1
    client.force_login(User.objects.get(username="hq"))  # in whichever community
    assert "个时段，共" in client.get(reverse("watch:lost")).content.decode()


def test_the_demo_uses_the_ledger_s_persons_when_there_are_some(world) -> None:
    for i in range(8):
        f.person(world.building_a if i % 2 else world.building_b, f"台账{i}")
    before = Person.objects.count()
    ctx = DemoContext(size_name="tiny", rng=random.Random(1), out=io.StringIO())
    ctx.subdistrict = world.subdistrict
    ctx.users = {"staff_a": world.staff_a}
    demo.build(ctx)
    assert Person.objects.count() == before
    names = set(KeyPerson.objects.values_list("person__name", flat=True))
    assert len(names) == demo.COUNTS["tiny"]
    assert all(n.startswith("台账") for n in names)
    assert KeyPerson.objects.within(world.community_a).exists()
    assert Area.objects.get(pk=world.building_b.pk)
