"""Two checkpoints of one name saved at the same moment: the second gets the message a
later duplicate gets (see ``shouwang.core.tests.races``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.core.tests.races import rival_after_checks

from ..models import Checkpoint
from .factories import make_checkpoint

pytestmark = pytest.mark.django_db


def test_a_checkpoint_named_at_the_same_moment_gets_the_message(world) -> None:
    make_checkpoint(world.compound_a, name="西城花园西门")
    with rival_after_checks(Checkpoint):
        response = world.client("staff_a").post(
            reverse("checkpoints:create"),
            {
                "area": world.compound_a.pk,
                "name": "西城花园西门",
                "kind": "gate",
                "directions": "both",
                "active": "on",
                "staff": [world.guard_a.pk],
            },
        )
    assert response.status_code == 400
    assert "该辖区已有同名卡点" in response.content.decode()
    assert Checkpoint.objects.count() == 1
