"""An abnormal follow-up's note is free text: a worker may type a relative's phone or
the person's ID number into it. The alert that goes to the community and HQ quotes
the note with such numbers masked, as it names the person by family name only."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NOTE = "家属电话13812345678，身份证{id}，已送发热门诊"


def test_the_alert_masks_numbers_typed_into_the_note(world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    number = record.person.document_number
    response = world.client("grid_a").post(
        reverse("watch:followup", args=[record.pk]),
        {
            "client_id": str(uuid.uuid4()),
            "slot": "1",
            "method": "visit",
            "temperature": "38.2",
            "note": NOTE.format(id=number),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = world.client("hq").get(reverse("watch:alerts")).content.decode()
    assert f"家属电话138****5678，身份证{record.person.document_masked}，已送发热门诊" in page
    assert "13812345678" not in page
    assert number not in page


def test_the_self_reported_note_is_masked_too(client, world, clock, record) -> None:
    clock.set(clock.today, 10, 30)
    client.post(
        reverse("watch:self_report", args=[record.self_report_token()]),
        {"client_id": str(uuid.uuid4()), "temperature": "38.0", "note": "我的电话13812345678"},
    )
    page = world.client("staff_a").get(reverse("watch:alerts")).content.decode()
    assert "我的电话138****5678" in page
    assert "13812345678" not in page
