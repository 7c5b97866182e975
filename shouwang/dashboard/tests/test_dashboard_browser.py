"""The dashboard and the wall screen in Chromium: charts drawn with the vendored
ECharts, nothing fetched from outside the origin (the ``desktop`` fixture fails on
any such request)."""

from pathlib import Path

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.areas.tests.factories import child
from shouwang.core.tests.browser import log_in
from shouwang.reports import days
from shouwang.reports.models import DailyFigure

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


CLIPPED = """() => {
  const out = [];
  const inside = (el, box) => {
    const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
    return r.bottom <= b.bottom + 1 && r.right <= b.right + 1;
  };
  document.querySelectorAll('.wall-table tr:not([hidden])').forEach((tr) => {
    if (!inside(tr, tr.closest('.wall-table'))) out.push(tr.cells[0].innerText);
  });
  document.querySelectorAll('.wcard:not([hidden])').forEach((card) => {
    if (!inside(card, card.closest('.wall-cards'))) out.push(card.innerText.split('\\n')[1]);
  });
  return out;
}"""


def shown_rows(desktop) -> list[str]:
    return desktop.locator(".wall-table tbody tr:not([hidden]) td:first-child").all_inner_texts()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_wall_screen_shows_every_community_and_card_whole(desktop, world):
    more = [child(world.subdistrict, f"加测社区{n:02}") for n in range(22)]
    fill(world, more)
    # A busy day: check-ins by the hour, drawn beside the table.
    figure = DailyFigure.objects.get(area=world.subdistrict, day=days.open_day())
    figure.hourly = {"persons_checked": [100 + h for h in range(24)]}
    figure.save(update_fields=["hourly"])
    log_in(desktop, "hq", PASSWORD)
    desktop.clock.install()
    desktop.goto("/dashboard/wall/")
    desktop.wait_for_selector(".mini canvas")
    assert desktop.evaluate(CLIPPED) == []
    first = shown_rows(desktop)
    assert 8 <= len(first) < 24
    pages = -(-24 // len(first))
    assert desktop.locator("[data-rotate-label=children]").inner_text() == f"第1/{pages}页"
    assert desktop.locator(".wcard:not([hidden])").count() == 10
    SHOTS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(SHOTS / "wall-many-communities.png"))
    cards = desktop.locator(".wcard").count()
    seen, seen_cards = list(first), set(desktop.locator(".wcard:not([hidden])").all_inner_texts())
    # The rows and the cards turn on the same tick, each through its own pages.
    turns = max(pages, -(-cards // 10)) - 1
    for turn in range(1, turns + 1):
        desktop.clock.run_for(10_000)
        assert desktop.evaluate(CLIPPED) == []
        seen_cards |= set(desktop.locator(".wcard:not([hidden])").all_inner_texts())
        if turn < pages:
            label = desktop.locator("[data-rotate-label=children]")
            assert label.inner_text() == f"第{turn + 1}/{pages}页"
            seen += shown_rows(desktop)
    assert sorted(seen) == sorted(["西城社区", "八一社区", *(a.name for a in more)])
    assert len(seen_cards) == cards
    desktop.clock.run_for(10_000 * (pages - turns % pages))
    assert shown_rows(desktop) == first  # round again


OVERFLOWING = """() => {
  const out = [];
  const name = (el) => el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0];
  document.querySelectorAll('#panel, #panel *').forEach((el) => {
    const r = el.getBoundingClientRect();
    const outside = r.left < -1 || r.top < -1 || r.right > innerWidth + 1
      || r.bottom > innerHeight + 1;
    if (r.width && outside)
      out.push(name(el) + ' leaves the screen');
  });
  document.querySelectorAll('.wcard:not([hidden]), .wall-table, .wall-trends').forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
      out.push(name(el) + ' clips its content');
  });
  document.querySelectorAll('.mini').forEach((el) => {
    if (el.getBoundingClientRect().height < 100) out.push(name(el) + ' too short to read');
  });
  return out;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [(1920, 1080), (1440, 900)])
def test_the_wall_screen_fits_the_screen_without_clipping(desktop, world, size):
    more = [child(world.subdistrict, f"加测社区{n:02}") for n in range(22)]
    fill(world, more)
    figure = DailyFigure.objects.get(area=world.subdistrict, day=days.open_day())
    figure.hourly = {"persons_checked": [100 + h for h in range(24)]}
    figure.save(update_fields=["hourly"])
    width, height = size
    desktop.set_viewport_size({"width": width, "height": height})
    log_in(desktop, "hq", PASSWORD)
    desktop.goto("/dashboard/wall/")
    desktop.wait_for_selector(".mini canvas")
    scroll = "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    assert desktop.evaluate(scroll) == [width, height]
    assert desktop.evaluate(OVERFLOWING) == []
    assert desktop.evaluate(CLIPPED) == []
    assert desktop.locator(".wall-table tbody tr:not([hidden])").count() >= 8
    assert desktop.locator(".wcard:not([hidden])").count() == 10
    SHOTS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(SHOTS / f"wall-{width}x{height}.png"))
