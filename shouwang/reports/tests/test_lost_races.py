"""An indicator code HQ adds twice at the same moment: the second gets the message a
later duplicate gets (see ``shouwang.core.tests.races``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouwang.core.tests.races import rival_after_checks
from shouwang.reports.models import IndicatorDefinition

pytestmark = pytest.mark.django_db


def test_an_indicator_code_added_at_the_same_moment_gets_the_message(world):
    client = world.client("hq")
    client.get(reverse("reports:indicators"))  # seeds the rows
    IndicatorDefinition.objects.create(code="leaflets", label="发放宣传资料", unit="份")
    count = IndicatorDefinition.objects.count()
    new = {"code": "leaflets", "label": "张贴通告", "unit": "份", "kind": "flow", "order": 100}
    with rival_after_checks(IndicatorDefinition):
        response = client.post(reverse("reports:indicator_new"), new)
    assert response.status_code == 400
    assert "代码“leaflets”已被指标“发放宣传资料”使用，请换一个代码" in response.content.decode()
    assert IndicatorDefinition.objects.count() == count
