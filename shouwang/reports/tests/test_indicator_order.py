"""The report lists its figures in the seeds' order, each module's together: key
persons and fevers, cases, checkpoints, the ledger (已登记户数, 已登记人数, 应登记户数),
then supplies — not the ledger's figures interleaved with the masks, nor the cases
between 开放卡点 and 值守人员."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.reports import days

pytestmark = pytest.mark.django_db

GROUPS = [
    ["key_in_observation", "key_new", "key_released", "fevers"],
    ["suspected_new", "confirmed_new", "key_areas", "household_visits"],
    ["checkpoints_open", "staff_on_duty"],
    ["households_registered", "persons_registered", "households_expected"],
    ["masks_on_hand", "masks_used", "suits_on_hand"],
]


def test_the_report_lists_each_modules_figures_together_in_the_seeds_order(world):
    day = days.last_closed_day()
    url = reverse("reports:report", args=[world.community_a.pk, day.isoformat()])
    response = world.client("staff_a").get(url)
    codes = [line.code for line in response.context["lines"]]
    for group in GROUPS:
        at = [codes.index(code) for code in group]
        assert at == list(range(at[0], at[0] + len(group))), group
    starts = [codes.index(group[0]) for group in GROUPS]
    assert starts == sorted(starts)
