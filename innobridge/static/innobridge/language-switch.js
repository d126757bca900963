// Switching the language keeps the page as it is now: a search run in place (htmx pushes
// its query into the address bar) is still there in the other language. The form's
// "next" was written when the page was first served; take the address bar instead.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-testid=language-switcher]")) { return; }
    var next = form.querySelector("input[name=next]");
    if (next) { next.value = window.location.pathname + window.location.search + window.location.hash; }
  }, true);
})();
