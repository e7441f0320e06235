// Link previews: pointing at or tabbing to a link in a note shows what it leads to, in a box
// beside it. A link to another page of the site shows that page's title and first paragraph
// (the page is fetched from this site once, parsed, kept for the visit: no build output of its
// own, and the click that may follow finds it cached); a link to a footnote, reference, figure,
// table, equation or section of this page shows that part. Escape hides the box. Touch gives
// no previews (a tap follows the link); without JavaScript the links are plain links.
(function () {
  "use strict";
  var IN_PAGE = /^#(fn\d|ref-|fig-|tbl-|eq-|sec-)/;
  var SCOPE = ".note-body, .note-papers, .backlinks, .related"; // a note's text and its graph
  var pages = new Map(); // page URL -> Promise of its parsed document (null: no preview)
  var box = document.createElement("div");
  var shown = null, wanted = null, dismissed = null, showTimer = 0, hideTimer = 0;
  box.className = "preview";
  box.id = "link-preview";
  box.setAttribute("role", "tooltip");
  box.hidden = true;
  document.body.appendChild(box);

  function previewable(link) {
    if (!(link instanceof HTMLAnchorElement) || !link.closest(SCOPE) || box.contains(link)) {
      return false;
    }
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || link.hasAttribute("download")) return false;
    if (url.pathname === location.pathname) return IN_PAGE.test(url.hash);
    return !/\.(?!html?$)[a-z0-9]+$/i.test(url.pathname); // a page, not a file
  }

  function byId(doc, hash) {
    try { return hash ? doc.getElementById(decodeURIComponent(hash.slice(1))) : null; }
    catch (e) { return null; } // a malformed %-escape
  }

  function fetched(url) {
    if (!pages.has(url)) {
      pages.set(url, fetch(url, { credentials: "same-origin" }).then(function (response) {
        var type = response.headers.get("content-type") || "";
        return response.ok && type.indexOf("html") >= 0 ? response.text() : null;
      }).then(function (text) {
        return text && new DOMParser().parseFromString(text, "text/html");
      }).catch(function () { return null; }));
    }
    return pages.get(url);
  }

  // What a part of a page previews as: a heading with the paragraph after it, a footnote or
  // reference entry's content, or the figure, table or equation itself.
  function partOf(target) {
    if (!target) return [];
    if (/^H[1-6]$/.test(target.tagName)) {
      var next = target.nextElementSibling;
      return next && next.tagName === "P" ? [target, next] : [target];
    }
    return target.tagName === "LI" ? Array.prototype.slice.call(target.childNodes) : [target];
  }

  function firstParagraph(doc) {
    var found = null;
    doc.querySelectorAll("main p").forEach(function (p) {
      if (!found && !p.closest("header, nav, .toc, .callout-title") && p.textContent.trim()) {
        found = p;
      }
    });
    return found;
  }

  function copies(nodes, base) {
    var holder = document.createElement("div");
    nodes.forEach(function (node) { holder.appendChild(document.importNode(node, true)); });
    holder.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    holder.querySelectorAll(".sidenote, .footnote-backref, .header-anchor").forEach(function (el) {
      el.remove();
    });
    holder.querySelectorAll("a[href]").forEach(function (a) {
      a.href = new URL(a.getAttribute("href"), base).href;
      a.tabIndex = -1;
    });
    holder.querySelectorAll("img[src]").forEach(function (img) {
      img.src = new URL(img.getAttribute("src"), base).href;
      img.removeAttribute("srcset");
      img.loading = "lazy";
    });
    return Array.prototype.slice.call(holder.childNodes);
  }

  function contentFor(link) {
    var url = new URL(link.href, location.href);
    if (url.pathname === location.pathname) {
      var target = byId(document, url.hash);
      // A footnote beside its reference (a sidenote) needs no preview.
      if (!target || target.matches(".footnote-item--beside") && !target.getClientRects().length) {
        return Promise.resolve(null);
      }
      return Promise.resolve(copies(partOf(target), location.href));
    }
    var page = url.href.split("#")[0];
    return fetched(page).then(function (doc) {
      if (!doc) return null;
      var title = document.createElement("p");
      var heading = doc.querySelector("h1");
      title.className = "preview__title";
      title.textContent = heading ? heading.textContent.trim() : doc.title;
      var part = byId(doc, url.hash);
      var body = part ? partOf(part) : [firstParagraph(doc)].filter(Boolean);
      return [title].concat(copies(body, page));
    });
  }

  function show(link) {
    clearTimeout(hideTimer);
    wanted = link;
    contentFor(link).then(function (nodes) {
      if (wanted !== link || !nodes || !nodes.length) return;
      if (shown && shown !== link) shown.removeAttribute("aria-describedby");
      box.replaceChildren.apply(box, nodes);
      box.hidden = false;
      place(link);
      link.setAttribute("aria-describedby", box.id);
      shown = link;
    });
  }

  function place(link) {
    var rect = link.getBoundingClientRect();
    var gap = 6, edge = 8;
    var below = window.innerHeight - rect.bottom, above = rect.top;
    var top = below >= box.offsetHeight + gap || below >= above
      ? rect.bottom + gap : rect.top - gap - box.offsetHeight;
    var left = Math.min(rect.left, document.documentElement.clientWidth - box.offsetWidth - edge);
    box.style.top = top + window.scrollY + "px";
    box.style.left = Math.max(edge, left) + window.scrollX + "px";
  }

  function hide() {
    clearTimeout(showTimer);
    wanted = null;
    box.hidden = true;
    if (shown) shown.removeAttribute("aria-describedby");
    shown = null;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);
  }

  document.addEventListener("pointerover", function (event) {
    if (event.pointerType === "touch") return;
    if (box.contains(event.target)) { clearTimeout(hideTimer); return; }
    var link = event.target.closest && event.target.closest("a[href]");
    if (link === dismissed || !previewable(link)) return;
    clearTimeout(hideTimer);
    if (link === shown || link === wanted) return;
    clearTimeout(showTimer);
    wanted = link;
    showTimer = setTimeout(function () { show(link); }, 300);
  });
  document.addEventListener("pointerout", function (event) {
    var from = event.target.closest && event.target.closest("a[href], .preview");
    if (!from || from.contains(event.relatedTarget)) return;
    if (from === dismissed) dismissed = null;
    if (from === box || from === wanted || from === shown) {
      clearTimeout(showTimer);
      wanted = null;
      hideSoon();
    }
  });
  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (previewable(link) && link.matches(":focus-visible")) show(link);
    else if (shown) hide();
  });
  document.addEventListener("focusout", function (event) {
    if (event.target === shown || event.target === wanted) hide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && (shown || wanted)) {
      dismissed = shown || wanted;
      hide();
    }
  });
  window.addEventListener("resize", hide);
})();
