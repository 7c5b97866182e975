"""本人自报链接 is Post/Redirect/Get: the button's POST generates the link (one audited
reveal) and answers 303 to a GET page showing it, which the browser can reload — or
go back to — without a second reveal. The signed link stays in the session that
generated it, never in the redirect's URL (nor an access log); the GET checks scope and
permission as the POST does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.watch import actions
from shouwang.watch.models import KeyPerson

pytestmark = pytest.mark.django_db


def reveals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL)


def page_url(record) -> str:
    return reverse("watch:self_link", args=[record.pk])


def self_report(record) -> str:
    return reverse("watch:self_report", args=[record.self_report_token()])


def test_the_post_answers_303_to_a_page_without_the_link_in_its_url(world, record) -> None:
    response = world.client("staff_a").post(page_url(record))
    assert response.status_code == 303
    assert response["Location"] == page_url(record)
    assert reveals().count() == 1


def test_reloading_the_page_shows_the_link_again_without_a_second_reveal(world, record) -> None:
    client = world.client("staff_a")
    client.post(page_url(record))
    token = client.session["watch.self_links"][str(record.pk)]
    for _ in range(3):  # the redirect's GET, then two reloads
        response = client.get(page_url(record))
        assert response.status_code == 200
        page = response.content.decode()
        assert reverse("watch:self_report", args=[token]) in page
        assert "<svg" in page
    reveal = reveals().get()
    assert (reveal.user, reveal.detail) == (world.staff_a, "生成本人自报链接")


def test_following_the_redirect_shows_the_link(world, record) -> None:
    response = world.client("staff_a").post(page_url(record), follow=True)
    assert response.redirect_chain == [(page_url(record), 303)]
    assert "/watch/s/" in response.content.decode()
    assert reveals().count() == 1


def test_a_get_without_a_press_in_this_session_shows_no_link(world, record) -> None:
    world.client("staff_a").post(page_url(record))  # another browser of the same user
    response = world.client("staff_a").get(page_url(record))
    assert response.status_code == 302
    assert response["Location"] == reverse("watch:detail", args=[record.pk])
    assert "/watch/s/" not in response.content.decode()
    assert reveals().count() == 1


def test_a_get_shows_only_this_record_s_link(world, record) -> None:
    from shouwang.watch.tests import factories as f

    other = f.key_person(world.building_a, "李四")
    client = world.client("staff_a")
    client.post(page_url(record))
    response = client.get(page_url(other))
    assert response.status_code == 302
    assert reveals().count() == 1


def test_the_get_is_404_for_another_community(world, record) -> None:
    client = world.client("staff_b")
    assert client.post(page_url(record)).status_code == 404
    assert client.get(page_url(record)).status_code == 404
    assert not reveals().exists()


def test_the_get_is_403_for_a_leader(world, record) -> None:
    client = world.client("leader")
    assert client.post(page_url(record)).status_code == 403
    assert client.get(page_url(record)).status_code == 403
    assert not reveals().exists()


def test_the_get_is_404_once_the_record_ended(world, record) -> None:
    client = world.client("staff_a")
    client.post(page_url(record))
    actions.change_status(
        key_person=record,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=world.staff_a,
    )
    response = client.get(page_url(record))
    assert response.status_code == 404
    assert "/watch/s/" not in response.content.decode()


def test_the_get_shows_no_link_once_self_report_is_turned_off(world, record, policy_a) -> None:
    client = world.client("staff_a")
    client.post(page_url(record))
    policy_a.self_report = False
    policy_a.save()
    response = client.get(page_url(record), follow=True)
    assert response.redirect_chain == [(reverse("watch:detail", args=[record.pk]), 302)]
    assert "/watch/s/" not in response.content.decode()
    assert "本社区未开启本人自报" in response.content.decode()
