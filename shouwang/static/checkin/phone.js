/* The resident's phone pages: the pass's QR refresh, the result's live clock, the
   one-tap page's declaration, confirming a replacement or a clearing, and the
   registration form's resident/visitor switch.
   Each part runs where its element is. */
(function () {
  "use strict";

  // 我的出入证. Counted from the clock, not in ticks: a locked phone runs no timers, and on
  // waking its QR is redrawn at once.
  var qr = document.getElementById("qr");
  var left = document.getElementById("left");
  if (qr && left) {
    var src = qr.src;
    var drawn = Date.now();
    var refresh = function () {
      var n = 60 - Math.floor((Date.now() - drawn) / 1000);
      if (n <= 0) {
        drawn = Date.now();
        qr.src = src + (src.indexOf("?") < 0 ? "?" : "&") + "t=" + drawn;
        n = 60;
      }
      left.textContent = n + " 秒后刷新";
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
