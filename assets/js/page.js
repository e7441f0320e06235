// What a page gains with JavaScript; every part of it reads fine without:
// - the colour scheme toggle (system, light, dark), remembered in localStorage; base.html's
//   inline script applies the remembered choice before the first paint;
// - a copy button on each code block;
// - the table of contents marks the section in view.
(function () {
  "use strict";
  var KEY = "margin-scheme";
  var CHOICES = ["system", "light", "dark"];
  var LABELS = { system: "Auto", light: "Light", dark: "Dark" };

  function stored() {
    try {
      var choice = localStorage.getItem(KEY);
      return CHOICES.indexOf(choice) > 0 ? choice : "system";
    } catch (e) {
      return "system"; // storage refused (a private window, a file: page)
    }
  }

  function apply(choice) {
    var sheet = document.getElementById("dark-scheme");
    if (sheet) {
      sheet.media = choice === "dark" ? "screen"
        : choice === "light" ? "not all" : "screen and (prefers-color-scheme: dark)";
    }
    if (choice === "system") delete document.documentElement.dataset.scheme;
    else document.documentElement.dataset.scheme = choice;
  }

  function schemeToggle() {
    var button = document.querySelector(".scheme-toggle");
    if (!button) return;
    function show(choice) {
      var next = CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length];
      button.dataset.choice = choice;
      button.querySelector(".scheme-toggle__label").textContent = LABELS[choice];
      button.setAttribute("aria-label", "Colour scheme: " + LABELS[choice].toLowerCase() +
        " (switch to " + LABELS[next].toLowerCase() + ")");
    }
    button.addEventListener("click", function () {
      var choice = CHOICES[(CHOICES.indexOf(button.dataset.choice) + 1) % CHOICES.length];
      try {
        if (choice === "system") localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, choice);
      } catch (e) { /* kept for this page only */ }
      apply(choice);
      show(choice);
    });
    window.addEventListener("storage", function (event) { // another tab chose
      if (event.key === KEY || event.key === null) { apply(stored()); show(stored()); }
    });
    show(stored());
    button.hidden = false;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) { // http:// pages have no clipboard API
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      area.remove();
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  function copyButtons() {
    document.querySelectorAll(".note-body pre").forEach(function (pre) {
      var holder = pre.parentElement;
      if (!holder.classList.contains("highlight")) {
        holder = document.createElement("div");
        holder.className = "code-block";
        pre.replaceWith(holder);
        holder.appendChild(pre);
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the code");
      button.addEventListener("click", function () {
        copyText(pre.innerText.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Press Ctrl+C";
          var range = document.createRange();
          range.selectNodeContents(pre);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }).then(function () {
          button.dataset.copied = "";
          setTimeout(function () {
            button.textContent = "Copy";
            delete button.dataset.copied;
          }, 2000);
        });
      });
      holder.appendChild(button);
    });
  }

  // The heading in view is the last one scrolled past the top fifth of the window.
  function tocHere() {
    var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
    var targets = links.map(function (link) {
      return document.getElementById(decodeURIComponent(link.hash.slice(1)));
    });
    if (!links.length || targets.indexOf(null) !== -1) return;
    var marked = null;
    function mark() {
      var line = window.innerHeight / 5;
      var here = 0;
      targets.forEach(function (target, index) {
        if (target.getBoundingClientRect().top <= line) here = index;
      });
      if (marked === here) return;
      if (marked !== null) links[marked].removeAttribute("aria-current");
      links[here].setAttribute("aria-current", "location");
      marked = here;
    }
    var pending = false;
    window.addEventListener("scroll", function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; mark(); });
    }, { passive: true });
    window.addEventListener("resize", mark);
    mark();
  }

  schemeToggle();
  copyButtons();
  tocHere();
})();
