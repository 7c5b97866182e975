"""PASSWORD_MAX_AGE_DAYS sends users with an old password to change it."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.models import User
from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.personas import World


def age_password(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )


def test_it_never_expires_by_default(world: World, settings) -> None:
    assert settings.PASSWORD_MAX_AGE_DAYS == 0
    age_password(world.staff_a, 3000)
    assert world.client("staff_a").get(reverse("core:home")).status_code == 200


def test_it_redirects_an_expired_password_to_the_change_page(world: World, settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(world.staff_a, 91)
    client = world.client("staff_a")
    response = client.get(reverse("areas:tree"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "密码已超过有效期" in page.content.decode()


def test_it_lets_the_user_in_after_the_change(world: World, settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(world.staff_a, 91)
    client = world.client("staff_a")
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Qing-shan-2020",
            "new_password2": "Qing-shan-2020",
        },
    )
    assert client.get(reverse("core:home")).status_code == 200


def test_it_leaves_a_recent_password_alone(world: World, settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(world.staff_a, 89)
    assert world.client("staff_a").get(reverse("core:home")).status_code == 200


def test_an_expired_password_cannot_be_renewed_as_it_is(world: World, settings) -> None:
    """Typing the old password as the new one would restart its age and defeat the
    rotation the deployment asked for."""
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(world.staff_a, 91)
    client = world.client("staff_a")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 400
    assert "新密码不能与当前密码相同" in response.content.decode()
    world.staff_a.refresh_from_db()
    assert world.staff_a.password_expired()
    assert client.get(reverse("core:home")).status_code == 302
