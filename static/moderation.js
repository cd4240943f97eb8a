// Keyboard shortcuts for the moderation queue: j/k move between comments,
// a/s/t approve, mark spam or trash the focused one, x ticks it for bulk actions.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (!items.length) { return; }
  var at = -1;
  function focus(i) {
    at = Math.max(0, Math.min(items.length - 1, i));
    items[at].focus();
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName) || t.isContentEditable) { return; }
    var current = items[at] && items[at] === document.activeElement ? items[at] : null;
    if (ev.key === "j") { focus(at + 1); ev.preventDefault(); return; }
    if (ev.key === "k") { focus(at - 1); ev.preventDefault(); return; }
    if (!current) { return; }
    if (ev.key === "x") {
      var box = current.querySelector("input[type=checkbox]");
      box.checked = !box.checked;
      ev.preventDefault();
      return;
    }
    var button = current.querySelector('button[data-key="' + ev.key + '"]');
    if (button) { button.click(); ev.preventDefault(); }
  });
})();
