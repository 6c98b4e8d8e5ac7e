/* Enhancement only: a page re-shown with errors moves focus to its error summary, so screen
   readers announce it and keyboard users start there. autofocus alone is not enough: Chromium
   moves focus away again when it scrolls to the URL's #fragment (the comment form posts to one),
   so focus is set once loading and fragment scrolling are done. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector(".error-summary[autofocus]");
    if (summary && document.activeElement !== summary) {
      summary.focus();
      summary.scrollIntoView({block: "start"});
    }
  }
  if (document.readyState === "complete") { setTimeout(focusSummary, 0); }
  else { window.addEventListener("load", function () { setTimeout(focusSummary, 0); }); }
})();
