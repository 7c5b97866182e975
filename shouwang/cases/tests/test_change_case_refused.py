"""A refused case change writes nothing and changes nothing the page shows of the case:
the edit page comes back with the Chinese error and the typed values in the form, the
case as it is stored above it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.cases import actions
from shouwang.cases.models import Case, CaseEvent

from .factories import make_case


def _stored(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.classification,
        case.onset_date,
        case.report_date,
        case.confirmed_date,
        case.notes,
    )


def test_a_refused_change_leaves_the_row_and_the_page_as_they_were(world, today):
    case = make_case(
        world.building_a,
        onset_date=today - timedelta(days=5),
        report_date=today - timedelta(days=3),
        confirmed_date=today - timedelta(days=2),
        notes="入院",
    )
    before = _stored(case)
    response = world.client("staff_a").post(
        reverse("cases:edit", args=[case.pk]),
        {
            "classification": Case.Classification.RECOVERED,
            "onset_date": (today - timedelta(days=1)).isoformat(),  # after the report
            "report_date": case.report_date.isoformat(),
            "confirmed_date": case.confirmed_date.isoformat(),
            "notes": "出院",
            "reason": "治愈出院",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "发病日期不能晚于报告日期" in page
    shown = response.context["case"]
    assert (shown.classification, shown.onset_date, shown.notes) == (
        Case.Classification.CONFIRMED,
        today - timedelta(days=5),
        "入院",
    )
    assert f"变更病例：{case.person.name}（确诊）" in page
    assert response.context["form"]["notes"].value() == "出院"  # the typed values stay
    assert _stored(case) == before
    assert not CaseEvent.objects.filter(case=case).exists()
    assert not AuditEvent.objects.filter(object_id=str(case.pk)).exists()


def test_change_case_refuses_before_it_touches_the_case(world, today):
    case = make_case(world.building_a, onset_date=today - timedelta(days=5), notes="入院")
    before = _stored(case)
    with pytest.raises(ValidationError, match="发病日期不能晚于报告日期"):
        actions.change_case(
            case=case,
            by=world.staff_a,
            reason="补录",
            onset_date=today,
            report_date=today - timedelta(days=1),
            notes="改了",
        )
    assert (case.onset_date, case.report_date, case.notes) == before[1:3] + before[4:]
    assert _stored(case) == before
