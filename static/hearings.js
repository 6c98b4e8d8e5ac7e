/* hearings: progressive enhancements only; every page works without this file. */
(function () {
  "use strict";

  // Check-in: scan the QR code with the camera where the browser can (BarcodeDetector).
  function setupScanner() {
    var box = document.querySelector(".h-scan");
    var input = document.querySelector(".h-checkin input[name=code]");
    if (!box || !input || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    box.hidden = false;
    var video = box.querySelector(".h-video");
    var button = box.querySelector(".h-scan-btn");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;
    function stop() {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null; video.hidden = true;
    }
    function tick() {
      if (!stream) return;
      detector.detect(video).then(function (codes) {
        if (codes.length) {
          input.value = codes[0].rawValue;
          stop();
          input.form.submit();
        } else {
          window.requestAnimationFrame(tick);
        }
      }).catch(function () { window.requestAnimationFrame(tick); });
    }
    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s; video.srcObject = s; video.hidden = false; video.play(); tick();
      }).catch(function () { box.hidden = true; input.focus(); });
    });
  }

  // Seats page: recompute the planned shares as the organiser types the seat numbers.
  function setupLiveMeter() {
    var table = document.querySelector(".h-cat-list");
    var meterBox = document.getElementById("planned-meter");
    if (!table || !meterBox) return;
    var rules = JSON.parse(table.getAttribute("data-rules") || "[]");
    var rows = Array.prototype.slice.call(table.querySelectorAll("[data-code]"));
    var blocks = meterBox.querySelectorAll(".h-rule");
    function seatsOf(row) {
      var input = row.querySelector(".h-seats-input input");
      var cell = row.querySelector(".h-seats-cell");
      var v = input ? input.value : (cell ? cell.textContent : "0");
      return Math.max(0, parseInt(v, 10) || 0);
    }
    function update() {
      var counts = {}, total = 0;
      rows.forEach(function (row) {
        var n = seatsOf(row);
        counts[row.getAttribute("data-code")] = n;
        if (row.getAttribute("data-counts") === "yes") total += n;
      });
      rules.forEach(function (rule, i) {
        var block = blocks[i];
        if (!block) return;
        var members = 0;
        rule.categories.forEach(function (code) {
          var row = table.querySelector('[data-code="' + code + '"]');
          if (row && row.getAttribute("data-counts") === "yes") members += counts[code] || 0;
        });
        var share = total ? Math.round(1000 * members / total) / 10 : 0;
        var ok = !total || (rule.min_share == null || members * 100 >= rule.min_share * total) &&
                 (rule.max_share == null || members * 100 <= rule.max_share * total);
        block.querySelector("strong").textContent = share + "%";
        block.querySelector(".h-mt").textContent = members + " / " + total + " 人";
        block.querySelector("meter").value = share;
        var badge = block.querySelector(".badge");
        badge.textContent = ok ? "符合" : "不符合";
        badge.className = "badge " + (ok ? "badge-open" : "badge-warn");
        block.className = "h-rule " + (ok ? "ok" : "broken");
      });
    }
    table.addEventListener("input", update);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupScanner();
    setupLiveMeter();
  });
})();
