// On a narrow screen wide tables and the booking week scroll sideways inside the page;
// a line above each one that does says so (its text, in the page's language, comes from
// <body data-scroll-hint>). No inline script or style: the Content-Security-Policy holds.
(function () {
  "use strict";
  var BOXES = "main table, main .table-scroll, main .fac-week";
  function mark() {
    var text = document.body.getAttribute("data-scroll-hint");
    if (!text) return;
    document.querySelectorAll(BOXES).forEach(function (box) {
      var before = box.previousElementSibling;
      var hinted = before !== null && before.classList.contains("scroll-hint");
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !hinted) {
        var hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = text;
        box.parentNode.insertBefore(hint, box);
      } else if (!wide && hinted) {
        before.remove();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
