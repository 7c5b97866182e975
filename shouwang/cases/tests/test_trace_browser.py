"""HQ on a desktop: from a confirmed case to its contacts under observation."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from shouwang.cases.models import Contact
from shouwang.core.tests.browser import log_in
from shouwang.core.tests.personas import PASSWORD, build_world

from .conftest import TABLE, PresenceTable
from .factories import make_case, make_person


@pytest.fixture
def committed_presence_table(settings):
    """The presence table outside a test transaction (the live server reads it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {TABLE} (checkpoint_id bigint NOT NULL, person_id bigint,"
            f" ts {connection.data_types['DateTimeField']} NOT NULL)"
        )
    settings.CASES_PRESENCE_SOURCE = PresenceTable.source
    yield PresenceTable()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hq_traces_a_case_and_puts_its_contacts_under_observation(
    desktop, committed_presence_table
):
    world = build_world()
    case = make_case(world.building_a, "confirmed")
    passer = make_person(world.building_a2, "王志强")
    t = timezone.now() - timedelta(hours=20)
    committed_presence_table.add(case.person, 31, t)
    committed_presence_table.add(passer, 31, t + timedelta(minutes=6))

    log_in(desktop, "hq", PASSWORD)
    desktop.goto(f"/cases/{case.pk}/")
    desktop.click("text=卡点轨迹追踪")
    desktop.fill("#id_purpose", "确诊病例流调，排查同时段通行人员")
    desktop.click("button.primary")
    desktop.wait_for_url("**/cases/traces/*/")
    assert desktop.locator("text=王志强").count() == 1
    if os.environ.get("SCREENSHOTS"):
        desktop.screenshot(path=f"{os.environ['SCREENSHOTS']}/trace.png", full_page=True)
    desktop.click("text=将所选人员登记为密接")
    desktop.wait_for_url(f"**/cases/{case.pk}/")
    assert desktop.locator("td", has_text="同一卡点时段").count() == 1
    if os.environ.get("SCREENSHOTS"):
        desktop.screenshot(path=f"{os.environ['SCREENSHOTS']}/case.png", full_page=True)
    contact = Contact.objects.get(case=case)
    assert contact.person == passer
    assert contact.key_person is not None
