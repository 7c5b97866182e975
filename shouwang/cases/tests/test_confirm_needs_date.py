"""A case made 确诊 needs its 确诊日期, whether it is entered so or changed from 疑似:
the same refusal on the field, nothing written."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shouwang.cases.models import Case, CaseEvent

from .factories import make_case


def test_it_refuses_confirming_a_suspected_case_without_a_date(world):
    today = timezone.localdate()
    case = make_case(
        world.building_a,
        classification=Case.Classification.SUSPECTED,
        onset_date=today - timedelta(days=3),
        report_date=today - timedelta(days=1),
    )
    response = world.client("staff_a").post(
        reverse("cases:edit", args=[case.pk]),
        {
            "classification": Case.Classification.CONFIRMED,
            "onset_date": case.onset_date.isoformat(),
            "report_date": case.report_date.isoformat(),
            "confirmed_date": "",
            "notes": case.notes,
            "reason": "核酸检测阳性",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["confirmed_date"] == ["确诊病例请填写确诊日期"]
    case.refresh_from_db()
    assert case.classification == Case.Classification.SUSPECTED
    assert case.confirmed_date is None
    assert not CaseEvent.objects.filter(case=case).exists()
