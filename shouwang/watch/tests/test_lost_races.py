"""Two people saving the same thing at the same moment: a category's name, a police
list imported twice, a located person's flat registered by someone else meanwhile. The
second gets what a later one gets — the same message, or the row already there —
never a 500 (see ``shouwang.core.tests.races``)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.core.tests.races import rival_after_checks, stale_first_call
from shouwang.people.models import Household, Person
from shouwang.people.tests.factories import make_household
from shouwang.watch.models import Category, Intake, LocateTask, LocateTaskQuerySet
from shouwang.watch.tests import factories as f
from shouwang.watch.tests.test_intake import sheet, upload

pytestmark = pytest.mark.django_db


def test_a_category_named_at_the_same_moment_gets_the_message(world) -> None:
    Category.objects.get_or_create(name="境外返回")
    count = Category.objects.count()
    data = {"name": "境外返回", "default_days": 14, "order": 1, "active": "on"}
    with rival_after_checks(Category):
        response = world.client("hq").post(reverse("watch:category_create"), data)
    assert response.status_code == 400
    assert "已有同名类别，请换一个名称或修改原有类别" in response.content.decode()
    assert Category.objects.count() == count


def test_a_list_imported_twice_at_the_same_moment_sends_each_person_to_locate_once(
    world,
) -> None:
    """The other import's task lands after this one's plan found none pending: the row
    counts as 已在待查找名单中, as it would a moment later."""
    client = world.client("staff_a")
    unknown = f.id_number()
    row = ["陈三", unknown, "13700000003", timezone.localdate(), "湖北孝感", "西城花园2号楼"]
    commit = {"measure": "home", "community": world.community_a.pk}
    first = upload(client, sheet([row])).context["commit"]
    second = upload(client, sheet([row])).context["commit"]
    response = client.post(
        reverse("watch:intake_commit"),
        {**commit, "token": first["token"], "category": first["category"].pk},
    )
    assert response.status_code == 302
    with stale_first_call(LocateTaskQuerySet, "pending", lambda qs: qs.none()):
        response = client.post(
            reverse("watch:intake_commit"),
            {**commit, "token": second["token"], "category": second["category"].pk},
            follow=True,
        )
    assert response.status_code == 200
    assert "下发查找 0 人，已在管控或重复 1 人" in response.content.decode()
    assert LocateTask.objects.get().document_number == unknown
    assert [(i.to_locate, i.tracked) for i in Intake.objects.order_by("pk")] == [(1, 0), (0, 1)]


def test_a_located_persons_flat_registered_at_the_same_moment_is_their_household(
    world,
) -> None:
    flat = make_household(world.building_a2, room="502", unit="1")
    task = f.locate_task(world.community_a, "陈三")
    with rival_after_checks(Household):
        response = world.client("staff_a").post(
            reverse("watch:locate_record", args=[task.pk]),
            {"outcome": "located", "building": world.building_a2.pk, "unit": "1", "room": "502"},
        )
    assert response.status_code == 302
    assert Household.objects.filter(area=world.building_a2, room="502").count() == 1
    assert Person.objects.with_document(task.document_number).get().household == flat
