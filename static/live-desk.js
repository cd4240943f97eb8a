// The live desk. The forms work without this file; with it, Ctrl+Enter (or
// Cmd+Enter) in the update box posts at once, and deleting asks first.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (form) {
    form.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        if (form.reportValidity()) { form.requestSubmit(); }
      }
    });
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-confirm]");
    if (b && !window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
  });
}());
