"""The register's search box: by POST, like the ledger's, so that an ID or phone number
typed into it never lands in a URL (address bar, access log, browser history)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.watch import actions
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def urls_in(page: str) -> list[str]:
    return re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', page)


def same_tail_number(number: str) -> str:
    """Another valid ID number with the same last four characters."""
    for year in range(1950, 2000):
        other = f.id_number(int(number[14:17]), born=f"{year}0101")
        if other != number and other[-4:] == number[-4:]:
            return other
    raise AssertionError("no such number")


def test_the_search_form_posts_and_no_link_carries_the_number(world) -> None:
    record = f.key_person(world.building_a, "甲")
    number = record.person.document_number
    client = world.client("staff_a")
    page = client.get(reverse("watch:index")).content.decode()
    assert re.search(r'<form class="filters" method="post"', page)
    response = client.post(reverse("watch:index"), {"q": number})
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲" in html
    assert all(number not in url and number[-4:] not in url for url in urls_in(html))
    rows = client.post(reverse("watch:index"), {"q": number}, HTTP_HX_REQUEST="true")
    assert "hx-push-url" not in rows.content.decode()
    assert all(number[-4:] not in url for url in urls_in(rows.content.decode()))


def test_a_full_id_number_finds_only_that_person(world) -> None:
    record = f.key_person(world.building_a, "甲")
    number = record.person.document_number
    twin = f.person(world.building_a, "乙")
    twin.set_document("id_card", same_tail_number(number))
    twin.save()
    f.key_person(world.building_a, "丙")
    actions.register_key_person(
        person=twin,
        category=f.category(),
        source="police",
        measure="home",
        start_date=record.start_date,
        planned_end=record.planned_end,
        by=None,
    )
    client = world.client("staff_a")
    by_number = client.post(reverse("watch:index"), {"q": number}).content.decode()
    assert "甲" in by_number
    assert "乙" not in by_number
    by_tail = client.post(reverse("watch:index"), {"q": number[-4:]}).content.decode()
    assert "甲" in by_tail
    assert "乙" in by_tail
    assert "丙" not in by_tail


def test_full_width_digits_and_spaces_are_read_as_typed(world) -> None:
    record = f.key_person(world.building_a, "甲")
    f.key_person(world.building_a, "丙")
    tail = record.person.document_number[-4:]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in tail)
    client = world.client("staff_a")
    found = client.post(reverse("watch:index"), {"q": f" {full_width} "}).content.decode()
    assert "甲" in found
    assert "丙" not in found


@pytest.mark.parametrize("typed", ["+86 135 1234 5678", "135-1234-5678", "+86-13512345678"])
def test_a_mobile_number_is_found_as_it_is_written(world, typed) -> None:
    record = f.key_person(world.building_a, "甲")
    record.person.set_phone("13512345678")
    record.person.save()
    f.key_person(world.building_a, "丙")
    found = world.client("staff_a").post(reverse("watch:index"), {"q": typed}).content.decode()
    assert "甲" in found
    assert "丙" not in found


def test_paging_by_post_keeps_the_search_and_the_filters(world) -> None:
    for i in range(52):
        f.key_person(world.building_a, f"王{i:02d}")
    f.key_person(world.building_a, "李")
    client = world.client("staff_a")
    first = client.post(reverse("watch:index"), {"q": "王", "status": "active"})
    html = first.content.decode()
    assert "李" not in html
    assert 'name="page" value="2"' in html
    assert '<input type="hidden" name="q" value="王">' in html
    second = client.post(reverse("watch:index"), {"q": "王", "status": "active", "page": "2"})
    rows = second.content.decode()
    assert second.status_code == 200
    assert "李" not in rows
    assert rows.count("王") >= 2
    assert 'name="page" value="1"' in rows


def test_the_export_takes_the_posted_search(world) -> None:
    f.key_person(world.building_a, "甲")
    f.key_person(world.building_a, "丙")
    page = world.client("staff_a").post(reverse("watch:index"), {"q": "甲"}).content.decode()
    export = reverse("watch:export")
    assert re.search(rf'<form[^>]*method="post"[^>]*action="{export}"', page)
    response = world.client("staff_a").post(reverse("watch:export"), {"q": "甲"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["甲"]


def test_links_with_filters_still_open_by_get(world) -> None:
    f.key_person(world.building_a, "甲")
    response = world.client("staff_a").get(reverse("watch:index"), {"status": "released"})
    assert response.status_code == 200
    assert "甲" not in response.content.decode()
