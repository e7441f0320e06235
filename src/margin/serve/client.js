// margin serve: reload this page when its file changes, show the site's errors over it.
// Injected into served HTML only; `margin build` output never contains it.
(function () {
  "use strict";
  var script = document.currentScript;
  var epoch = Number(script.dataset.epoch);
  var instance = script.dataset.instance;
  var here = decodeURIComponent(location.pathname).replace(/\/index\.html$/, "/");
  var overlayId = "margin-error-overlay";

  function showErrors(errors) {
    var overlay = document.getElementById(overlayId);
    if (!errors || errors.length === 0) {
      if (overlay) overlay.remove();
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;z-index:2147483647;" +
        "max-height:60vh;overflow:auto;padding:1rem 1.25rem;border-radius:8px;" +
        "background:#2b0b0e;color:#ffe9ea;border:2px solid #ff6b6b;" +
        "box-shadow:0 8px 32px rgba(0,0,0,.45);font:14px/1.5 ui-monospace,monospace;";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", "Hide");
      close.style.cssText = "float:right;background:none;border:0;color:inherit;" +
        "font-size:1.5rem;line-height:1;cursor:pointer;";
      close.onclick = function () { overlay.style.display = "none"; };
      var title = document.createElement("strong");
      title.textContent = "margin: the site has errors (the last good version is shown)";
      var list = document.createElement("pre");
      list.className = "margin-errors";
      list.style.cssText = "margin:.5rem 0 0;white-space:pre-wrap;font:inherit;";
      overlay.append(close, title, list);
      document.body.appendChild(overlay);
    }
    overlay.style.display = "";
    overlay.querySelector(".margin-errors").textContent = errors.join("\n");
  }

  function refreshStyles(changed) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      if (changed.indexOf(decodeURIComponent(url.pathname)) >= 0) {
        url.searchParams.set("margin", Date.now());
        link.href = url.href;
      }
    });
  }

  var query = "?epoch=" + epoch + "&page=" + encodeURIComponent(here);
  var events = new EventSource("/__margin__/events" + query);
  events.addEventListener("hello", function (message) {
    var data = JSON.parse(message.data);
    if (data.instance !== instance || data.reload) {
      location.reload();  // a new server, or this page changed while it was loading
      return;
    }
    document.documentElement.dataset.marginLive = data.epoch;  // connected (tests wait on it)
    showErrors(data.errors);
  });
  events.addEventListener("build", function (message) {
    var data = JSON.parse(message.data);
    if (data.reload) {
      location.reload();  // this page, or something every page shows, changed
      return;
    }
    var styles = data.changed.filter(function (url) { return /\.css$/.test(url); });
    if (styles.length) refreshStyles(styles);
    showErrors(data.errors);
  });
})();
