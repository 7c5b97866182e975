"""The dashboard and the wall screen in Chromium: charts drawn with the vendored
ECharts, nothing fetched from outside the origin (the ``desktop`` fixture fails on
any such request)."""

from pathlib import Path

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.core.tests.browser import log_in

from .test_dashboard import fill

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts(desktop, world):
    fill(world)
    log_in(desktop, "hq", PASSWORD)
    desktop.goto("/dashboard/")
    desktop.wait_for_selector(".mini canvas")
    assert desktop.locator(".mini canvas").count() >= 8
    assert desktop.locator(".dash-cards .card").count() >= 8
    assert "体温" in desktop.locator(".feed").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    assert (SHOTS / "dashboard.png").stat().st_size > 20_000


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_wall_screen_fills_1920_by_1080(desktop, world):
    fill(world)
    log_in(desktop, "leader", PASSWORD)
    desktop.goto("/dashboard/wall/")
    desktop.wait_for_selector(".mini canvas")
    box = desktop.locator("#panel").bounding_box()
    assert (box["width"], box["height"]) == (1920, 1080)
    overflow = desktop.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert overflow == [1920, 1080]
    SHOTS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(SHOTS / "wall.png"))
