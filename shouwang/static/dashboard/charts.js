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

  // ``more``: series drawn beside the values, and the y-axes when not the one.
  function line(el, days, values, title, unit, color, more) {
    const axes = (more && more.yAxis) || [valueAxis];
    chart(el).setOption({
      animation: false,
      backgroundColor: "transparent",
      color: [color],
      title: { text: title, left: 4, top: 0, textStyle: { fontSize: dark() ? 16 : 13, fontWeight: 500 } },
      // Named axes print their names above the plot: a row of their own, under the title.
      grid: { left: 44, right: axes.length > 1 ? 52 : 12, top: axes.some((a) => a.name) ? 48 : 28, bottom: 22 },
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
        legend: { top: 0 },
        grid: { left: 48, right: 12, top: 30, bottom: 24 },
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
