"""大屏 on a 1280×1024 (5:4) monitor as well as on 1920×1080: every chart's title, its
legend and its plot fit inside the chart, none covers another, and the section titles
(近14天趋势, 今日分时段, 下级明细 …) and the cards' names stay whole, even under the long
names HQ may give its indicators."""

from pathlib import Path

import pytest

from shouwang.accounts.tests.factories import PASSWORD
from shouwang.areas.tests.factories import child
from shouwang.core.tests.browser import log_in
from shouwang.reports import catalog, days
from shouwang.reports.models import DailyFigure, IndicatorDefinition

from .test_dashboard import fill

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"

# The texts ECharts drew (title, legend, axis names and labels) in page coordinates,
# per chart; then the ones that leave their chart or cover the title or the legend.
CHART_TEXTS = """() => {
  const out = [];
  document.querySelectorAll('.wall [_echarts_instance_]').forEach((el) => {
    const chart = echarts.getInstanceByDom(el);
    const box = el.getBoundingClientRect();
    const texts = [];
    chart.getZr().storage.getDisplayList(true).forEach((shape) => {
      // ECharts draws each line of a text as a 'tspan' hosted by its text element
      if (shape.type !== 'tspan' || !shape.style.text || shape.invisible) return;
      const r = shape.getBoundingRect().clone();
      r.applyTransform(shape.getComputedTransform());
      let kind = 'label';
      for (let p = shape.parent || shape.__hostTarget; p; p = p.parent || p.__hostTarget) {
        const view = p.__ecComponentInfo && p.__ecComponentInfo.mainType;
        if (view) { kind = view; break; }
      }
      texts.push({ text: String(shape.style.text), kind, x: r.x, y: r.y, w: r.width, h: r.height });
    });
    texts.forEach((t) => {
      if (t.x < -1 || t.y < -1 || t.x + t.w > box.width + 1 || t.y + t.h > box.height + 1)
        out.push(`${t.text} leaves its chart`);
    });
    const over = (a, b) => a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1
      && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
    texts.filter((t) => t.kind === 'title' || t.kind === 'legend').forEach((t) => {
      texts.forEach((u) => {
        if (u !== t && u.kind !== t.kind && over(t, u)) out.push(`${t.text} covers ${u.text}`);
      });
    });
    const grid = chart.getModel().getComponent('grid');
    const rect = grid && grid.coordinateSystem.getRect();
    texts.filter((t) => t.kind === 'title' || t.kind === 'legend').forEach((t) => {
      if (rect && t.y + t.h > rect.y + 1) out.push(`${t.text} runs into the plot`);
    });
  });
  document.querySelectorAll('.wall h2').forEach((h) => {
    if (h.scrollWidth > h.clientWidth + 1) out.push(`${h.innerText} is clipped`);
    const line = parseFloat(getComputedStyle(h).lineHeight);
    if (h.getClientRects().length > 1 || h.offsetHeight > 1.8 * line)
      out.push(`${h.innerText} wraps`);
  });
  document.querySelectorAll('.wcard:not([hidden])').forEach((card) => {
    const box = card.getBoundingClientRect();
    if (box.bottom > card.parentElement.getBoundingClientRect().bottom + 1)
      out.push(`${card.innerText} leaves the cards' box`);
    card.querySelectorAll('div').forEach((d) => {
      const r = d.getBoundingClientRect();
      if (r.bottom > box.bottom + 1 || r.right > box.right + 1)
        out.push(`${d.innerText} leaves its card`);
    });
    card.querySelectorAll('.wcard-l, .wcard-d').forEach((d) => {
      // a hidden line is a whole line: glyphs a pixel past a fractional line are not
      const half = parseFloat(getComputedStyle(d).lineHeight) / 2;
      if (d.scrollWidth > d.clientWidth + 1 || d.scrollHeight > d.clientHeight + half)
        out.push(`${d.innerText} is cut short`);
    });
  });
  return out;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [(1280, 1024), (1920, 1080)])
def test_the_wall_screens_chart_titles_fit(desktop, world, size):
    more = [child(world.subdistrict, f"加测社区{n:02}") for n in range(22)]
    fill(world, more)
    figure = DailyFigure.objects.get(area=world.subdistrict, day=days.open_day())
    figure.hourly = {
        "persons_checked": [100 + h for h in range(24)],
        "vehicles_checked": [10 + h for h in range(24)],
        "persons_turned_back": list(range(24)),
    }
    figure.save(update_fields=["hourly"])
    # HQ names its indicators as its superiors do: long names (up to 40 characters).
    for n, definition in enumerate(catalog.offered()[:6]):
        definition.label = f"辖区居家隔离医学观察在管人员合计{n}"
        definition.save(update_fields=["label"])
    IndicatorDefinition.objects.filter(
        code__in=["persons_checked", "vehicles_checked", "persons_turned_back"]
    ).update(label="卡点排查进出人员车辆合计")
    width, height = size
    desktop.set_viewport_size({"width": width, "height": height})
    log_in(desktop, "hq", PASSWORD)
    desktop.goto("/dashboard/wall/")
    desktop.wait_for_selector(".mini canvas")
    desktop.wait_for_selector(".chart-hourly canvas")
    SHOTS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(SHOTS / f"wall-titles-{width}x{height}.png"))
    scroll = "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    assert desktop.evaluate(scroll) == [width, height]
    problems = desktop.evaluate(CHART_TEXTS)
    assert problems == [], "\n".join(problems)
