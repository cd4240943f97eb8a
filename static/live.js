// Live story updates. The page works without this file (a reload shows new
// entries); with it, the page follows the story's event stream:
// - new entries wait behind a "N new updates" button, so text never moves
//   under the reader's eyes, and a screen reader hears how many arrived;
// - an edited entry is replaced where it stands, a deleted one removed;
// - when the coverage ends the page says so and the stream is closed;
// - the breaking-news banner is set or cleared in place.
// The browser reconnects by itself and the server replays what was missed.
(function () {
  "use strict";
  var live = document.querySelector(".live[data-stream]");
  if (!live || !window.EventSource) { return; }
  var list = live.querySelector(".live-entries");
  var bar = live.querySelector(".live-new");
  var button = live.querySelector(".live-show");
  var announce = live.querySelector(".live-announce");
  var count = live.querySelector(".live-count");
  var empty = live.querySelector(".live-empty");
  var waiting = []; // {id, created, html}, not yet shown
  var reloadAsked = false;

  function total(delta) {
    if (!count) { return; }
    var n = parseInt(count.textContent, 10) || 0;
    n = Math.max(0, n + delta);
    count.textContent = n + (n === 1 ? " update" : " updates");
  }

  function say(text) {
    announce.textContent = "";
    // A change of text is what screen readers announce.
    window.setTimeout(function () { announce.textContent = text; }, 50);
  }

  function showBar() {
    if (reloadAsked) {
      button.textContent = "New updates: reload the page";
    } else if (waiting.length === 0) {
      bar.hidden = true;
      return;
    } else {
      button.textContent = waiting.length === 1 ? "1 new update" : waiting.length + " new updates";
    }
    bar.hidden = false;
  }

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  button.addEventListener("click", function () {
    if (reloadAsked) { window.location.reload(); return; }
    waiting.sort(function (a, b) { return a.created - b.created || a.id - b.id; });
    var first = null;
    waiting.forEach(function (e) {
      if (document.getElementById("entry-" + e.id)) { return; }
      var li = document.createElement("li");
      li.appendChild(fragment(e.html));
      list.insertBefore(li, list.firstElementChild);
      first = li.firstElementChild;
    });
    if (empty) { empty.hidden = true; }
    waiting = [];
    showBar();
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  });

  var url = live.getAttribute("data-stream");
  var since = live.getAttribute("data-since");
  if (since && since !== "0") { url += "?since=" + encodeURIComponent(since); }
  var stream = new EventSource(url);

  stream.addEventListener("entry", function (ev) {
    var e = JSON.parse(ev.data);
    var shown = document.getElementById("entry-" + e.id);
    if (shown) {
      shown.replaceWith(fragment(e.html));
      return;
    }
    for (var i = 0; i < waiting.length; i++) {
      if (waiting[i].id === e.id) { waiting[i] = e; return; }
    }
    waiting.push(e);
    total(1);
    showBar();
    say(waiting.length === 1 ? "1 new update" : waiting.length + " new updates");
  });

  stream.addEventListener("delete", function (ev) {
    var e = JSON.parse(ev.data);
    var shown = document.getElementById("entry-" + e.id);
    if (shown) {
      shown.parentNode.remove();
      total(-1);
      return;
    }
    var before = waiting.length;
    waiting = waiting.filter(function (w) { return w.id !== e.id; });
    if (waiting.length !== before) { total(-1); }
    showBar();
  });

  stream.addEventListener("state", function (ev) {
    var s = JSON.parse(ev.data).state;
    if (s === "live") { return; }
    stream.close();
    live.setAttribute("data-state", s);
    var title = document.getElementById("live-title");
    if (title && s === "ended") { title.textContent = "Live coverage has ended"; }
    say(s === "ended" ? "Live coverage has ended." : "This story is no longer live.");
  });

  stream.addEventListener("banner", function (ev) {
    var slot = document.getElementById("breaking");
    if (!slot) { return; }
    var html = JSON.parse(ev.data).html;
    slot.innerHTML = html;
    if (html) { say("Breaking news: " + slot.textContent.replace(/^\s*Breaking\s*/, "")); }
  });

  stream.addEventListener("reload", function () {
    reloadAsked = true;
    showBar();
    say("New updates: reload the page to see them.");
  });
}());
