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
    fill(document);
  }
})();
