from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.core.tests.personas import World


def test_it_logs_out_on_post_and_audits_it(world: World) -> None:
    client = world.client("staff_a")
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT).user == world.staff_a


def test_it_refuses_a_get(world: World) -> None:
    assert world.client("staff_a").get(reverse("accounts:logout")).status_code == 405
