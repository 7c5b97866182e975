/* The resident's phone pages: the pass's QR refresh, the result's live clock, the
   one-tap page's declaration, confirming a replacement or a clearing, and the
   registration form's resident/visitor switch.
   Each part runs where its element is. */
(function () {
  "use strict";

  // 我的出入证. Counted from the clock, not in ticks: a locked phone runs no timers, and on
  // waking its QR is redrawn at once. The new QR is loaded before it is shown: on a
  // gate's weak signal a failed refresh keeps the QR on screen while it is still valid
  // (data-seconds from its drawing), says so and tries again every few seconds; an
  // expired QR is taken off rather than shown for staff to scan in vain.
  var qr = document.getElementById("qr");
  var left = document.getElementById("left");
  if (qr && left) {
    var src = qr.getAttribute("src");
    var valid = (+qr.getAttribute("data-seconds") || 120) * 1000;
    var drawn = Date.now();
    var asked = 0;
    var loading = false;
    var failed = false;
    var show = function () {
      var age = Date.now() - drawn;
      qr.hidden = age >= valid;
      if (loading && age >= 60000) {
        left.textContent = "正在刷新二维码…";
      } else if (failed && qr.hidden) {
        left.textContent = "二维码已过期：网络不通，联网后将自动刷新";
      } else if (failed) {
        left.textContent = "网络不畅，二维码未刷新（当前二维码" + Math.ceil((valid - age) / 1000) + "秒内有效）";
      } else {
        left.textContent = Math.max(60 - Math.floor(age / 1000), 0) + " 秒后刷新";
      }
    };
    var load = function () {
      var at = Date.now();
      var next = new Image();
      loading = true;
      asked = at;
      next.onload = function () {
        loading = false;
        failed = false;
        qr.src = next.src;
        drawn = at;
        show();
      };
      next.onerror = function () {
        loading = false;
        failed = true;
        show();
      };
      next.src = src + (src.indexOf("?") < 0 ? "?" : "&") + "t=" + at;
    };
    var refresh = function () {
      var now = Date.now();
      if (!loading && now - drawn >= 60000 && (!failed || now - asked >= 5000)) load();
      show();
    };
    setInterval(refresh, 1000);
    document.addEventListener("visibilitychange", refresh);
  }

  // The result's clock: the server's time in its time zone, ticking on the phone (a
  // screenshot shows a stale time; a phone set to another time shows the server's).
  var clock = document.getElementById("clock");
  if (clock) {
    var offset = +clock.getAttribute("data-offset") * 6e4 + (+clock.getAttribute("data-now") - Date.now());
    var pad = function (n) { return n < 10 ? "0" + n : n; };
    var tick = function () {
      var d = new Date(Date.now() + offset);
      clock.textContent = pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    };
    tick();
    setInterval(tick, 1000);
  }

  // The one-tap page: saying which other symptom ticks 其他症状.
  var other = document.getElementById("id_other");
  var otherText = document.getElementById("id_other_symptoms");
  if (other && otherText) {
    otherText.addEventListener("input", function () {
      if (otherText.value.trim()) { other.checked = true; }
    });
  }

  // <form data-confirm="…">: replacing or clearing a person this phone holds is sent
  // only once the resident confirms it (the clear button sits under 进/出).
  document.addEventListener("submit", function (e) {
    var text = e.target.getAttribute("data-confirm");
    if (text && !window.confirm(text)) e.preventDefault();
  });

  // First registration: a visitor fills in whom they visit, a resident their address.
  var resident = document.getElementById("resident");
  var visitor = document.getElementById("visitor");
  if (resident && visitor) {
    var kinds = document.querySelectorAll("input[name=kind]");
    var show = function () {
      var k = document.querySelector("input[name=kind]:checked");
      var isVisitor = k && k.value === "visitor";
      resident.style.display = isVisitor ? "none" : "";
      visitor.style.display = isVisitor ? "" : "none";
    };
    kinds.forEach(function (e) { e.addEventListener("change", show); });
    show();
  }
})();
