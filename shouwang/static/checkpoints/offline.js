/* Offline queue for the post's console: when the phone has no network, a submitted
   form is kept in localStorage with its client id and uploaded in one batch to
   /api/v1/checkpoints/checkins when the network is back (a retry never doubles a row). */
(function () {
  "use strict";
  var me = document.currentScript;
  var api = me.getAttribute("data-api");
  var checkpoint = parseInt(me.getAttribute("data-checkpoint"), 10);
  var csrf = me.getAttribute("data-csrf");
  var box = document.getElementById("offline");
  var KEY = "shouwang.offline.checkins";

  function queue() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(); }
  function show(extra) {
    var n = queue().length;
    box.hidden = !n && !extra;
    box.textContent = (extra ? extra + " " : "") + (n ? "离线待上传 " + n + " 条，联网后自动上传" : "");
  }
  function value(form, name) { var el = form.elements[name]; return el ? (el.value || "").trim() : ""; }
  function radio(form, name) { var el = form.querySelector("input[name=" + name + "]:checked"); return el ? el.value : ""; }

  function item(form) {
    var kind = form.getAttribute("data-kind");
    var it = { client_id: value(form, "client_id"), checkpoint: checkpoint, at: new Date().toISOString(),
               direction: radio(form, "direction") || "in", kind: kind };
    var t = value(form, "temperature"); if (t) it.temperature = t;
    if (kind === "pass") it.token = value(form, "token");
    if (kind === "vehicle") { it.plate = value(form, "plate"); it.occupants = parseInt(value(form, "occupants") || "1", 10); }
    if (kind === "visitor") { it.name = value(form, "name"); it.phone = value(form, "phone"); it.visiting = value(form, "visiting"); it.reason = value(form, "reason"); }
    if (kind === "turn_back") {
      it.reason = value(form, "reason");
      if (radio(form, "subject") === "v") { it.plate = value(form, "plate"); it.occupants = parseInt(value(form, "occupants") || "1", 10); }
    }
    return it;
  }

  function newId() {
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  document.querySelectorAll("form[data-kind]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (navigator.onLine) return;
      ev.preventDefault();
      save(queue().concat([item(form)]));
      form.reset();
      form.elements.client_id.value = newId();
    });
  });

  var flushing = false;
  function flush() {
    var items = queue();
    if (!items.length || !navigator.onLine || flushing) return;
    flushing = true;
    fetch(api, { method: "POST", credentials: "same-origin",
                 headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
                 body: JSON.stringify({ items: items }) })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (body) {
        var done = {};
        body.results.forEach(function (r) { done[r.client_id] = r; });
        save(queue().filter(function (it) { return !done[it.client_id]; }));
        var failed = body.results.filter(function (r) { return !r.ok; });
        show("已上传 " + (body.stored + body.duplicates) + " 条" +
             (failed.length ? "；" + failed.length + " 条未保存：" + failed.map(function (r) { return r.error; }).join("；") : ""));
      })
      .catch(function () { show(); })
      .then(function () { flushing = false; });
  }
  window.addEventListener("online", flush);
  show();
  flush();
})();
