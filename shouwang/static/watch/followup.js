/* 今日随访: every write carries an id made here, on the phone. A retried tap sends the
   same id (the form is only replaced once the server answered), so it is stored once. */
(function () {
  function uuid4() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  /* offline.js gives a 未联系上 kept on the phone's form a new id: a second try is a second attempt. */
  window.shouwangClientId = uuid4;
  function fill(root) {
    root.querySelectorAll("input[name=client_id]").forEach(function (input) {
      if (!input.value) input.value = uuid4();
    });
  }
  /* The symptom boxes come once with the page (<template id="w-symptoms">), not with
     every card: a 异常 form gets them as it opens. */
  document.addEventListener("toggle", function (ev) {
    var box = ev.target.open && ev.target.querySelector && ev.target.querySelector(".w-symptoms:empty");
    var boxes = document.getElementById("w-symptoms");
    if (box && boxes) box.appendChild(boxes.content.cloneNode(true));
  }, true);
  if (window.htmx) {
    /* Show the card the server sends back with a 400 (it carries the message). */
    /* A weak signal can hold a request for minutes: give up after 15 s (offline.js then
       keeps the tap and re-sends it with the same id). */
    htmx.config.timeout = 15000;
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "400", swap: true, error: false },
      { code: "[45]..", swap: false, error: true }
    ];
    htmx.onLoad(fill);
  } else {
    /* Without htmx the card forms post as pages: they need the token htmx sends as a
       header, and the card's day htmx sends from its hx-vals. */
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    document.querySelectorAll("section.w-card form:not(.w-call)").forEach(function (form) {
      var vals = JSON.parse(form.closest("section.w-card").getAttribute("hx-vals") || "{}");
      [["csrfmiddlewaretoken", headers["X-CSRFToken"]], ["day", vals.day]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = pair[0];
        input.value = pair[1] || "";
        form.appendChild(input);
      });
    });
    fill(document);
  }
})();
