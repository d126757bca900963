// A read-only field marked data-select-on-click selects its whole text when clicked
// (e.g. the private calendar address), without an inline onclick handler.
document.addEventListener("click", function (event) {
  var field = event.target.closest ? event.target.closest("[data-select-on-click]") : null;
  if (field && typeof field.select === "function") field.select();
});
