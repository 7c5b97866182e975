// Wall screen (大屏): a list longer than its box is shown a page at a time and turns
// every few seconds, so every community and every figure comes round on a screen that
// cannot scroll. The page reached survives the panel's htmx refresh.
(function () {
  "use strict";
  const pages = {};

  // How many of the list's items fit its box: a fixed number, or as many as end inside.
  function perPage(list, items) {
    if (list.dataset.pageSize) return Number(list.dataset.pageSize);
    items.forEach((item) => { item.hidden = false; });
    const bottom = list.closest("[data-rotate-box]").getBoundingClientRect().bottom;
    const fit = items.filter((item) => item.getBoundingClientRect().bottom <= bottom + 1).length;
    return Math.max(fit, 1);
  }

  function show(list) {
    const key = list.dataset.rotate;
    const items = Array.from(list.children);
    const size = perPage(list, items);
    const count = Math.max(Math.ceil(items.length / size), 1);
    const page = (pages[key] || 0) % count;
    pages[key] = page;
    items.forEach((item, i) => { item.hidden = Math.floor(i / size) !== page; });
    const label = document.querySelector(`[data-rotate-label="${key}"]`);
    if (label) label.textContent = count > 1 ? `第${page + 1}/${count}页` : "";
  }

  function showAll() {
    document.querySelectorAll("[data-rotate]").forEach(show);
  }

  function turn() {
    document.querySelectorAll("[data-rotate]").forEach((list) => {
      pages[list.dataset.rotate] = (pages[list.dataset.rotate] || 0) + 1;
      show(list);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    showAll();
    const seconds = Number(document.body.dataset.rotateSeconds) || 10;
    setInterval(turn, seconds * 1000);
    document.body.addEventListener("htmx:afterSettle", showAll);
  });
})();
