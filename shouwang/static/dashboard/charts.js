// Charts of the dashboard, the wall screen and the trend page, drawn with the vendored
// Apache ECharts from JSON the server embeds (json_script). Redrawn after each htmx
// refresh of the dashboard panel.
(function () {
  "use strict";
  const dark = () => document.body.dataset.theme === "dark";
  const palette = ["#1565c0", "#c62828", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f", "#ef6c00", "#4e342e"];

  function chart(el) {
    return echarts.getInstanceByDom(el) || echarts.init(el, dark() ? "dark" : null, { renderer: "canvas" });
  }

  const valueAxis = { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } };

  // A chart's title stays inside its chart whatever its length (HQ names indicators,
  // up to 40 characters) and the chart's width (a 1280×1024 wall screen): shrunk to
  // one line, down to 11px, then broken into lines; the plot starts below it. The
  // title is measured by ECharts' own text layout, so the break falls where it draws.
  const TITLE_LEFT = 4, TITLE_PAD = 5, SMALLEST = 11;
  function titleStyle(el, text) {
    const room = Math.max(40, el.clientWidth - TITLE_LEFT - 2 * TITLE_PAD - 2);
    const style = (size, width) => ({
      fontSize: size, fontWeight: 500, fontFamily: "sans-serif",
      lineHeight: Math.round(size * 1.25), width, overflow: width ? "break" : "none",
    });
    const box = (st) => new echarts.graphic.Text({ style: Object.assign({ text }, st) }).getBoundingRect();
    let size = dark() ? 16 : 13;
    const wide = box(style(size)).width;
    if (wide > room) size = Math.max(SMALLEST, Math.floor((size * room) / wide));
    const st = style(size, room);
    return { style: st, bottom: TITLE_PAD + box(st).height };
  }

  // ``more``: series drawn beside the values, and the y-axes when not the one.
  function line(el, days, values, title, unit, color, more) {
    const axes = (more && more.yAxis) || [valueAxis];
    const head = titleStyle(el, title);
    chart(el).setOption({
      animation: false,
      backgroundColor: "transparent",
      color: [color],
      title: { text: title, left: TITLE_LEFT, top: 0, padding: TITLE_PAD, textStyle: head.style },
      // Named axes print their names above the plot: a row of their own, under the title.
      grid: { left: 44, right: axes.length > 1 ? 52 : 12, top: Math.ceil(head.bottom) + (axes.some((a) => a.name) ? 27 : 7), bottom: 22 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + (unit || "")) },
      xAxis: { type: "category", data: days, axisLabel: { fontSize: 10 } },
      yAxis: axes,
      series: [{ type: "line", name: (more && more.name) || title, data: values, symbolSize: 4, areaStyle: { opacity: 0.12 }, connectNulls: false }].concat((more && more.series) || []),
    }, true);
  }

  function drawDashboard() {
    const node = document.getElementById("dash-data");
    if (!node || typeof echarts === "undefined") return;
    const data = JSON.parse(node.textContent);
    const byCode = Object.fromEntries(data.series.map((s) => [s.code, s]));
    document.querySelectorAll("[data-series]").forEach((el, i) => {
      const s = byCode[el.dataset.series];
      if (s) line(el, data.days, s.values, s.label + (s.unit ? "（" + s.unit + "）" : ""), s.unit, palette[i % palette.length]);
    });
    document.querySelectorAll("[data-hourly]").forEach((el) => {
      chart(el).setOption({
        animation: false,
        backgroundColor: "transparent",
        color: palette,
        // One row whatever the names and the width: pages of it when they do not fit.
        legend: { type: "scroll", top: 0, left: 4, right: 4 },
        grid: { left: 48, right: 12, top: 34, bottom: 24 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.hours },
        yAxis: { type: "value", minInterval: 1 },
        series: data.hourly.map((s) => ({ name: s.label, type: "bar", data: s.values })),
      }, true);
    });
  }

  function drawTrend() {
    const node = document.getElementById("trend-data");
    const el = document.querySelector("[data-chart=trend]");
    if (!node || !el || typeof echarts === "undefined") return;
    const data = JSON.parse(node.textContent);
    // 累计 grows far past a day's count: on an axis of its own (right), so that the
    // daily line does not flatten near 0 under it.
    const more = data.totals.length
      ? {
          name: "当日",
          yAxis: [
            Object.assign({}, valueAxis, { name: "当日", nameTextStyle: { fontSize: 10 } }),
            Object.assign({}, valueAxis, { name: "累计", nameTextStyle: { fontSize: 10 }, position: "right", splitLine: { show: false } }),
          ],
          series: [{ type: "line", name: "累计", data: data.totals, yAxisIndex: 1, lineStyle: { type: "dashed" }, symbol: "none" }],
        }
      : null;
    line(el, data.days, data.values, data.label + (data.unit ? "（" + data.unit + "）" : ""), data.unit, palette[0], more);
  }

  function disposeIn(root) {
    root.querySelectorAll("[_echarts_instance_]").forEach((el) => {
      const c = echarts.getInstanceByDom(el);
      if (c) c.dispose();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    drawDashboard();
    drawTrend();
    document.body.addEventListener("htmx:beforeSwap", (e) => { if (typeof echarts !== "undefined") disposeIn(e.detail.target); });
    document.body.addEventListener("htmx:afterSettle", drawDashboard);
    window.addEventListener("resize", () => {
      document.querySelectorAll("[_echarts_instance_]").forEach((el) => { const c = echarts.getInstanceByDom(el); if (c) c.resize(); });
    });
  });
})();
