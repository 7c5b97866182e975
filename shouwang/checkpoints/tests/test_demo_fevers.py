"""A fever measured at one of the demo's checkpoints alerts its community, as one
recorded at the console does: the demo's passages were written without it, so the
daily report read 卡点发现发热 1 beside 发现发热人员 0 (which counts the fever alerts
and says it includes the checkpoints'), and a community zero-reported that day."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from shouwang.areas.models import Area
from shouwang.reports import days
from shouwang.reports.models import DailyFigure, DailyReport
from shouwang.watch.models import Alert

from ..models import FEVER_THRESHOLD, CheckIn

pytestmark = pytest.mark.django_db


def test_every_fever_at_a_demo_checkpoint_alerts_its_community() -> None:
    call_command("demo", "--no-serve", "--size", "tiny", stdout=StringIO())
    fevers = list(CheckIn.objects.filter(temperature__gte=FEVER_THRESHOLD))
    assert fevers, "the demo's week has a fever at a checkpoint"
    for row in fevers:
        alert = Alert.objects.fevers().get(source_type="checkpoints.CheckIn", source_id=str(row.pk))
        assert alert.raised_at == row.at
        assert alert.area.kind == "community"
    subdistrict = Area.objects.get(name="明湖街道")
    for figure in DailyFigure.objects.filter(area__in=Area.objects.within(subdistrict)):
        if figure.day < days.open_day() and "checkpoint_fevers" in figure.values:
            assert figure.values["fevers"] >= figure.values["checkpoint_fevers"], figure.day
    for row in fevers:
        day = days.day_of(row.at)
        if day <= days.last_closed_day():
            community = row.area.ancestor_of_kind(Area.Kind.COMMUNITY)
            report = DailyReport.objects.filter(day=day, community=community).first()
            assert report is None or not report.is_zero, "no zero report over a fever"
