"""The pass list names a pass issued last winter with its year ("11-23 10:00" would be
this year's); passes of this year keep the short form."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from ..models import Pass
from .factories import make_pass, make_person

pytestmark = pytest.mark.django_db


def test_the_pass_list_names_last_year_s_pass_with_its_year(world) -> None:
    today = timezone.localdate()
    old = make_pass(make_person(world.building_a, "张去年"), kind=Pass.Kind.CARD)
    issued = timezone.make_aware(datetime.combine(date(today.year - 1, 11, 23), time(10, 5)))
    Pass.objects.filter(pk=old.pk).update(created_at=issued)
    make_pass(make_person(world.building_a, "李今年"), kind=Pass.Kind.CARD)
    now = timezone.localtime()
    page = world.client("staff_a").get(reverse("checkpoints:passes")).content.decode()
    assert f"<td>{today.year - 1}年11月23日 10:05</td>" in page
    assert f"<td>{now.month}月{now.day}日 {now:%H:%M}</td>" in page
    assert f"{today.year}年" not in page
