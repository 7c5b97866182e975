// Copy the bulletin in one tap (clipboard API, with a selection fallback for old
// browsers and plain-HTTP intranets where navigator.clipboard is unavailable).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("copy-bulletin");
  const text = document.getElementById("bulletin-text");
  const done = document.getElementById("copy-done");
  if (!button || !text) return;
  button.addEventListener("click", async () => {
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text.value); ok = true; } catch (e) { ok = false; }
    }
    if (!ok) {
      text.focus();
      text.select();
      ok = document.execCommand("copy");
    }
    if (done) { done.hidden = !ok; done.textContent = ok ? "已复制，可粘贴到微信群或公文" : "请长按文字手动复制"; done.hidden = false; }
  });
});
