import io
import random

import pytest

from shouwang.core.demo import DemoContext
from shouwang.reports import demo
from shouwang.reports.models import DailyFigure, DailyReport, ReportRevision

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_week_of_reports_once(world):
    def run():
        ctx = DemoContext(size_name="tiny", rng=random.Random(1), out=io.StringIO())
        ctx.subdistrict = world.subdistrict
        ctx.users = {"staff_a": world.staff_a, "staff_b": world.staff_b}
        demo.build(ctx)

    run()
    counts = (DailyReport.objects.count(), ReportRevision.objects.count())
    assert counts[0] == 2 * demo.DAYS
    assert ReportRevision.objects.filter(kind="amend").count() == 1
    assert DailyFigure.objects.filter(area=world.subdistrict).count() == demo.DAYS + 1
    run()
    assert (DailyReport.objects.count(), ReportRevision.objects.count()) == counts
