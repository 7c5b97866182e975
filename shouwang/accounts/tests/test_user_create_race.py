"""Two accounts with one username saved at the same moment: the second gets the
message a later duplicate gets (see ``shouwang.core.tests.races``)."""

from __future__ import annotations

from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.tests.test_user_create import URL, form
from shouwang.core.tests.personas import World
from shouwang.core.tests.races import rival_after_checks


def test_it_refuses_a_username_taken_at_the_same_moment(world: World) -> None:
    client = world.client("hq")  # signing in saves the user: before the race
    count = User.objects.count()
    with rival_after_checks(User):
        response = client.post(URL, form(world, username="staff_b"))
    assert response.status_code == 400
    assert "用户名“staff_b”已被使用" in response.content.decode()
    assert User.objects.count() == count
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()
