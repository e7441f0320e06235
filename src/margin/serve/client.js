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

  // A browser opens at most six connections to one server, and each open event stream keeps
  // one: six tabs would leave none for a seventh page. So the tabs of a browser share one
  // stream: the tab holding the lock listens and passes each event on to the others.
  var page = "epoch=" + epoch + "&page=" + encodeURIComponent(here);
  var heard = epoch;  // the last epoch this page was told of

  function hello(data) {
    if (data.instance !== instance || data.reload) {
      location.reload();  // a new server, or this page changed while it was loading
      return;
    }
    heard = Math.max(heard, data.epoch);
    document.documentElement.dataset.marginLive = data.epoch;  // connected (tests wait on it)
    showErrors(data.errors);
  }

  function build(data, mine) {
    if (data.epoch > heard + 1) {
      catchUp();  // an epoch went by unheard (the listening tab changed): ask the server
      return;
    }
    heard = Math.max(heard, data.epoch);
    var changed = data.changed;
    if (mine ? data.reload : data.everything || changed.indexOf(here) >= 0) {
      location.reload();  // this page, or something every page shows, changed
      return;
    }
    var styles = changed.filter(function (url) { return /\.css$/.test(url); });
    if (styles.length) refreshStyles(styles);
    showErrors(data.errors);
  }

  function catchUp() {
    fetch("/__margin__/status?" + page, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(hello, function () { setTimeout(catchUp, 1000); });
  }

  function listen(share) {
    var events = new EventSource("/__margin__/events?" + page);
    ["hello", "build"].forEach(function (name) {
      events.addEventListener(name, function (message) {
        var data = JSON.parse(message.data);
        if (share) share.postMessage({ name: name, data: data });
        if (name === "hello") hello(data); else build(data, true);
      });
    });
    return new Promise(function () {});  // held until the tab closes
  }

  if (!(navigator.locks && window.BroadcastChannel)) {
    listen(null);  // an older browser, or a page not served from this machine
    return;
  }
  var share = new BroadcastChannel("margin-events");
  share.onmessage = function (message) {
    var data = message.data.data;
    if (data.instance !== undefined && data.instance !== instance) location.reload();
    else if (message.data.name === "build") build(data, false);
    else if (data.epoch > heard) catchUp();  // a new listening tab: it may have missed one
  };
  catchUp();
  navigator.locks.request("margin-events", function () { return listen(share); });
})();
