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

  function line(el, days, values, title, unit, color, extra) {
    chart(el).setOption({
      animation: false,
      backgroundColor: "transparent",
      color: [color],
      title: { text: title, left: 4, top: 0, textStyle: { fontSize: dark() ? 16 : 13, fontWeight: 500 } },
      grid: { left: 44, right: 12, top: 28, bottom: 22 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + (unit || "")) },
      xAxis: { type: "category", data: days, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
      series: [{ type: "line", data: values, symbolSize: 4, areaStyle: { opacity: 0.12 }, connectNulls: false }].concat(extra || []),
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
    const extra = data.totals.length
      ? [{ type: "line", name: "累计", data: data.totals, yAxisIndex: 0, lineStyle: { type: "dashed" }, symbol: "none" }]
      : [];
    line(el, data.days, data.values, data.label + (data.unit ? "（" + data.unit + "）" : ""), data.unit, palette[0], extra);
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
