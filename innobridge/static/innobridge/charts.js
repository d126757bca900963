// Draws every Plotly chart of a page from its JSON data block (see facilities/charts.py):
// no inline script, so the Content-Security-Policy can forbid them.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") return;
    document.querySelectorAll("[data-plotly-figure]").forEach(function (div) {
      var source = document.getElementById(div.getAttribute("data-plotly-figure"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(div, figure.data || [], figure.layout || {}, figure.config || {});
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
