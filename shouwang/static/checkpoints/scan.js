/* Scan a pass with the phone camera: frames go to the vendored jsQR decoder (loaded on
   first use, never from a CDN); a decoded code fills the token field and submits. */
(function () {
  "use strict";
  var me = document.currentScript;
  var button = document.getElementById("camera");
  if (!button) return;
  var video = document.getElementById("video");
  var canvas = document.getElementById("canvas");
  var msg = document.getElementById("camera-msg");
  var form = document.getElementById("scan-form");
  var token = form.querySelector("[name=token]");
  var stream = null;

  function loadDecoder(done) {
    if (window.jsQR) return done();
    var s = document.createElement("script");
    s.src = me.getAttribute("data-decoder");
    s.onload = done;
    s.onerror = function () { msg.textContent = "扫码组件加载失败，请手动输入"; };
    document.head.appendChild(s);
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = "打开摄像头扫码";
  }

  function tick() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var ctx = canvas.getContext("2d");
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        token.value = code.data;
        stop();
        msg.textContent = "已识别，正在查验…";
        form.requestSubmit();
        return;
      }
    }
    setTimeout(tick, 200);
  }

  button.addEventListener("click", function () {
    if (stream) return stop();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      msg.textContent = "此浏览器不能使用摄像头（需要 HTTPS），请手动输入或用扫码枪";
      return;
    }
    loadDecoder(function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        video.play();
        button.textContent = "关闭摄像头";
        msg.textContent = "将出入证二维码对准取景框";
        tick();
      }).catch(function () { msg.textContent = "无法打开摄像头，请检查权限"; });
    });
  });

  window.shouwangDecode = function (imageData) {
    return window.jsQR(imageData.data, imageData.width, imageData.height);
  };
  window.shouwangLoadDecoder = loadDecoder;
})();
