"""The auditor audits HQ: an HQ admin who could reset the auditor's password, disable
the account, move it out of sight of HQ's own events or turn an account whose password
they know into an auditor could sign in as the auditor or blind them. Only a superuser
(the server's operator) or another auditor manages an auditor account; HQ creates one,
whose temporary password the auditor changes at the first sign-in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouwang.accounts import actions
from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.roles import Role
from shouwang.accounts.tests.factories import UserFactory
from shouwang.core.tests.personas import World

REFUSED = "审计员账号只能由超级管理员或其他审计员管理"


def test_hq_cannot_reset_the_auditors_password(world: World) -> None:
    before = User.objects.get(pk=world.auditor.pk).password
    url = reverse("accounts:user_reset_password", kwargs={"pk": world.auditor.pk})
    response = world.client("hq").post(url, follow=True)
    page = response.content.decode()
    assert REFUSED in page
    assert "密码" not in response.redirect_chain[-1][0]  # back on the list, nothing shown
    assert User.objects.get(pk=world.auditor.pk).password == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD).exists()


def test_hq_cannot_disable_the_auditor(world: World) -> None:
    url = reverse("accounts:user_toggle_active", kwargs={"pk": world.auditor.pk})
    response = world.client("hq").post(url, follow=True)
    assert REFUSED in response.content.decode()
    assert User.objects.get(pk=world.auditor.pk).is_active


def _edit(world: World, user: User, **fields) -> dict:
    data = {"full_name": user.full_name, "role": user.role, "area": user.area_id, "phone": ""}
    return {**data, **fields}


def test_hq_cannot_move_the_auditor_or_change_the_role(world: World) -> None:
    client = world.client("hq")
    url = reverse("accounts:user_edit", kwargs={"pk": world.auditor.pk})
    for change in ({"area": world.community_a.pk}, {"role": Role.LEADER}):
        response = client.post(url, _edit(world, world.auditor, **change))
        assert response.status_code == 400
        assert REFUSED in response.content.decode()
    auditor = User.objects.get(pk=world.auditor.pk)
    assert (auditor.role, auditor.area) == (Role.AUDITOR, world.subdistrict)


def test_the_edit_page_says_role_and_area_are_not_for_hq(world: World) -> None:
    url = reverse("accounts:user_edit", kwargs={"pk": world.auditor.pk})
    assert REFUSED in world.client("hq").get(url).content.decode()
    url = reverse("accounts:user_edit", kwargs={"pk": world.leader.pk})
    assert REFUSED not in world.client("hq").get(url).content.decode()


def test_hq_still_corrects_the_auditors_name(world: World) -> None:
    url = reverse("accounts:user_edit", kwargs={"pk": world.auditor.pk})
    response = world.client("hq").post(url, _edit(world, world.auditor, full_name="赵审计"))
    assert response.status_code == 302
    assert User.objects.get(pk=world.auditor.pk).full_name == "赵审计"


def test_hq_cannot_make_an_existing_account_an_auditor(world: World) -> None:
    url = reverse("accounts:user_edit", kwargs={"pk": world.leader.pk})
    response = world.client("hq").post(url, _edit(world, world.leader, role=Role.AUDITOR))
    assert response.status_code == 400
    assert "不能把已有账号改为审计员" in response.content.decode()
    assert User.objects.get(pk=world.leader.pk).role == Role.LEADER


def test_the_list_offers_no_reset_or_disable_for_the_auditor(world: World) -> None:
    page = world.client("hq").get(reverse("accounts:users")).content.decode()
    reset = reverse("accounts:user_reset_password", kwargs={"pk": world.auditor.pk})
    toggle = reverse("accounts:user_toggle_active", kwargs={"pk": world.auditor.pk})
    assert reset not in page
    assert toggle not in page
    assert reverse("accounts:user_reset_password", kwargs={"pk": world.leader.pk}) in page


def test_a_superuser_resets_the_auditors_password(world: World) -> None:
    User.objects.filter(pk=world.hq.pk).update(is_superuser=True)
    url = reverse("accounts:user_reset_password", kwargs={"pk": world.auditor.pk})
    response = world.client("hq").post(url)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD).exists()


def test_another_auditor_may_reset_it_through_the_action(world: World) -> None:
    other = UserFactory(username="auditor2", role=Role.AUDITOR, area=world.subdistrict)
    assert actions.reset_password(by=other, user=world.auditor)
    with pytest.raises(ValidationError, match=REFUSED):
        actions.reset_password(by=world.hq, user=other)
