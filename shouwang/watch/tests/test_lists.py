"""Lists and counts: the register, the counts page and their Excel exports (masked)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent, User
from shouwang.people.models import Person
from shouwang.people.tests.factories import make_household
from shouwang.watch import actions
from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def area_a(world, clock, policy_a):
    clock.set(clock.today, 9, 0)
    records = [f.key_person(world.building_a, f"甲{i}") for i in range(3)]
    records.append(f.key_person(world.building_a2, "乙", category=f.category("密切接触者")))
    f.key_person(world.building_b, "丙")
    clock.set(clock.today, 10, 0)
    actions.record_followup(
        key_person=records[0], client_id=uuid.uuid4(), slot=1, method="phone", by=None
    )
    clock.set(clock.today, 12, 30)
    return records


def rows_of(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_register_is_scoped_and_masked(world, area_a, django_assert_max_num_queries) -> None:
    client = world.client("staff_a")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("watch:index")).content.decode()
    assert "甲0" in page
    assert "乙" in page
    assert "丙" not in page
    assert area_a[0].person.document_number not in page
    response = client.get(reverse("watch:export"))
    rows = rows_of(response)
    assert len(rows) == 5
    assert all(area_a[0].person.document_number not in str(r) for r in rows)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    filtered = client.get(reverse("watch:index"), {"q": "乙"}, HTTP_HX_REQUEST="true")
    assert "乙" in filtered.content.decode()
    assert "甲0" not in filtered.content.decode()
    by_tail = client.get(reverse("watch:index"), {"q": area_a[0].person.document_number[-4:]})
    assert "甲0" in by_tail.content.decode()


def test_the_counts_page_reads_the_same_figures_hq_gets(world, area_a) -> None:
    response = world.client("hq").get(reverse("watch:stats"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.in_observation, figures.new, figures.overdue) == (5, 5, 4)
    tables = response.context["tables"]
    observation = {row[0]: row for row in tables["observation"].rows}
    headers = tables["observation"].headers
    assert observation["西城社区"][headers.index("密切接触者")] == 1
    assert observation["西城社区"][-1] == 4
    assert observation["八一社区"][-1] == 1
    assert observation["合计"][-1] == 5
    workers = {row[0]: row for row in tables["workers"].rows}
    assert workers[str(world.grid_worker_a)][1:] == [4, 8, 1, 3]  # due counts both slots


@pytest.mark.parametrize(
    "table", ["observation", "new_today", "released_today", "due", "overdue", "workers"]
)
def test_each_list_exports_to_excel(world, area_a, table) -> None:
    response = world.client("staff_a").get(reverse("watch:stats_export", args=[table]))
    assert response.status_code == 200
    rows = rows_of(response)
    assert rows[0]
    assert all(isinstance(h, str) for h in rows[0])
    if table == "new_today":
        assert len(rows) == 5
        assert all("丙" not in str(r) for r in rows)
    if table == "overdue":
        assert len(rows) == 4  # 甲1, 甲2, 乙 missed the morning; header


def test_an_unknown_table_is_404(world) -> None:
    response = world.client("staff_a").get(reverse("watch:stats_export", args=["nope"]))
    assert response.status_code == 404


def test_paging_keeps_the_default_status_filter(world, area_a) -> None:
    from shouwang.watch.models import KeyPerson

    KeyPerson.objects.filter(pk=area_a[0].pk).update(status="left")
    page = world.client("staff_a").get(reverse("watch:index"), {"page": "1"}).content.decode()
    assert "甲0" not in page
    assert "甲1" in page
    everyone = world.client("staff_a").get(reverse("watch:index"), {"status": ""})
    assert "甲0" in everyone.content.decode()


def test_a_disabled_responsible_worker_is_shown_as_such(world, area_a) -> None:
    # Disabling through the accounts page hands the open records over; an account
    # disabled before that did, or one still named on ended records, shows as such.
    User.objects.filter(pk=world.grid_worker_a.pk).update(is_active=False)
    hq = world.client("hq")
    name = world.grid_worker_a.full_name or world.grid_worker_a.username
    listed = hq.get(reverse("watch:index")).content.decode()
    assert f"{name}（已停用）" in listed
    stats = hq.get(reverse("watch:stats")).content.decode()
    assert f"{name}（已停用）" in stats


def test_a_record_starting_later_says_when_not_a_negative_day(world, clock, policy_a) -> None:
    from datetime import timedelta

    clock.set(clock.today, 9, 0)
    start = clock.today + timedelta(days=2)
    f.key_person(world.building_a, "未到", start=start)
    label = f"{start.month}月{start.day}日开始"
    client = world.client("staff_a")
    for url in (reverse("watch:index"), reverse("watch:today") + "?all=1"):
        page = client.get(url).content.decode()
        assert label in page, url
        assert "第-1" not in page, url
        assert "第0" not in page, url
    rows = rows_of(client.get(reverse("watch:export")))
    header, row = rows[0], rows[1]
    assert row[header.index("开始日期")].date() == start
    assert row[header.index("第几天")] is None


def test_the_address_is_the_household_s_own_after_the_person_moved(world) -> None:
    """Record and household were in different compounds once the person moved (迁入):
    the address took the compound of one and the building and door of the other."""
    record = f.key_person(world.building_a, "吴一")
    flat = make_household(world.building_b, room="502", unit="2")
    Person.objects.filter(pk=record.person_id).update(household=flat, area=world.building_b)
    page = world.client("staff_a").get(reverse("watch:index")).content.decode()
    assert "八一新苑1号楼2单元502" in page
    assert "西城花园1号楼2单元502" not in page


def test_a_slot_missed_before_a_release_counts_alike_in_every_table(world, clock, policy_a) -> None:
    clock.set(clock.today, 7, 0)
    f.key_person(world.building_a, "甲")
    released = f.key_person(world.building_a, "乙")
    clock.set(clock.today, 13, 0)  # both missed the morning (06:00-12:00)
    actions.change_status(
        key_person=released,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=world.staff_a,
    )
    client = world.client("staff_a")
    response = client.get(reverse("watch:stats"))
    figures = response.context["figures"]
    tables = response.context["tables"]
    assert (figures.in_observation, figures.released, figures.overdue) == (1, 1, 2)
    # 乙 owed the morning only; the 合计 rows add up to the cards.
    assert tables["due"].rows == [["西城社区", 1, 3, 0, 2], ["合计", 1, 3, 0, 2]]
    assert tables["workers"].rows == [[str(world.grid_worker_a), 1, 3, 0, 2], ["合计", 1, 3, 0, 2]]
    listed = {row[0]: row for row in tables["overdue"].rows}
    assert set(listed) == {"甲", "乙"}
    assert listed["乙"][-1] == "已解除"
    exported = rows_of(client.get(reverse("watch:stats_export", args=["overdue"])))
    assert len(exported) == 3
