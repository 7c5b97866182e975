/* Behaviour the staff pages ask for with data attributes, so that no page needs an
   inline script or an on* handler (the Content-Security-Policy runs neither). */
(function () {
  "use strict";

  // <form data-confirm="…"> (a plain form; htmx ones have hx-confirm): submitted only
  // once the user confirms the text.
  document.addEventListener("submit", function (e) {
    var text = e.target.getAttribute("data-confirm");
    if (text && !window.confirm(text)) e.preventDefault();
  }, true);

  // A plain POST form is sent once: a second tap while the first is on its way (a slow
  // network, an impatient double click) would store the same thing twice. Listened to on
  // window, after every page script: forms sent by script (htmx, the console's offline
  // queue: default prevented), forms opening elsewhere (target) and forms whose every
  // tap counts (data-repeatable: 拨打 hands a number to the dialler and leaves the page
  // as it was) are left alone; the form may be sent again after a while (a file download
  // leaves the page as it was) or when the browser shows the page again from its history.
  var RESEND_AFTER_MS = 8000;
  window.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || form.method !== "post" || form.target) return;
    if (form.hasAttribute("data-repeatable")) return;
    if (form.hasAttribute("data-sending")) {
      e.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "");
    window.setTimeout(function () { form.removeAttribute("data-sending"); }, RESEND_AFTER_MS);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (f) {
      f.removeAttribute("data-sending");
    });
  });

  // <input name=client_id data-keep-id>: the id the server made when it showed the form
  // (a form sent twice is stored once). Going back to a form already sent, the browser
  // fetches the page again — with a new id — but puts back what was typed, and 保存
  // would store it a second time. So each page keeps its ids in its own history entry
  // (history.state), and a page shown again from the history (back, forward, reload)
  // takes them back: the server then answers with what the first sending stored.
  var keep = document.querySelectorAll("input[name=client_id][data-keep-id]");
  if (keep.length && window.history.replaceState) {
    var state = window.history.state || {};
    var kept = state.clientIds || [];
    keep.forEach(function (input, n) {
      if (kept[n]) input.value = kept[n];
    });
    state.clientIds = Array.prototype.map.call(keep, function (input) { return input.value; });
    window.history.replaceState(state, "");
  }

  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute("data-autosubmit")) e.target.form.submit();
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    // <input readonly data-select-on-click>: one click selects the whole value to copy.
    if (t.hasAttribute("data-select-on-click")) t.select();
    // <input type=checkbox data-check-all="ids">: checks or clears every box named ids.
    var name = t.getAttribute("data-check-all");
    if (name) {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (c) {
        c.checked = t.checked;
      });
    }
  });

  // Inside [data-swap-400] a 400 answer carries the filter's error message: show it
  // instead of keeping stale rows. A 429 (e.g. too many reveals) always carries its
  // message in place of what was asked for.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if ((status === 400 && e.target.closest("[data-swap-400]")) || status === 429) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // An htmx request of a user who must change their password first (temporary or
  // expired) is answered 403 in JSON ({"code": "password_change_required", "detail",
  // "redirect"}), not swapped: the page says so once, with a link to the change page
  // that leads back here. Pages with an offline queue (#offline) say it in their banner.
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr, body;
    if (xhr.status !== 403 || document.getElementById("offline")) return;
    try { body = JSON.parse(xhr.responseText); } catch (err) { return; }
    if (!body || body.code !== "password_change_required") return;
    var box = document.getElementById("password-change-required");
    if (!box) {
      box = document.createElement("p");
      box.id = "password-change-required";
      box.className = "notice";
      box.setAttribute("role", "alert");
      var main = document.querySelector("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    var link = document.createElement("a");
    link.href = body.redirect;
    link.textContent = "去修改密码";
    box.replaceChildren(body.detail + "。", link);
  });

  // A poll from [data-hold-while-focused] is skipped while focus is inside it, so a
  // refresh does not wipe what is being typed there.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    if (elt.hasAttribute("data-hold-while-focused") && elt.contains(document.activeElement)) {
      e.preventDefault();
    }
  });

  // A <details> closed inside such a list lets go of the focus its tapped summary
  // took, or the list would stop refreshing until the next tap elsewhere.
  document.addEventListener("toggle", function (e) {
    var details = e.target;
    if (details.tagName === "DETAILS" && !details.open && details.closest("[data-hold-while-focused]") &&
        details.contains(document.activeElement)) {
      document.activeElement.blur();
    }
  }, true);
})();
