"""导出Excel on the donation list exports what the list shows: the status and kind
chosen in its filters, as the ledger's export does."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _donors(response) -> list[str]:
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return sorted(r[3] for r in rows[1:])


def test_the_export_keeps_the_lists_filters(world, cash_gift) -> None:
    cash_gift("李顺喜", "1000")
    cash_gift("赵六", "800", received=False)
    client = world.client("hq")
    page = client.get(reverse("supplies:donations"), {"status": "pledged"}).content.decode()
    assert f'formaction="{reverse("supplies:donations_export")}"' in page
    export = reverse("supplies:donations_export")
    assert _donors(client.get(export, {"status": "pledged", "kind": "cash"})) == ["赵六"]
    assert _donors(client.get(export, {"status": "received"})) == ["李顺喜"]
    assert _donors(client.get(export)) == ["李顺喜", "赵六"]
    assert _donors(client.get(export, {"status": "zz", "kind": "zz"})) == ["李顺喜", "赵六"]
