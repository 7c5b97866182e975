"""A police-list row matched by document number to a ledger person of another name
may carry a mistyped number: the record is still made, but that person's phone is not
replaced by the list's, and the preview says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouwang.people.models import Change, Person
from shouwang.watch.intake import HEADERS
from shouwang.watch.models import KeyPerson
from shouwang.watch.tests import factories as f

pytestmark = pytest.mark.django_db


def _import(world, name: str) -> tuple[Person, str]:
    known = f.person(world.building_a, "陈一")
    arrived = timezone.localdate() - timedelta(days=2)
    sheet = f.intake_sheet(
        [f.intake_row(姓名=name, 证件号码=known.document_number, 抵达日期=arrived)], HEADERS
    )
    client = world.client("staff_a")
    plan = client.post(
        reverse("watch:intake"), {"file": sheet, "category": f.category().pk, "measure": "home"}
    )
    assert plan.status_code == 200
    commit = plan.context["commit"]
    response = client.post(
        reverse("watch:intake_commit"),
        {"token": commit["token"], "category": commit["category"].pk, "measure": "home"},
    )
    assert response.status_code == 302
    return known, plan.content.decode()


def test_another_name_keeps_the_ledger_phone_and_the_preview_says_so(world) -> None:
    known, page = _import(world, "陈三")
    assert "台账中此证件号码为“陈一”，与名单姓名不同，请核对" in page
    assert "不更新台账手机号" in page
    assert "导入后更新为名单号码" not in page
    assert KeyPerson.objects.filter(person=known).exists()
    assert Person.objects.get(pk=known.pk).phone == "13912345678"
    assert not Change.objects.filter(person=known).exists()


def test_the_same_name_still_takes_the_lists_phone(world) -> None:
    known, page = _import(world, "陈 一")
    assert "手机号与台账不同，导入后更新为名单号码" in page
    assert Person.objects.get(pk=known.pk).phone == "13700000001"
