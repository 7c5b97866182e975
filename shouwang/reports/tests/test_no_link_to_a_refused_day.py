"""The overview and the bulletin link the day before and after: not to a day that
is refused. 0001-01-01 has no day before it (a 400), so the page of 0001-01-02 offers
no ‹ 前一天."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["reports:overview", "reports:bulletin"])
def test_the_second_day_of_the_calendar_links_no_day_before(world, page):
    client = world.client("hq")
    response = client.get(reverse(page), {"day": "0001-01-02"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "0001-01-01" not in html
    assert "‹ 前一天" not in html
    assert client.get(reverse(page), {"day": "0001-01-01"}).status_code == 400


@pytest.mark.parametrize("page", ["reports:overview", "reports:bulletin"])
def test_the_third_day_links_the_second(world, page):
    response = world.client("hq").get(reverse(page), {"day": "0001-01-03"})
    html = response.content.decode()
    assert 'day=0001-01-02">‹ 前一天' in html
