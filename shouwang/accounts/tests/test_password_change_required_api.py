"""A user who must change their password (temporary, or past PASSWORD_MAX_AGE_DAYS) is
sent to the change page when they open a page; the phones' offline queues and htmx
refreshes are not pages: they get a 403 in JSON saying so, with the change page's URL
(and the page they came from as ``next``), not the change page itself answered 200."""

from __future__ import annotations

import json
import uuid

from django.urls import reverse

from shouwang.accounts.models import User
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.checkpoints.models import CheckIn
from shouwang.checkpoints.tests.factories import make_checkpoint
from shouwang.core.tests.personas import World

from .test_password_max_age import age_password

CHANGE = reverse("accounts:password_change")
CHECKINS = "/api/v1/checkpoints/checkins"
FOLLOWUPS = "/api/v1/watch/followups"
TEMPORARY = "您的密码是管理员设置的临时密码，请先改为只有您自己知道的密码"


def _temporary(user: User) -> None:
    User.objects.filter(pk=user.pk).update(password_temporary=True)


def _vehicle(gate) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "checkpoint": gate.pk,
        "direction": "in",
        "kind": "vehicle",
        "plate": "豫A12345",
    }


def test_an_offline_upload_is_refused_in_json_and_stores_nothing(world: World) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    _temporary(world.guard_a)
    console = f"http://testserver{reverse('checkpoints:console_post', args=[gate.pk])}"
    response = world.client("guard_a").post(
        CHECKINS,
        json.dumps({"items": [_vehicle(gate)]}),
        content_type="application/json",
        headers={"Referer": console},
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body == {
        "detail": TEMPORARY,
        "code": "password_change_required",
        "redirect": f"{CHANGE}?next=/checkpoints/console/{gate.pk}/",
    }
    assert not CheckIn.objects.exists()


def test_an_expired_password_is_refused_the_same_way(world: World, settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(world.staff_a, 91)
    response = world.client("staff_a").post(
        FOLLOWUPS, json.dumps({"items": []}), content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "password_change_required"
    assert body["detail"] == "密码已超过有效期，请先修改密码"
    assert body["redirect"] == CHANGE  # no page it came from: nothing to go back to


def test_an_api_read_is_refused_too(world: World) -> None:
    _temporary(world.staff_a)
    response = world.client("staff_a").get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_an_htmx_request_is_refused_in_json_back_to_the_page_it_came_from(
    world: World,
) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    _temporary(world.guard_a)
    console = f"http://testserver/checkpoints/console/{gate.pk}/"
    response = world.client("guard_a").get(
        f"/checkpoints/console/{gate.pk}/",
        headers={"HX-Request": "true", "HX-Current-URL": console},
    )
    assert response.status_code == 403
    assert response.json()["redirect"] == f"{CHANGE}?next=/checkpoints/console/{gate.pk}/"


def test_a_next_from_another_site_is_left_out(world: World) -> None:
    _temporary(world.staff_a)
    response = world.client("staff_a").get(
        "/api/v1/me", headers={"Referer": "https://evil.example/x"}
    )
    assert response.json()["redirect"] == CHANGE


def test_a_page_is_still_sent_to_the_change_page(world: World) -> None:
    _temporary(world.staff_a)
    response = world.client("staff_a").get(reverse("core:home"))
    assert (response.status_code, response["Location"]) == (302, CHANGE)


def test_the_change_goes_back_to_next_and_the_queue_is_taken_again(world: World) -> None:
    gate = make_checkpoint(world.compound_a, "西城花园北门")
    _temporary(world.guard_a)
    client = world.client("guard_a")
    console = reverse("checkpoints:console_post", args=[gate.pk])
    new = "Qing-shan-2020"
    response = client.post(
        f"{CHANGE}?next={console}",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert (response.status_code, response["Location"]) == (302, console)
    upload = client.post(
        CHECKINS, json.dumps({"items": [_vehicle(gate)]}), content_type="application/json"
    )
    assert upload.status_code == 200
    assert CheckIn.objects.get().plate == "豫A12345"


def test_the_change_never_goes_to_another_site(world: World) -> None:
    _temporary(world.staff_a)
    new = "Qing-shan-2020"
    response = world.client("staff_a").post(
        f"{CHANGE}?next=https://evil.example/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert (response.status_code, response["Location"]) == (302, reverse("core:home"))


def test_the_openapi_document_says_so(world: World) -> None:
    document = world.client("hq").get("/api/v1/openapi.json").json()
    text = json.dumps(document, ensure_ascii=False)
    assert "password_change_required" in text
    assert "403" in document["components"]["securitySchemes"]["session"]["description"]
