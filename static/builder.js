/* Enhancement only: in the questionnaire builder show the fields that apply to the chosen
   question type (every field stays visible without JavaScript). */
(function () {
  "use strict";
  document.querySelectorAll("form.sv-add").forEach(function (form) {
    var kind = form.querySelector("select[name$='kind']");
    if (!kind) { return; }
    function update() {
      form.querySelectorAll("[data-kinds]").forEach(function (box) {
        var show = box.getAttribute("data-kinds").split(" ").indexOf(kind.value) !== -1;
        box.hidden = !show;
      });
    }
    kind.addEventListener("change", update);
    update();
  });
})();
