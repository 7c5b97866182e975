"""The ledger's filters (辖区, 标签, 居住类型, 状态, the page) replace the address bar's as
the rows change (one history entry, not one a keystroke), so a reload or a shared link
shows the same list and exports the same persons; the typed search text stays out of it
(it may be an ID or phone number, privacy.md)."""

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.people.models import Person, Tag

pytestmark = pytest.mark.django_db


def replaced(response) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(response["HX-Replace-Url"])
    return parts.path, parse_qs(parts.query)


def test_filtering_puts_the_filters_in_the_address_bar_but_not_the_typed_text(world, ledger):
    tag = Tag.objects.get(name="独居老人")
    response = world.client("staff_a").post(
        reverse("people:index"),
        {"q": "13512345678", "tag": tag.pk, "status": "all", "area": world.building_a.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert replaced(response) == (
        reverse("people:index"),
        {"tag": [str(tag.pk)], "status": ["all"], "area": [str(world.building_a.pk)]},
    )
    assert "1351234" not in response["HX-Replace-Url"]
    assert "5678" not in response["HX-Replace-Url"]


def test_no_filter_is_the_bare_address(world, ledger):
    response = world.client("staff_a").post(
        reverse("people:index"), {"q": ""}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Replace-Url"] == reverse("people:index")


def test_a_page_of_the_filtered_list_is_in_the_address_too(world, ledger):
    response = world.client("staff_a").post(
        reverse("people:index"),
        {"residence_type": Person.ResidenceType.TEMPORARY, "page": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert replaced(response)[1] == {"residence_type": ["temporary"], "page": ["2"]}


def test_the_address_alone_renders_the_filtered_list_and_its_export(world, ledger):
    client = world.client("staff_a")
    address = reverse("people:index") + f"?residence_type=temporary&area={world.compound_a.pk}"
    response = client.get(address)
    assert response.status_code == 200
    assert {p.name for p in response.context["persons"]} == {"李小红"}
    page = response.content.decode()
    assert 'value="temporary" selected' in page
    export = re.search(
        r'<form method="post" action="{}">(.*?)</form>'.format(reverse("people:export")),
        page,
        re.S,
    )
    assert export
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', export[1]))
    hidden.pop("csrfmiddlewaretoken", None)
    assert hidden == {"area": str(world.compound_a.pk), "residence_type": "temporary"}
    content = client.post(reverse("people:export"), hidden).content
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["李小红"]
