// Editor autosave: keeps what is typed in this browser's storage, so a crash,
// a closed tab or a failed submit never loses a paragraph. The server is the
// record; this is only a safety net, cleared once a save is confirmed.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form || !window.localStorage) { return; }
  var key = "dateline:" + form.getAttribute("data-autosave");
  var fields = ["headline", "standfirst", "body", "slug", "dateline", "section", "tags", "authors",
                "photo_alt", "photo_caption", "photo_credit"];

  function snapshot() {
    var data = {};
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el) { data[name] = el.value; }
    });
    return data;
  }

  var params = new URLSearchParams(window.location.search);
  if (params.has("saved")) {
    localStorage.removeItem(key);
  }

  var kept = null;
  try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
  var now = snapshot();
  var differs = kept && fields.some(function (n) { return kept[n] !== undefined && kept[n] !== now[n]; });
  if (differs) {
    var bar = document.createElement("p");
    bar.className = "notice";
    bar.setAttribute("role", "status");
    bar.textContent = "This browser kept unsaved text from an earlier visit. ";
    var btn = document.createElement("button");
    btn.type = "button";
    btn.textContent = "Restore it";
    btn.addEventListener("click", function () {
      fields.forEach(function (n) {
        if (form.elements[n] && kept[n] !== undefined) { form.elements[n].value = kept[n]; }
      });
      bar.remove();
    });
    bar.appendChild(btn);
    form.parentNode.insertBefore(bar, form);
  }

  var timer = null;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or disabled */ }
    }, 500);
  });
})();
