"""The indicator trend in Chromium: a flow's 累计 grows far past a day's count, so it
is drawn on a second y-axis (right) and the daily line keeps its own scale instead of
flattening near 0."""

import pytest
from django.urls import reverse

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in
from shouwang.reports import days

from . import data

OPTION = """() => {
  const el = document.querySelector('[data-chart=trend]');
  const option = echarts.getInstanceByDom(el).getOption();
  return {
    axes: option.yAxis.map((a) => a.position || 'left'),
    top: option.grid[0].top,
    series: option.series.map((s) => [s.name, s.yAxisIndex || 0]),
  };
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_running_total_has_an_axis_of_its_own(desktop, world):
    day = days.last_closed_day()
    data.fever(world.building_a, at=days.window(day).start)
    log_in(desktop, "hq", PASSWORD)
    desktop.goto(reverse("reports:trend", args=["fevers"]))
    desktop.wait_for_selector("[data-chart=trend] canvas")
    option = desktop.evaluate(OPTION)
    assert option["axes"] == ["left", "right"]
    assert option["series"] == [["当日", 0], ["累计", 1]]
    assert option["top"] == 48  # the axes' names 当日/累计 on a row below the title


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_stock_has_one_axis(desktop, world):
    log_in(desktop, "hq", PASSWORD)
    desktop.goto(reverse("reports:trend", args=["households_registered"]))
    desktop.wait_for_selector("[data-chart=trend] canvas")
    option = desktop.evaluate(OPTION)
    assert option["axes"] == ["left"]
    assert [index for _, index in option["series"]] == [0]
    assert option["top"] == 28
