"""The register's filters: an invalid one (another community, a category or status that
does not exist) is a 400 that says so and lists and exports nothing — never the whole
list in the user's scope, like the stock ledger and the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db

BAD = [
    pytest.param("community_b", "社区：", id="another-community"),
    pytest.param({"community": "x"}, "社区：", id="community-not-a-number"),
    pytest.param({"category": "999999"}, "类别：", id="no-such-category"),
    pytest.param({"status": "bogus"}, "状态：", id="no-such-status"),
    pytest.param({"q": "x" * 51}, "搜索：", id="search-too-long"),
]


def _query(world, bad) -> dict:
    return {"community": world.community_b.pk} if bad == "community_b" else bad


@pytest.mark.parametrize(("bad", "field"), BAD)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_invalid_filter_lists_nothing(world, bad, field, method) -> None:
    f.key_person(world.building_a, "甲")
    client = world.client("staff_a")
    response = getattr(client, method)(reverse("watch:index"), _query(world, bad))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"筛选条件有误，未显示记录：{field}" in page
    assert "甲" not in page.split("筛选条件有误")[1]
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize(("bad", "field"), BAD)
def test_an_invalid_filter_refreshes_the_rows_with_the_message(world, bad, field) -> None:
    f.key_person(world.building_a, "甲")
    response = world.client("staff_a").post(
        reverse("watch:index"), _query(world, bad), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    rows = response.content.decode()
    assert "筛选条件有误" in rows
    assert "甲" not in rows.split("筛选条件有误")[1]


@pytest.mark.parametrize(("bad", "field"), BAD)
def test_an_invalid_filter_exports_nothing(world, bad, field) -> None:
    f.key_person(world.building_a, "甲")
    response = world.client("staff_a").post(reverse("watch:export"), _query(world, bad))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "筛选条件有误" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_page_wraps_the_rows_to_take_a_400(world) -> None:
    page = world.client("staff_a").get(reverse("watch:index")).content.decode()
    assert "<section data-swap-400>" in page  # swapped in by shouwang/app.js
    assert "shouwang/app.js" in page


def test_a_valid_filter_still_lists(world) -> None:
    f.key_person(world.building_a, "甲")
    client = world.client("staff_a")
    response = client.post(reverse("watch:index"), {"community": world.community_a.pk})
    assert response.status_code == 200
    assert "甲" in response.content.decode()
    assert "筛选条件有误" not in response.content.decode()
