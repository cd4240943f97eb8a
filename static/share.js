// Share block enhancements: "Copy link" and the device's own share sheet.
// The plain links work without this file.
(function () {
  "use strict";
  var status = document.querySelector(".copy-status");
  var copy = document.querySelector(".copy-link");
  if (copy && navigator.clipboard && window.isSecureContext !== false) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.getAttribute("data-url")).then(function () {
        if (status) { status.textContent = "Link copied."; }
      }, function () {
        if (status) { status.textContent = "Could not copy; select the address bar instead."; }
      });
    });
  }
  var share = document.querySelector(".web-share");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: share.getAttribute("data-title"), url: share.getAttribute("data-url") }).catch(function () {});
    });
  }
})();
