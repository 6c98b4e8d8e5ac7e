/* Enhancement only: show/hide conditional questions at once; the server applies the same
   conditions between sections and ignores answers to hidden questions. */
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-cond-q]");
  function others(form) {  /* "please specify" box only when "other" is picked */
    form.querySelectorAll("input[data-other]").forEach(function (opt) {
      var box = document.getElementById(opt.getAttribute("data-other"));
      var wrap = box && box.parentNode;
      if (wrap && !wrap.classList.contains("has-error")) { wrap.hidden = !opt.checked; }
    });
  }
  function chosen(form, name) {
    var out = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.type === "hidden") { out.push(el.value); }
    });
    return out;
  }
  function visible(block) { return !block.hidden; }
  function update(form) {
    blocks.forEach(function (block) {
      var name = block.getAttribute("data-cond-q");
      var source = document.getElementById(name + "-block");
      var wanted = block.getAttribute("data-cond-opts").split(",");
      var picked = chosen(form, name);
      var show = picked.some(function (v) { return wanted.indexOf(v) !== -1; });
      if (source && !visible(source)) { show = false; }
      block.hidden = !show;
      block.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = !show; });
    });
  }
  document.querySelectorAll("form.sv").forEach(function (form) {
    form.addEventListener("change", function () { update(form); others(form); });
    update(form);
    others(form);
  });
})();
