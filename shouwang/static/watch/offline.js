/* 今日随访 without network (village lanes, stairwells). A tap whose request cannot
   reach the server is kept in localStorage with its client id and the phone's time, the
   slot shows it as recorded and waiting, and the queue is uploaded to the batch API
   when the network is back (online event, page load, every 30 s, and 2 s after a failed
   tap while the phone believes it is online): at most data-batch items (the server's
   limit) a POST, the next batch sent as soon as one is answered, stopping when an
   answer takes nothing off the queue (all to retry). Stored and
   duplicate items leave the queue (补记 on the slot when stored late, as on the card);
   refused ones are listed with the server's reason
   until the worker dismisses them; items the server could not save for now stay queued.
   A 未联系上 (an attempt that reached nobody) is queued the same way, but its slot keeps
   its buttons (the worker may try again, with a new id) and lists it as waiting.
   An upload refused as a whole: 401 is a session that ended (the taps wait and go up
   once the worker has signed in again, here or in another tab: the CSRF token is read
   from its cookie at each send, as signing in renews it); 403 is a refusal (an account
   bound to no area, a role without follow-ups, a CSRF token the page cannot renew),
   shown in the server's words with the taps kept on the phone, and not sent again
   from this page: the same request would be refused the same way.
   A 403 whose code is password_change_required (a temporary or expired password) is
   not a refusal: the taps stay queued (a tap answered so is queued too), nothing more is
   sent, and the banner says why with a link to change the password that leads back
   here, where the queue is uploaded on load (or at the next tap answered normally).
   The queue is the signed-in worker's (data-user): another worker's taps kept on this
   phone wait for them and are only counted (N 条待上传记录属于其他账号).
   No names are kept on the phone: they are read from the page when shown. */
(function () {
  "use strict";
  var me = document.currentScript;
  var api = me.getAttribute("data-api");
  var pageCsrf = me.getAttribute("data-csrf");
  var pageDay = me.getAttribute("data-day");
  var BASE = "shouwang.offline.followups.";
  var KEY = BASE + me.getAttribute("data-user");
  var passwordPage = me.getAttribute("data-password");
  var REFUSED = KEY + ".refused";
  var FIELDS = ["client_id", "key_person", "day", "slot", "method", "reached", "temperature", "symptoms", "note", "recorded_at"];
  var box = document.getElementById("offline");
  var list = document.getElementById("offline-refused");
  /* Read at each send, so a test can shorten it. */
  function batchSize() { return parseInt(me.getAttribute("data-batch"), 10) || 200; }

  /* Signing in (in another tab too) renews the token: its cookie has the current one. */
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : pageCsrf;
  }
  /* A 403's message (JSON {"detail": …}), or a plain one for a proxy's page. */
  function refusal(text) {
    try { return JSON.parse(text).detail || ""; } catch (e) { return ""; }
  }
  var refused403 = "";  /* set by a 403: this page sends nothing more */
  var password = null;  /* a 403 password_change_required: nothing sent until the change */
  /* A 403 telling the user to change their password first ({"code": …, "redirect": …}). */
  function passwordFirst(text) {
    try {
      var body = JSON.parse(text);
      if (body.code !== "password_change_required") return null;
      return { detail: body.detail || "请先修改密码", redirect: body.redirect || passwordPage };
    } catch (e) { return null; }
  }
  /* Taps other workers kept on this phone: theirs to upload, under their session. */
  function others() {
    var n = 0;
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k.indexOf(BASE) === 0 && k !== KEY && !/\.refused$/.test(k)) n += load(k).length;
    }
    return n;
  }

  function load(key) { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } }
  function keep(key, items) { localStorage.setItem(key, JSON.stringify(items)); }
  /* Beijing time has no daylight saving: UTC+8 whatever the phone's zone. */
  function beijing(ms) { return new Date(ms + 8 * 3600e3).toISOString(); }

  function show(extra) {
    var n = load(KEY).length, other = others();
    var note = other ? "另有 " + other + " 条待上传记录属于其他账号，须该账号在本机登录后上传" : "";
    box.hidden = !n && !extra && !refused403 && !password && !other;
    if (password) {
      box.textContent = password.detail + "：" + (n ? n + " 条随访记录仍保存在本机，修改密码后自动上传。" : "修改密码后才能继续记录。");
      var link = document.createElement("a");
      link.href = password.redirect;
      link.textContent = "去修改密码";
      box.append(link);
      if (note) box.append("；" + note);
      return;
    }
    if (refused403) {
      box.textContent = [refused403 + (n ? "；" + n + " 条随访记录仍保存在本机，未上传" : ""), note].filter(Boolean).join("；");
      return;
    }
    box.textContent = [extra, n ? "离线待上传 " + n + " 条，联网后自动上传" : "", note].filter(Boolean).join("；");
  }

  function card(it) { return it.day === pageDay ? document.getElementById("kp-" + it.key_person) : null; }
  function slotOf(it) { var c = card(it); return c && c.querySelector('.w-slot[data-slot="' + it.slot + '"]'); }

  /* Show an item on its slot: state is "queued", "done" or "refused". */
  function mark(it, state, text) {
    var slot = slotOf(it);
    if (!slot) return;
    if (it.reached === false) { markAttempt(slot, it, state, text); return; }
    markSlot(slot, it, state, text);
    card(it).classList.toggle("pending", !!card(it).querySelector(".w-slot form"));
  }

  function markSlot(slot, it, state, text) {
    if (!slot.offlineOriginal) {
      slot.offlineOriginal = Array.prototype.slice.call(slot.childNodes);
      slot.offlineClass = slot.className;
    }
    var name = slot.querySelector(".w-slot-name");
    var span = document.createElement("span");
    if (state === "refused") {
      span.className = "error";
      span.textContent = "未保存：" + text;
      slot.replaceChildren.apply(slot, slot.offlineOriginal.concat([span]));
      slot.className = slot.offlineClass;
      slot.offlineOriginal = null;
      return;
    }
    span.className = "w-done";
    span.textContent = "✓ " + it.label + " " + beijing(Date.parse(it.recorded_at)).slice(11, 16) + " · " + text;
    /* Stored after the slot's deadline (the server says so): the card's 补记 badge. */
    if (state === "done" && it.late) {
      var badge = document.createElement("span");
      badge.className = "badge yellow";
      badge.title = "截止 " + slot.getAttribute("data-deadline") + " 后记录";
      badge.textContent = "补记";
      span.append(" ", badge);
    }
    slot.className = "w-slot " + state;
    slot.replaceChildren(name, span);
  }

  /* An attempt leaves the slot as it was: one line per attempt, above its buttons. */
  function markAttempt(slot, it, state, text) {
    var line = slot.querySelector('[data-attempt="' + it.client_id + '"]');
    if (!line) {
      line = document.createElement("span");
      line.setAttribute("data-attempt", it.client_id);
      slot.insertBefore(line, slot.querySelector(".w-actions"));
    }
    line.className = state === "refused" ? "error w-attempts" : "w-attempts";
    line.textContent = state === "refused" ? "未保存：" + it.label + "，" + text
      : it.label + " " + beijing(Date.parse(it.recorded_at)).slice(11, 16) + " · " + text;
  }

  function item(form) {
    var els = form.elements;
    var symptoms = Array.prototype.map.call(form.querySelectorAll("input[name=symptoms]:checked"), function (el) { return el.value; });
    var temperature = els.temperature ? els.temperature.value.trim() : "";
    var method = form.querySelector("input[name=method]:checked") || els.method;
    var reached = !(els.reached && els.reached.value === "false");
    var label = method.type === "radio" ? method.parentNode.textContent.trim() : form.querySelector("button").textContent.split("·")[0];
    if (temperature) label += " 体温" + temperature + "℃";
    if (symptoms.length) label += " 有症状";
    if (!temperature && !symptoms.length) label += reached ? " 正常" : " 未联系上";
    return {
      client_id: els.client_id.value, key_person: parseInt(form.closest("section.w-card").id.slice(3), 10),
      day: pageDay, slot: parseInt(els.slot.value, 10), method: method.value, reached: reached,
      temperature: temperature || null, symptoms: symptoms, note: els.note ? els.note.value.trim() : "",
      recorded_at: new Date().toISOString(), label: label
    };
  }

  function queue(form) {
    if (beijing(Date.now()).slice(0, 10) !== pageDay) {
      show("此页面是 " + pageDay + " 的，手机日期已变，请联网后刷新页面再记录");
      return;
    }
    var it = item(form);
    keep(KEY, load(KEY).concat([it]));
    if (!it.reached && window.shouwangClientId) form.elements.client_id.value = window.shouwangClientId();
    mark(it, "queued", "待上传");
    show();
    if (navigator.onLine) setTimeout(flush, 2000);  /* the network may only have blinked */
  }

  function showRefused() {
    var items = load(REFUSED);
    list.hidden = !items.length;
    list.replaceChildren();
    if (!items.length) return;
    var head = document.createElement("p");
    head.textContent = "以下 " + items.length + " 条随访未保存，请核对后重新记录：";
    var ul = document.createElement("ul");
    items.forEach(function (it) {
      var c = card(it), slot = slotOf(it), li = document.createElement("li");
      var who = c ? c.querySelector(".w-who strong").textContent : "记录 " + it.key_person;
      var when = it.day.slice(5) + (slot ? slot.querySelector(".w-slot-name").textContent : "第" + it.slot + "时段");
      li.textContent = who + " " + when + "（" + it.label + "）：" + it.message;
      ul.appendChild(li);
    });
    var ok = document.createElement("button");
    ok.type = "button";
    ok.textContent = "知道了";
    ok.addEventListener("click", function () { localStorage.removeItem(REFUSED); showRefused(); });
    list.append(head, ul, ok);
  }

  /* Settle one batch's answer; the tally adds up the batches of one upload. Returns
     whether the answer took anything off the queue (then the next batch may follow). */
  function settle(body, tally) {
    var results = {};
    body.results.forEach(function (r) { results[r.client_id] = r; });
    var refused = load(REFUSED), queued = load(KEY), left = [];
    queued.forEach(function (it) {
      var r = results[it.client_id];
      if (!r || r.retry) { left.push(it); return; }
      if (r.ok) { it.late = r.late; mark(it, "done", r.message || "已上传"); return; }
      it.message = r.message;
      refused.push(it);
      mark(it, "refused", r.message);
    });
    keep(REFUSED, refused);
    keep(KEY, left);
    tally.landed += body.stored + body.duplicates;
    tally.failed += body.results.filter(function (r) { return !r.ok && !r.retry; }).length;
    show("已上传 " + tally.landed + " 条" + (tally.failed ? "，" + tally.failed + " 条未保存" : ""));
    showRefused();
    return left.length < queued.length;
  }

  var busy = false;
  function flush() { upload({ landed: 0, failed: 0 }); }
  /* One batch; the next follows as soon as it is answered. */
  function upload(tally) {
    var items = load(KEY).slice(0, batchSize());
    if (!items.length || busy || refused403 || password || !navigator.onLine) return;
    busy = true;
    var payload = items.map(function (it) {
      var out = {};
      FIELDS.forEach(function (f) { out[f] = it[f]; });
      return out;
    });
    fetch(api, { method: "POST", credentials: "same-origin",
                 headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
                 body: JSON.stringify({ items: payload }) })
      .then(function (r) {
        if (r.ok) return r.json().then(function (body) { return settle(body, tally); });
        if (r.status === 401) return show("登录已失效，请重新登录，之后自动上传");
        if (r.status !== 403) return show("上传未成功（" + r.status + "），稍后自动重试");
        return r.text().then(function (text) {
          password = passwordFirst(text);
          if (!password) refused403 = "上传被拒绝：" + (refusal(text) || "没有权限（403）");
          show();
        });
      })
      .catch(function () { show(); })
      .then(function (answered) {
        busy = false;
        if (answered && load(KEY).length) upload(tally);
      });
  }

  /* A network error or no answer in time (a weak signal), not a 4xx: keep the tap for
     later. Had the server stored it after all, the re-sent id is a duplicate. */
  function keepTap(ev) {
    var form = ev.detail.elt;
    /* A 补录 carries the time it was done and is checked and audited as it is entered:
       it waits for the network on the page, not in the queue. */
    if (form && form.closest(".w-backfill")) { show("补录需要联网，请联网后重新提交"); return; }
    if (form && form.matches("section.w-card form")) queue(form);
  }
  document.body.addEventListener("htmx:sendError", keepTap);
  /* A tap answered "change the password first": kept like a tap without network. */
  document.body.addEventListener("htmx:responseError", function (ev) {
    var xhr = ev.detail.xhr, asked = xhr.status === 403 && passwordFirst(xhr.responseText);
    if (!asked) return;
    password = asked;
    keepTap(ev);
    show();
  });
  /* A request answered again (the password changed in another tab): upload. */
  document.body.addEventListener("htmx:afterRequest", function (ev) {
    if (ev.detail.successful && password) { password = null; show(); flush(); }
  });
  document.body.addEventListener("htmx:timeout", keepTap);
  /* A card the server sends back knows nothing of the queue: mark its slots again. */
  function markQueued() { load(KEY).forEach(function (it) { mark(it, "queued", "待上传"); }); }
  if (window.htmx) htmx.onLoad(markQueued);
  window.addEventListener("online", flush);
  setInterval(flush, 30000);
  markQueued();
  show();
  showRefused();
  flush();
})();
