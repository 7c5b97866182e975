/* 住户随访: a tap whose answer does not come back (no network, a timeout) says so and
   keeps the form as it was, with the id made for it; tapping again sends the same id,
   so the visit is stored once whether or not the first tap reached the server. */
(function () {
  var note = document.getElementById("visit-offline");
  if (!note || !window.htmx) return;
  function lost() {
    note.textContent = "网络不通，本次未确认保存：请稍后再点一次（不会重复记录）";
    note.hidden = false;
  }
  document.body.addEventListener("htmx:sendError", lost);
  document.body.addEventListener("htmx:timeout", lost);
  document.body.addEventListener("htmx:afterSwap", function () { note.hidden = true; });
})();
