"""A resident who reloads the page and taps 出 again at the same post within minutes is
making one outing: the household quota does not count the first tap against the
second — without a query more on the one-tap hot path."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouwang.watch.models import Alert

from ..models import CheckIn, PassRule
from .factories import make_checkpoint, registration
from .test_resident import tap_data


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "西城花园东门")


def registered(world, gate, **overrides) -> Client:
    client = Client()
    client.post(
        reverse("checkin:register", args=[gate.code]),
        registration(world, direction="out", **overrides),
    )
    return client


@pytest.mark.django_db
def test_a_second_tap_out_at_the_same_post_is_not_over_the_quota(world, gate) -> None:
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    client = registered(world, gate)
    response = client.post(reverse("checkin:scan", args=[gate.code]), tap_data(direction="out"))
    assert 'data-result="g"' in response.content.decode()
    assert list(CheckIn.objects.values_list("result", flat=True)) == ["g", "g"]
    assert not Alert.objects.filter(kind=Alert.Kind.QUOTA).exists()


@pytest.fixture
def at_local_noon():
    """The clock at 12:00 today, local time: two hours back is still the same day
    whatever the hour the test runs at (from 16:00 to 18:00 UTC it was yesterday)."""
    noon = datetime.combine(timezone.localdate(), time(12), tzinfo=timezone.get_current_timezone())
    with mock.patch("django.utils.timezone.now", return_value=noon):
        yield noon


@pytest.mark.django_db
def test_another_outing_later_the_same_day_is_over_the_quota(world, gate, at_local_noon) -> None:
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    client = registered(world, gate)
    CheckIn.objects.update(at=at_local_noon - timedelta(hours=2))
    response = client.post(reverse("checkin:scan", args=[gate.code]), tap_data(direction="out"))
    assert 'data-result="r"' in response.content.decode()
    assert Alert.objects.filter(kind=Alert.Kind.QUOTA).count() == 1


@pytest.mark.django_db
def test_a_household_members_outing_at_the_same_post_still_counts(world, gate) -> None:
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    registered(world, gate)
    second = registered(world, gate, name="王小红", phone="13912345679")
    assert second.cookies  # registered on its own phone
    assert list(CheckIn.objects.order_by("pk").values_list("result", flat=True)) == ["g", "r"]


@pytest.mark.django_db(transaction=True)  # no test transaction: the tap's own commit
def test_a_repeat_tap_out_under_a_quota_costs_no_more_queries(
    world, gate, django_assert_num_queries
) -> None:
    """The pass with its person, the household's outings, the INSERT."""
    PassRule.objects.create(area=world.compound_a, outing_quota=1)
    client = registered(world, gate)
    scan = reverse("checkin:scan", args=[gate.code])
    client.post(scan, tap_data())  # warms the per-process caches
    with django_assert_num_queries(3):
        response = client.post(scan, tap_data(direction="out"))
    assert 'data-result="g"' in response.content.decode()
