"""Last winter's cases read this winter name their days with their year ("11-23" would
be this year's); this year's days keep the short form."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from .factories import make_case, make_contact


def test_the_case_list_names_last_year_s_days_with_the_year(world, today) -> None:
    last_year = date(today.year - 1, 11, 23)
    make_case(world.building_a, report_date=last_year, confirmed_date=last_year)
    make_case(world.building_a, report_date=today, confirmed_date=today)
    page = world.client("staff_a").get(reverse("cases:list")).content.decode()
    assert f"<td>{today.year - 1}年11月23日</td>" in page
    assert f"<td>{today.month}月{today.day}日</td>" in page
    assert f"{today.year}年" not in page


def test_the_chain_names_last_year_s_contact_day_with_the_year(world, today) -> None:
    root = make_case(
        world.building_a,
        onset_date=date(today.year - 1, 12, 28),
        report_date=date(today.year - 1, 12, 30),
        confirmed_date=date(today.year - 1, 12, 30),
    )
    make_contact(root, world.building_a, last_contact_date=date(today.year - 1, 12, 29))
    page = world.client("staff_a").get(reverse("cases:detail", args=[root.pk])).content.decode()
    assert f"· {today.year - 1}年12月29日" in page
