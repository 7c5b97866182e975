"""The import preview writes its totals with thousands separators, as its rows and
every other page do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import item, location
from .test_import import sheet, upload

pytestmark = pytest.mark.django_db


def test_the_preview_writes_totals_with_thousands_separators(world) -> None:
    item("医用口罩")
    location(world.subdistrict, "明湖街道仓库")
    preview = world.client("hq").post(
        reverse("supplies:import"),
        {"file": upload(sheet([["明湖街道仓库", "医用口罩", 40, "箱", ""]]))},
    )
    assert "合计：医用口罩 80,000个" in preview.content.decode()
