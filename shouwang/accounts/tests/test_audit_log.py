"""The auditor's page: search the audit log of the auditor's subtree."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import PASSWORD, UserFactory
from shouwang.core.tests.personas import World

URL = reverse("accounts:audit")


def log_in(username: str, password: str = PASSWORD) -> None:
    Client().post(reverse("accounts:login"), {"username": username, "password": password})


def listed(response) -> list[tuple[str, str]]:
    return [(e.username, e.action) for e in response.context["page"]]


def test_it_lists_logins_and_denials_newest_first(world: World) -> None:
    log_in("staff_a")
    world.client("staff_b").get(reverse("accounts:users"))  # 403, audited
    response = world.client("auditor").get(URL)
    assert response.status_code == 200
    assert listed(response) == [("staff_b", "denied"), ("staff_a", "login")]
    assert "拒绝访问" in response.content.decode()


def test_it_shows_failed_logins_of_unknown_names_at_the_top(world: World) -> None:
    log_in("nobody", "wrong")
    response = world.client("auditor").get(URL)
    assert listed(response) == [("nobody", "login_failed")]


def test_a_community_auditor_sees_only_its_community(world: World) -> None:
    auditor_a = UserFactory(username="auditor_a", role=Role.AUDITOR, area=world.community_a)
    log_in("staff_a")
    log_in("staff_b")
    log_in("nobody", "wrong")
    client = Client()
    client.force_login(auditor_a)
    response = client.get(URL)
    assert listed(response) == [("staff_a", "login")]


def test_it_filters_by_text_action_result_and_date(world: World) -> None:
    log_in("staff_a")
    log_in("staff_b", "wrong")
    client = world.client("auditor")
    assert listed(client.get(URL, {"q": "staff_b"})) == [("staff_b", "login_failed")]
    assert listed(client.get(URL, {"action": "login"})) == [("staff_a", "login")]
    assert listed(client.get(URL, {"result": "failed"})) == [("staff_b", "login_failed")]
    assert listed(client.get(URL, {"end": "2020-01-01"})) == []
    assert listed(client.get(URL, {"q": "127.0.0.1", "result": "ok"})) == [("staff_a", "login")]


def test_an_invalid_filter_says_so_and_lists_nothing(world: World) -> None:
    log_in("staff_a")
    client = world.client("auditor")
    response = client.get(URL, {"q": "staff_a", "start": "2020-13-45"})
    assert response.status_code == 400
    assert listed(response) == []
    assert "起始日期：日期格式应为 年-月-日" in response.content.decode()
    assert client.get(URL, {"q": "staff_a", "start": "2020-01-01"}).status_code == 200


def test_an_end_before_the_start_is_refused(world: World) -> None:
    response = world.client("auditor").get(URL, {"start": "2020-02-02", "end": "2020-02-01"})
    assert response.status_code == 400
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_an_invalid_filter_exports_nothing(world: World) -> None:
    log_in("staff_a")
    client = world.client("auditor")
    response = client.get(reverse("accounts:audit_export"), {"action": "zzz"})
    assert response.status_code == 400
    assert "attachment" not in response.get("Content-Disposition", "")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_it_serves_the_rows_fragment_to_htmx(world: World) -> None:
    response = world.client("auditor").get(URL, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()


def test_it_pages_with_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(username=f"u{n}", action="login", area=world.community_a) for n in range(120)
    )
    client = world.client("auditor")
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.context["page"]) == 50


def test_everyone_but_the_auditor_gets_403(world: World) -> None:
    for persona in ("hq", "leader", "staff_a", "grid_a", "guard_a"):
        assert world.client(persona).get(URL).status_code == 403, persona
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == 5


def test_it_finds_the_changes_made_to_an_account_by_its_username(world: World) -> None:
    world.client("hq").post(reverse("accounts:user_reset_password", args=[world.staff_b.pk]))
    found = world.client("auditor").get(URL, {"q": "staff_b"})
    assert listed(found) == [("hq", "password")]
    assert found.context["page"][0].object_repr == f"{world.staff_b.full_name}（staff_b）"


def test_a_day_before_1900_is_refused_not_a_500(world: World) -> None:
    log_in("staff_a")
    client = world.client("auditor")
    for params in ({"start": "0001-01-01"}, {"end": "0001-01-01"}):
        response = client.get(URL, params)
        assert response.status_code == 400
        assert "日期不能早于 1900-01-01" in response.content.decode()
        assert listed(response) == []
        export = client.get(reverse("accounts:audit_export"), params)
        assert export.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    response = client.get(URL, {"start": "1900-01-01", "end": "9999-12-31"})
    assert listed(response) == [("staff_a", "login")]
