// Places the calendar blocks and the report bars from data attributes (percentages):
// data-pos-top, data-pos-height, data-pos-width. Set through the CSS object model, which
// the Content-Security-Policy allows, so the pages need no inline style attributes.
(function () {
  "use strict";
  var PROPS = { posTop: "top", posHeight: "height", posWidth: "width" };
  function place(root) {
    (root || document).querySelectorAll("[data-pos-top],[data-pos-height],[data-pos-width]")
      .forEach(function (el) {
        Object.keys(PROPS).forEach(function (key) {
          var value = parseFloat(el.dataset[key]);
          if (!isNaN(value)) el.style[PROPS[key]] = value + "%";
        });
      });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { place(); });
  } else {
    place();
  }
  // Parts of pages swapped in by htmx (e.g. the next week of a calendar).
  document.addEventListener("htmx:afterSwap", function (event) { place(event.target); });
})();
