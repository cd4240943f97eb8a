// Comment form enhancements. The form works without this file; with it:
// - the form token is bound to this browser (and dated when the page is shown),
// - "Reply" opens the form under the comment instead of a new page,
// - what is typed is kept in this browser until the comment is posted.
(function () {
  "use strict";
  var form = document.getElementById("commentform");
  if (!form) { return; }
  var respond = document.getElementById("respond");
  var home = respond.parentNode;
  var homeNext = respond.nextSibling;
  var article = form.elements.article_id.value;
  var key = "dateline:comment:" + article;
  var fields = ["body", "name", "email", "url"];

  fetch("/comments/token?article=" + encodeURIComponent(article), { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (t) {
      if (!t) { return; }
      form.elements.ts.value = t.ts;
      form.elements.sig.value = t.sig;
      form.elements.bound.value = "1";
    })
    .catch(function () { /* keep the page's own token */ });

  // Keep what is typed; clear it once the post went through (we land on #comment-N).
  try {
    if (/^#comment-\d+$/.test(window.location.hash) && document.querySelector(window.location.hash + ".pending, " + window.location.hash)) {
      localStorage.removeItem(key);
    } else {
      var kept = JSON.parse(localStorage.getItem(key) || "null");
      if (kept) {
        fields.forEach(function (n) {
          if (kept[n] && !form.elements[n].value) { form.elements[n].value = kept[n]; }
        });
      }
    }
  } catch (e) { /* storage disabled */ }
  form.addEventListener("input", function () {
    var data = {};
    fields.forEach(function (n) { data[n] = form.elements[n].value; });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
  });

  var title = document.getElementById("reply-title");
  var original = title.textContent;
  var cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "link cancel-reply";
  cancel.textContent = "Cancel reply";
  cancel.hidden = true;
  title.appendChild(document.createTextNode(" "));
  title.appendChild(cancel);

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.reply-link");
    if (!link) { return; }
    ev.preventDefault();
    var li = document.getElementById("comment-" + link.getAttribute("data-reply-to"));
    li.querySelector("article").appendChild(respond);
    form.elements.parent_id.value = link.getAttribute("data-reply-to");
    title.firstChild.textContent = "Reply to " + link.getAttribute("data-author");
    cancel.hidden = false;
    form.elements.body.focus();
  });
  cancel.addEventListener("click", function () {
    home.insertBefore(respond, homeNext);
    form.elements.parent_id.value = "";
    title.firstChild.textContent = original;
    cancel.hidden = true;
  });
})();
