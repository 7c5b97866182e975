"""The poster buttons refuse a malformed SHOUWANG_PUBLIC_URL, as ``shouwang posters``
does: without http:// or https:// and a host every QR code printed would be dead. A
system check says so at startup."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..checks import check_public_url
from .factories import make_checkpoint

pytestmark = pytest.mark.django_db

BAD = ["fk.example.gov.cn", "www.fk.example.gov.cn/", "ftp://fk.example.gov.cn", "https://"]
FIX = "以 http:// 或 https:// 开头"


@pytest.fixture
def gate(world):
    return make_checkpoint(world.compound_a, "东门")


@pytest.mark.parametrize("base_url", BAD)
def test_the_poster_button_refuses_a_malformed_public_url(world, gate, settings, base_url) -> None:
    settings.SHOUWANG_PUBLIC_URL = base_url
    client = world.client("staff_a")
    for url in (
        reverse("checkpoints:poster", args=[gate.pk]),
        reverse("checkpoints:posters"),
        reverse("checkpoints:qr", args=[gate.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 409, url
        assert response["Content-Type"].startswith("text/html")
        assert FIX in response.content.decode()
        assert "SHOUWANG_PUBLIC_URL" in response.content.decode()
    detail = client.get(reverse("checkpoints:detail", args=[gate.pk])).content.decode()
    assert FIX in detail
    assert reverse("checkpoints:qr", args=[gate.pk]) not in detail


def test_the_poster_button_prints_with_a_good_public_url(world, gate, settings) -> None:
    settings.SHOUWANG_PUBLIC_URL = "https://fk.example.gov.cn/"
    response = world.client("staff_a").get(reverse("checkpoints:poster", args=[gate.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("base_url", BAD)
def test_a_system_check_warns_of_a_malformed_public_url(settings, base_url) -> None:
    settings.SHOUWANG_PUBLIC_URL = base_url
    [warning] = check_public_url(None)
    assert warning.id == "checkpoints.W001"
    assert FIX in warning.msg


@pytest.mark.parametrize("base_url", ["", "https://fk.example.gov.cn", "http://10.0.0.5:8000"])
def test_the_system_check_passes_a_good_or_unset_public_url(settings, base_url) -> None:
    settings.SHOUWANG_PUBLIC_URL = base_url
    assert check_public_url(None) == []
