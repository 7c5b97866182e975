"""Idle sessions are logged out after IDLE_TIMEOUT_MINUTES (30 by default)."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from shouwang.accounts.middleware import SESSION_LAST_SEEN
from shouwang.accounts.models import AuditEvent
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.personas import World


def signed_in(idle_minutes: float) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    client.get(reverse("core:home"))  # records the first "last seen"
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time() - idle_minutes * 60)
    session.save()
    return client


def test_it_defaults_to_thirty_minutes(settings) -> None:
    assert settings.IDLE_TIMEOUT_MINUTES == 30


def test_it_keeps_a_session_idle_for_less_than_the_timeout(world: World) -> None:
    client = signed_in(idle_minutes=29)
    assert client.get(reverse("core:home")).status_code == 200


def test_it_logs_out_a_session_idle_for_longer(world: World) -> None:
    client = signed_in(idle_minutes=31)
    response = client.get(reverse("areas:tree"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/areas/"
    follow = client.get(response["Location"])
    assert "长时间未操作，已自动退出" in follow.content.decode()
    assert not follow.wsgi_request.user.is_authenticated
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.user == world.staff_a
    assert event.detail == "空闲超时自动退出"


def test_it_reads_the_timeout_from_settings(world: World, settings) -> None:
    settings.IDLE_TIMEOUT_MINUTES = 5
    client = signed_in(idle_minutes=6)
    assert client.get(reverse("core:home")).status_code == 302


def test_it_redirects_an_htmx_request_through_a_header(world: World) -> None:
    client = signed_in(idle_minutes=31)
    response = client.get(reverse("accounts:users"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_it_answers_an_api_call_with_401(world: World) -> None:
    client = signed_in(idle_minutes=31)
    assert client.get("/api/v1/me").status_code == 401


def test_it_refreshes_the_last_seen_time_on_activity(world: World) -> None:
    client = signed_in(idle_minutes=20)
    client.get(reverse("core:home"))
    assert time.time() - client.session[SESSION_LAST_SEEN] < 5


def test_a_refresh_after_the_session_ended_reloads_the_whole_page_at_login(world: World) -> None:
    """The wall screen refreshes its panel every minute; once the session is gone (logged
    out elsewhere, expired, disabled) the login page must not land inside the panel."""
    client = world.client("hq")
    wall = reverse("dashboard:wall")
    assert client.get(wall, headers={"HX-Request": "true"}).status_code == 200
    world.hq.is_active = False
    world.hq.save(update_fields=["is_active"])
    response = client.get(wall, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login") + "?next=")
    # An ordinary page load keeps the ordinary redirect.
    assert client.get(wall).status_code == 302


def test_a_form_posted_after_the_timeout_comes_back_to_its_page_after_login(world: World) -> None:
    """A tap on 今日随访 half an hour after the last one: after signing in again the
    worker is back on 今日随访, not on the URL the form posted to (GET there is a 405)."""
    today = reverse("watch:today")
    client = signed_in(idle_minutes=31)
    response = client.post(
        reverse("watch:followup", args=[1]),
        {"method": "phone"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{today}?page=2"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next={today}%3Fpage%3D2"
    client = signed_in(idle_minutes=31)
    plain = client.post(
        reverse("watch:followup", args=[1]), {}, headers={"Referer": f"http://testserver{today}"}
    )
    assert plain["Location"] == f"{reverse('accounts:login')}?next={today}"


def test_a_post_from_another_site_is_not_sent_back_there(world: World) -> None:
    client = signed_in(idle_minutes=31)
    response = client.post(
        reverse("watch:followup", args=[1]), {}, headers={"Referer": "https://evil.example/x"}
    )
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"
