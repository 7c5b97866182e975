"""No page, list or export shows a full ID or phone; only the audited reveal does,
and only to roles holding ``people.reveal``."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.core.tests.personas import PERSONAS
from shouwang.people.tests.routes import ROUTES

REVEALERS = {"hq", "staff_a"}


@pytest.fixture
def secrets(ledger):
    ledger.home_a.set_landlord_phone("13611112222")
    ledger.home_a.save()
    return {
        "410105194001011230",
        "41010519920304122X",
        "410105198506071253",
        "13512345678",
        "13987654321",
        "13700001111",
        "13611112222",
    }


def page_urls(world, ledger) -> list[tuple[str, str, dict]]:
    """Every GET page of the ledger with rows of community A, plus the search POST and
    the masked export. Routes that only accept POST are covered by the reveal tests."""
    kwargs = {
        "people:area": {"pk": world.building_a.pk},
        "people:household_create": {"pk": world.building_a.pk},
        "people:household": {"pk": ledger.home_a.pk},
        "people:household_edit": {"pk": ledger.home_a.pk},
        "people:person_create": {"pk": ledger.home_a.pk},
        "people:person": {"pk": ledger.zhang.pk},
        "people:person_edit": {"pk": ledger.zhang.pk},
        "people:grid_gaps": {"pk": world.grid_a.pk},
    }
    post_only = {
        "people:export",
        "people:household_reveal",
        "people:person_reveal",
        "people:person_move_out",
        "people:person_restore",
        "people:import_commit",
        "people:import_cancel",
    }
    urls = []
    for name, route in ROUTES.items():
        if name in post_only:
            continue
        if route.kwargs is None:
            urls.append(("get", reverse(name), {}))
        elif name in kwargs:
            urls.append(("get", reverse(name, kwargs=kwargs[name]), {}))
    urls += [
        ("get", reverse("people:area", args=[world.compound_a.pk]), {}),
        ("get", reverse("people:person", args=[ledger.li.pk]), {}),
        ("get", reverse("people:household", args=[ledger.home_a2.pk]), {}),
        ("get", reverse("people:index") + "?status=all", {}),
        ("post", reverse("people:index"), {"q": "张"}),
        ("post", reverse("people:index"), {"q": "1230"}),
        ("post", reverse("people:export"), {}),
        ("post", reverse("people:export_unmasked"), {}),
        ("get", reverse("core:home"), {}),
        ("get", reverse("accounts:audit"), {}),
    ]
    return urls


def birth_dates(secrets: set[str]) -> list[str]:
    """The birth dates inside the 18-digit IDs, as pages and sheets would write them."""
    out = []
    for value in secrets:
        if len(value) == 18:
            y, m, d = value[6:10], value[10:12], value[12:14]
            out += [f"{y}-{m}-{d}", f"{y}{m}{d}", f"{y}年{int(m)}月{int(d)}日", f"{y}/{m}/{d}"]
    return out


def body_text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(v) for row in workbook.worksheets[0].iter_rows(values_only=True) for v in row
        )
    return response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shows_a_full_id_or_phone(world, ledger, secrets, persona):
    # Someone revealed values earlier: that must not leak into any page afterwards.
    hq = world.client("hq")
    hq.post(reverse("people:person_reveal", args=[ledger.zhang.pk, "document"]))
    hq.post(reverse("people:person_reveal", args=[ledger.zhang.pk, "phone"]))
    client = world.client(persona)
    checked = 0
    for method, url, data in page_urls(world, ledger):
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        text = body_text(response)
        leaked = [s for s in secrets if s in text or s.lower() in text]
        # Nor the birth date of an ID: the eight digits a masked ID hides.
        leaked += [born for born in birth_dates(secrets) if born in text]
        assert not leaked, f"{persona} sees {leaked} on {method.upper()} {url}"
        checked += 1
    if persona in ("hq", "staff_a", "grid_a", "leader"):
        assert checked >= 10  # the pages were really rendered for roles that see the ledger


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_permitted_roles_can_reveal_and_each_reveal_is_audited(
    world, ledger, secrets, persona
):
    client = world.client(persona)
    response = client.post(reverse("people:person_reveal", args=[ledger.zhang.pk, "document"]))
    reveals = AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL)
    if persona in REVEALERS:
        assert response.status_code == 200
        assert "410105194001011230" in response.content.decode()
        event = reveals.get()
        assert event.username == persona
        assert event.object_id == str(ledger.zhang.pk)
        assert "证件号码" in event.detail
        assert "410105194001011230" not in event.detail
    else:
        assert response.status_code in (302, 403, 404)
        assert "410105194001011230" not in response.content.decode()
        assert not reveals.exists()


def test_a_reveal_is_a_post(world, ledger):
    client = world.client("staff_a")
    assert (
        client.get(reverse("people:person_reveal", args=[ledger.zhang.pk, "phone"])).status_code
        == 405
    )


def test_the_landlord_phone_is_revealed_the_same_way(world, ledger, secrets):
    response = world.client("staff_a").post(
        reverse("people:household_reveal", args=[ledger.home_a.pk])
    )
    assert "13611112222" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.REVEAL, detail__contains="房东电话"
    ).exists()


def test_a_person_of_another_community_cannot_be_revealed(world, ledger):
    response = world.client("staff_a").post(
        reverse("people:person_reveal", args=[ledger.wang_b.pk, "phone"])
    )
    assert response.status_code == 404


def test_reveals_are_limited_per_user_and_hour(world, ledger, secrets, settings):
    """Community staff may not export unmasked; revealing one person after another
    must not become that export."""
    settings.PEOPLE_REVEALS_PER_HOUR = 3
    client = world.client("staff_a")
    for field in ("document", "phone", "document"):
        url = reverse("people:person_reveal", args=[ledger.zhang.pk, field])
        assert client.post(url).status_code == 200
    response = client.post(reverse("people:person_reveal", args=[ledger.li.pk, "document"]))
    assert response.status_code == 429
    text = response.content.decode()
    assert "查看完整信息过于频繁" in text
    assert "41010519920304122X" not in text
    refused = AuditEvent.objects.get(result=AuditEvent.Result.DENIED)
    assert (refused.action, refused.username) == (AuditEvent.Action.REVEAL, "staff_a")
    response = client.post(reverse("people:household_reveal", args=[ledger.home_a.pk]))
    assert response.status_code == 429
    assert "13611112222" not in response.content.decode()
    # the hour is each user's own
    url = reverse("people:person_reveal", args=[ledger.li.pk, "phone"])
    response = world.client("hq").post(url)
    assert response.status_code == 200
