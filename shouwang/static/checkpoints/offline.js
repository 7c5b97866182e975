/* The post's console on a weak signal. Its forms (data-kind, the rows' 确认在场 and
   记录体温 included) are sent with fetch and the same form data; the server's answer is
   shown as a normal submit would show it (the page a redirect leads to, or a 4xx page
   with its message). With no network, when the request fails, gets no answer within
   data-timeout ms (15 s) or gets a 5xx (a server restarting, a proxy's 502), the form is
   kept in localStorage with its client id and uploaded in one batch to
   /api/v1/checkpoints/checkins: on the online event, on page load, every 30 s, and 2 s
   after a failed send; at most data-batch items (the server's limit) a batch, the next
   batch sent as soon as one lands (a post offline for hours keeps more). Had the
   server stored it after all, the re-sent id is stored once (a row's confirmation or
   temperature is the same whenever it arrives). The batch carries the phone's time of sending, so the server corrects each item's time for a
   phone clock set wrong; an item the server refuses is named in the message, and once a
   batch has stored anything the list of rows (and today's figures with it, counted on the
   server: a batch sent twice is counted once) is refreshed at once. A submit
   answered by the login page (the session ended at a quiet post) is kept the same way
   and uploaded once staff have signed in again; so is a batch answered 401 (请先登录).
   A batch answered 403 is a refusal (an account bound to no area, a role without the
   console, a CSRF token the page cannot renew): the server's message is shown, the
   records stay on the phone and this page sends nothing more (the same request would
   be refused the same way); the next visit of the page tries again. A 403 whose code
   is password_change_required (a temporary or expired password) is not a refusal: the
   records stay, nothing more is sent, and the banner says why with a link to change the
   password that leads back here, where the queue is uploaded on load (or once a list
   refresh is answered normally again: changed in another tab). A list refresh answered
   with that 403 shows the banner too; a form whose submit is sent to the change page
   is kept like one without network.
   The queue is the signed-in user's (data-user): on a phone that several staff share,
   each uploads only their own records under their own session; the others' wait on the
   phone for them, and the banner counts them (N 条待上传记录属于其他账号). */
(function () {
  "use strict";
  var me = document.currentScript;
  var api = me.getAttribute("data-api");
  var checkpoint = parseInt(me.getAttribute("data-checkpoint"), 10);
  var csrf = me.getAttribute("data-csrf");
  var box = document.getElementById("offline");
  var login = me.getAttribute("data-login");
  var passwordPage = me.getAttribute("data-password");
  /* Read at each send, so a test can shorten it. */
  function batchSize() { return parseInt(me.getAttribute("data-batch"), 10) || 500; }
  var BASE = "shouwang.offline.checkins";
  var KEY = BASE + "." + me.getAttribute("data-user");
  /* A queue kept before queues were per user had no owner: taken by whoever opens the
     console first, as it would have been sent before. */
  try {
    var legacy = localStorage.getItem(BASE);
    if (legacy) {
      localStorage.setItem(KEY, JSON.stringify(queue().concat(JSON.parse(legacy) || [])));
      localStorage.removeItem(BASE);
    }
  } catch (e) { /* unreadable: left as it is */ }

  /* fetch that gives up after data-timeout ms (read at each send, so a test can shorten it). */
  function send(url, init) {
    var ctl = new AbortController();
    var timer = setTimeout(function () { ctl.abort(); }, parseInt(me.getAttribute("data-timeout"), 10) || 15000);
    init.signal = ctl.signal;
    init.credentials = "same-origin";
    return fetch(url, init).then(function (r) {
      return r.text().then(function (text) { clearTimeout(timer); return { r: r, text: text }; });
    }, function (e) { clearTimeout(timer); throw e; });
  }

  function queue() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(); }
  /* Records other staff kept on this phone: theirs to upload, under their session. */
  function others() {
    var n = 0;
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k.indexOf(BASE + ".") === 0 && k !== KEY) {
        try { n += (JSON.parse(localStorage.getItem(k)) || []).length; } catch (e) { /* skip */ }
      }
    }
    return n;
  }
  var refused = "";  /* a 403's message: this page sends nothing more */
  var password = null;  /* a 403 password_change_required: nothing sent until the change */
  function show(extra) {
    var n = queue().length, other = others();
    var note = other ? "另有 " + other + " 条待上传记录属于其他账号，须该账号在本机登录后上传" : "";
    box.hidden = !n && !extra && !refused && !password && !other;
    if (password) {
      box.textContent = password.detail + "：" + (n ? n + " 条记录仍保存在本机，修改密码后自动上传。" : "修改密码后才能继续登记。");
      var link = document.createElement("a");
      link.href = password.redirect;
      link.textContent = "去修改密码";
      box.append(link);
      if (note) box.append("；" + note);
      return;
    }
    if (refused) {
      box.textContent = [refused + (n ? "；" + n + " 条记录仍保存在本机，未上传" : ""), note].filter(Boolean).join("；");
      return;
    }
    box.textContent = [(extra ? extra + " " : "") + (n ? "离线待上传 " + n + " 条，联网后自动上传" : ""), note].filter(Boolean).join("；");
  }
  /* A refusal's message (JSON {"detail": …}), or a plain one for a proxy's page. */
  function refusal(text) {
    try { return JSON.parse(text).detail || ""; } catch (e) { return ""; }
  }
  /* A 403 telling the user to change their password first ({"code": …, "redirect": …}). */
  function passwordFirst(text) {
    try {
      var body = JSON.parse(text);
      if (body.code !== "password_change_required") return null;
      return { detail: body.detail || "请先修改密码", redirect: body.redirect || passwordPage };
    } catch (e) { return null; }
  }
  function value(form, name) { var el = form.elements[name]; return el ? (el.value || "").trim() : ""; }
  function radio(form, name) { var el = form.querySelector("input[name=" + name + "]:checked"); return el ? el.value : ""; }

  function item(form) {
    var kind = form.getAttribute("data-kind");
    var it = { client_id: value(form, "client_id") || newId(), checkpoint: checkpoint, at: new Date().toISOString(),
               direction: radio(form, "direction") || "in", kind: kind };
    var t = value(form, "temperature"); if (t) it.temperature = t;
    if (form.hasAttribute("data-checkin")) it.checkin = parseInt(form.getAttribute("data-checkin"), 10);
    if (form.hasAttribute("data-direction")) it.direction = form.getAttribute("data-direction");
    if (kind === "pass") it.token = value(form, "token");
    if (kind === "vehicle") { it.plate = value(form, "plate"); it.occupants = parseInt(value(form, "occupants") || "1", 10); }
    if (kind === "visitor") { it.name = value(form, "name"); it.phone = value(form, "phone"); it.visiting = value(form, "visiting"); it.reason = value(form, "reason"); }
    if (kind === "release") { it.reason = radio(form, "reason"); it.other = value(form, "other"); }
    if (kind === "turn_back") {
      it.reason = value(form, "reason");
      it.occupants = parseInt(value(form, "occupants") || "1", 10);
      if (radio(form, "subject") === "v") it.plate = value(form, "plate");
    }
    return it;
  }

  function newId() {
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* Show the server's page as a normal submit would; a redirect's page under its URL. */
  function render(r, text) {
    if (r.redirected) history.replaceState(null, "", r.url);
    document.open();
    document.write(text);
    document.close();
  }

  function keep(form, it) {
    save(queue().concat([it]));
    form.reset();
    if (form.elements.client_id) form.elements.client_id.value = newId();
    var row = form.closest(".row");
    if (row) row.classList.add("kept");  /* its action waits on the phone */
    /* Cleared for the next person: focus left on its button would hold the list's
       refresh (held while focus is in it), and the row would read unconfirmed. */
    if (form.contains(document.activeElement)) document.activeElement.blur();
  }

  /* Delegated: the rows' forms come and go with each refresh of the list. */
  document.addEventListener("submit", function (ev) {
    var form = ev.target.closest("form[data-kind]");
    if (!form) return;
    ev.preventDefault();
    var button = form.querySelector("button:not([type=button])");
    if (button.disabled) return;
    var it = item(form), verdict = document.getElementById("verdict");
    if (verdict) verdict.remove();  /* the last person's colour must not pass for this one's */
    if (!navigator.onLine) return keep(form, it);
    var label = button.textContent;
    button.disabled = true;
    button.textContent = "正在提交…";
    function failed() {
      button.disabled = false;
      button.textContent = label;
      keep(form, it);
      setTimeout(flush, 2000);  /* the network may only have blinked */
    }
    send(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) })
      .then(function (res) {
        if (res.r.status >= 500) return failed();
        /* Signed out (idle at a quiet post): keep the record, sign in, come back here. */
        if (res.r.redirected && new URL(res.r.url).pathname === login) {
          keep(form, it);
          return location.assign(login + "?next=" + encodeURIComponent(location.pathname));
        }
        /* The password must be changed first: kept, and the upload's 403 says why. */
        if (res.r.redirected && new URL(res.r.url).pathname === passwordPage) {
          keep(form, it);
          return flush();
        }
        render(res.r, res.text);
      }, failed);
  });

  /* Which record the server refused, as staff wrote it down (the form is long gone). */
  function what(it) {
    if (!it) return "";
    var at = new Date(it.at), hm = ("0" + at.getHours()).slice(-2) + ":" + ("0" + at.getMinutes()).slice(-2);
    var label = { pass: "扫码", vehicle: "车辆", visitor: "访客", turn_back: "劝返", release: "放行", confirm: "确认在场", measure: "补记体温", person: "人员" }[it.kind] || "";
    return hm + " " + label + (it.plate || it.name ? " " + (it.plate || it.name) : "") +
      (it.temperature ? " " + it.temperature + "℃" : "") + "：";
  }

  var flushing = false, retry = setInterval(flush, 30000);
  function flush() { upload({ landed: 0, failed: [] }); }
  /* One batch; the next follows at once, the message adding up the batches so far. */
  function upload(tally) {
    /* After a server page replaced this one, its own script does the uploading. */
    if (!box.isConnected) return clearInterval(retry);
    var items = queue().slice(0, batchSize());
    if (!items.length || !navigator.onLine || flushing || refused || password) return;
    flushing = true;
    send(api, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
                body: JSON.stringify({ items: items, sent_at: new Date().toISOString() }) })
      .then(function (res) {
        if (res.r.status === 401) { show("登录已失效，请重新登录，之后自动上传"); return null; }
        if (res.r.status === 403 && (password = passwordFirst(res.text))) { show(); return null; }
        if (res.r.status === 403) {
          refused = "上传被拒绝：" + (refusal(res.text) || "没有权限（403）");
          show();
          return null;
        }
        if (!res.r.ok) throw new Error(res.r.status);
        return JSON.parse(res.text);
      })
      .then(function (body) {
        if (!body) return false;
        var done = {}, sent = {};
        body.results.forEach(function (r) { done[r.client_id] = r; });
        items.forEach(function (it) { sent[it.client_id] = it; });
        var kept = queue(), left = kept.filter(function (it) { return !done[it.client_id]; });
        save(left);
        var landed = body.stored + body.duplicates + body.updated;
        tally.landed += landed;
        body.results.forEach(function (r) { if (!r.ok) tally.failed.push(what(sent[r.client_id]) + r.error); });
        show("已上传 " + tally.landed + " 条" +
             (tally.failed.length ? "；" + tally.failed.length + " 条未保存：" + tally.failed.join("；") : ""));
        /* The list shows what was stored now, as after a write answered at once. */
        if (landed) document.body.dispatchEvent(new CustomEvent("checkins-uploaded"));
        return left.length < kept.length;  /* answered: the next batch may follow */
      })
      .catch(function () { show(); })
      .then(function (answered) {
        flushing = false;
        if (answered && queue().length) upload(tally);
      });
  }
  window.addEventListener("online", flush);
  /* The list's refresh answered so: the banner says it even with nothing kept. */
  document.body.addEventListener("htmx:responseError", function (ev) {
    var xhr = ev.detail.xhr, asked = xhr.status === 403 && passwordFirst(xhr.responseText);
    if (asked) { password = asked; show(); }
  });
  /* A refresh answered again (the password changed in another tab): upload. */
  document.body.addEventListener("htmx:afterRequest", function (ev) {
    if (ev.detail.successful && password) { password = null; show(); flush(); }
  });
  show();
  flush();
})();
