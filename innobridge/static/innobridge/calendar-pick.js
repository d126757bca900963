// Click a time in a resource's week calendar to pick that slot: the booking form below is
// filled with the day, the half hour clicked and one hour later, and scrolled into view.
// (A static file, not an inline script, so the strict Content-Security-Policy holds.)
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function hhmm(minutes) {
    minutes = Math.max(0, Math.min(minutes, 24 * 60 - 30));
    return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }
  document.addEventListener("click", function (event) {
    var body = event.target.closest && event.target.closest(".fac-daybody[data-date]");
    if (!body || event.target.closest("a")) { return; }
    var form = document.querySelector("[data-testid=booking-form]");
    if (!form) { return; }
    var rect = body.getBoundingClientRect();
    var minutes = Math.floor(((event.clientY - rect.top) / rect.height) * 48) * 30;
    var date = form.querySelector("[name=date]");
    var start = form.querySelector("[name=start]");
    var end = form.querySelector("[name=end]");
    if (date) { date.value = body.getAttribute("data-date"); }
    if (start) { start.value = hhmm(minutes); }
    if (end) { end.value = hhmm(Math.min(minutes + 60, 23 * 60 + 59)); }
    form.scrollIntoView({ behavior: "smooth", block: "start" });
    if (start) { start.focus({ preventScroll: true }); }
  });
})();
