"""A household visit's note is free text: the grid worker may type a relative's phone
or an ID number into it. The alert it raises, read by the community, HQ and the wall
screen, quotes it with such numbers masked, as follow-up alerts do."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from .factories import attempt_on, unreached, visit_data

PHONE, ID = "13812345678", "41010519900101123X"


def test_a_findings_note_is_quoted_masked(marked):
    household = marked.zhang.household
    marked.client("grid_a").post(
        reverse("cases:visit", args=[household.pk]),
        visit_data(
            person=marked.zhang_wife.pk, temperature="38.2", note=f"女儿电话{PHONE}，证件{ID}"
        ),
    )
    page = marked.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert "说明：女儿电话138****5678，证件410105********123X" in page
    assert PHONE not in page
    assert ID not in page


def test_a_second_day_not_reached_quotes_its_note_masked(marked, today):
    household = marked.zhang.household
    attempt_on(marked, household, today - timedelta(days=1))
    unreached(marked.client("grid_a"), household.pk, note=f"邻居说已搬走，房东电话{PHONE}")
    page = marked.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert "房东电话138****5678" in page
    assert PHONE not in page
