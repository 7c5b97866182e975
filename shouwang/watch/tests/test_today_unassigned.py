"""A record no grid worker answers for (its compound in no grid, its worker gone) says
so on 今日随访's 全社区 card — otherwise nobody's 我负责的 shows it and it just goes overdue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_card_of_a_record_nobody_answers_for_says_unassigned(world, clock, policy_a) -> None:
    clock.set(clock.today, 7, 0)
    nobody = f.key_person(world.building_a, "无人管")
    f.key_person(world.building_a, "有人管")
    KeyPerson.objects.filter(pk=nobody.pk).update(responsible=None)
    page = world.client("staff_a").get(reverse("watch:today"), {"all": "1"}).content.decode()
    mine = page[page.index("无人管") : page.index("</section>", page.index("无人管"))]
    theirs = page[page.index("有人管") : page.index("</section>", page.index("有人管"))]
    assert "未分配网格员" in mine
    assert "未分配网格员" not in theirs
