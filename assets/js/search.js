// The search page: Pagefind's index, written in shards (/pagefind/shards.json lists them), all
// searched by one copy of Pagefind (the first shard's script, worker and WebAssembly; every
// other shard merged into it with Pagefind's mergeIndex, which loads only its entry and
// metadata), the results ranked together by score.
//
// One thing a merged search must do that Pagefind's UI does not: a shard that lacks a word
// answers with its nearest prefix instead (its fallback for typos), so a rare word would bring
// up unrelated notes from every other shard. Each shard is therefore tagged with a filter of
// its own (SHARD, hidden), a word found exactly somewhere rules out the shards that lack it,
// and the site searches as one index would.
(function () {
  "use strict";
  var box = document.getElementById("search");
  var root = box.dataset.bundle;
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var filterBox = document.getElementById("search-filters");
  var PAGE = 10;
  var SHARD = "margin-shard"; // the filter naming each result's shard (never drawn)
  var pagefind = null;
  var names = []; // the shards, by folder name
  var chosen = {}; // filter name -> set of values
  var found = [];
  var shown = 0;
  var latest = 0; // the newest search: answers to older ones are dropped
  var timer = null;

  function missing() {
    document.getElementById("search-missing").hidden = false;
    box.hidden = true;
  }

  function tagged(name) {
    var filter = {};
    filter[SHARD] = name;
    return { baseUrl: box.dataset.base, mergeFilter: filter };
  }

  function load() {
    return fetch(root + "shards.json").then(function (response) {
      if (!response.ok) throw new Error("no search index");
      return response.json();
    }).then(function (manifest) {
      if (!manifest.bundles.length) throw new Error("no search index");
      names = manifest.bundles.map(function (bundle) { return bundle.replace(/\/$/, ""); });
      return import(root + manifest.bundles[0] + "pagefind.js");
    }).then(function (module) {
      var first = tagged(names[0]);
      first.basePath = root + names[0] + "/";
      return module.options(first).then(function () {
        return Promise.all(names.slice(1).map(function (name) {
          return module.mergeIndex(root + name + "/", tagged(name));
        }));
      }).then(function () { return module.filters(); }) // loads them: answers count them
        .then(function () { pagefind = module; });
    });
  }

  function filterOptions() {
    var filters = {};
    Object.keys(chosen).forEach(function (name) {
      if (chosen[name].size) filters[name] = { any: Array.from(chosen[name]) };
    });
    return { filters: filters };
  }

  function words(term) {
    return term.replace(/"/g, " ").split(/\s+/).filter(Boolean);
  }

  // The shards that hold every word of TERM that the site holds at all (null: every shard).
  function eligible(term) {
    if (names.length < 2 || term.indexOf('"') !== -1) return Promise.resolve(null);
    return Promise.all(words(term).map(function (word) {
      return pagefind.search('"' + word + '"').then(function (answer) {
        return (answer.filters && answer.filters[SHARD]) || {};
      });
    })).then(function (holds) {
      var kept = names.filter(function (name) {
        return holds.every(function (byShard) {
          return byShard[name] > 0 || !Object.keys(byShard).some(function (other) {
            return byShard[other] > 0;
          });
        });
      });
      return kept.length === names.length ? null : kept;
    });
  }

  function search(term) {
    var mine = ++latest;
    var url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!term.trim()) {
      found = [];
      list.textContent = "";
      status.textContent = "";
      more.hidden = true;
      return Promise.resolve();
    }
    status.textContent = "Searching\u2026";
    return eligible(term).then(function (holding) {
      var options = filterOptions();
      if (holding) options.filters[SHARD] = { any: holding };
      return pagefind.search(term, options);
    }).then(function (answer) {
      if (mine !== latest) return;
      found = answer.results; // best first, across the shards
      list.textContent = "";
      shown = 0;
      drawFilters(answer.filters || {});
      return showMore(mine).then(function () { // said once the first results are drawn
        if (mine !== latest) return;
        status.textContent = found.length === 0 ? "No notes match \u201c" + term + "\u201d."
          : found.length + (found.length === 1 ? " note matches" : " notes match") +
            " \u201c" + term + "\u201d.";
      });
    });
  }

  function showMore(mine) {
    var next = found.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = shown >= found.length;
    return Promise.all(next.map(function (result) { return result.data(); }))
      .then(function (pages) {
        if (mine !== latest) return;
        pages.forEach(function (page) { list.appendChild(drawResult(page)); });
      });
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec"];

  // "2025-03-04" -> "4 Mar 2025", as the site's lists write dates (the `date('short')` filter).
  function shortDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!parts) return iso;
    return Number(parts[3]) + " " + MONTHS[Number(parts[2]) - 1] + " " + parts[1];
  }

    function drawResult(page) {
    var item = document.createElement("li");
    item.className = "search-result";
    var title = document.createElement("a");
    title.className = "search-result__title";
    title.href = page.url;
    title.textContent = (page.meta && page.meta.title) || page.url;
    var heading = document.createElement("h2");
    heading.appendChild(title);
    item.appendChild(heading);
    if (page.meta && page.meta.date) {
      var date = document.createElement("p");
      date.className = "search-result__date";
      var time = document.createElement("time");
      time.dateTime = page.meta.date;
      time.textContent = shortDate(page.meta.date);
      date.appendChild(time);
      item.appendChild(date);
    }
    var excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    excerpt.innerHTML = page.excerpt; // Pagefind's text, escaped, with <mark> around the words
    item.appendChild(excerpt);
    var parts = (page.sub_results || []).filter(function (part) {
      return part.url !== page.url && part.url.indexOf("#") !== -1;
    }).slice(0, 3);
    if (parts.length) {
      var sections = document.createElement("ul");
      sections.className = "search-result__sections";
      parts.forEach(function (part) {
        var row = document.createElement("li");
        var link = document.createElement("a");
        link.href = part.url;
        link.textContent = part.title;
        var text = document.createElement("p");
        text.innerHTML = part.excerpt;
        row.appendChild(link);
        row.appendChild(text);
        sections.appendChild(row);
      });
      item.appendChild(sections);
    }
    return item;
  }

  // The tag and section filters, each a folded group, with how many results each value keeps.
  function drawFilters(counts) {
    var open = {};
    filterBox.querySelectorAll("details[open]").forEach(function (group) {
      open[group.dataset.name] = true;
    });
    filterBox.textContent = "";
    Object.keys(counts).sort().forEach(function (name) {
      if (name === SHARD) return;
      var values = Object.keys(counts[name]).filter(function (value) {
        return counts[name][value] > 0 || (chosen[name] && chosen[name].has(value));
      }).sort(function (a, b) { return counts[name][b] - counts[name][a] || a.localeCompare(b); });
      if (!values.length) return;
      var group = document.createElement("details");
      group.className = "search-filter";
      group.dataset.name = name;
      group.open = !!open[name];
      var summary = document.createElement("summary");
      summary.textContent = name.charAt(0).toUpperCase() + name.slice(1);
      group.appendChild(summary);
      var choices = document.createElement("div");
      choices.className = "search-filter__choices";
      values.forEach(function (value) {
        var label = document.createElement("label");
        var tick = document.createElement("input");
        tick.type = "checkbox";
        tick.checked = !!(chosen[name] && chosen[name].has(value));
        tick.addEventListener("change", function () {
          chosen[name] = chosen[name] || new Set();
          if (tick.checked) chosen[name].add(value); else chosen[name].delete(value);
          search(input.value);
        });
        var count = document.createElement("span");
        count.className = "search-filter__count";
        count.textContent = counts[name][value];
        label.appendChild(tick);
        label.appendChild(document.createTextNode(" " + value + " "));
        label.appendChild(count);
        choices.appendChild(label);
      });
      group.appendChild(choices);
      filterBox.appendChild(group);
    });
  }

  load().then(function () {
    box.hidden = false;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input.value); }, 200);
    });
    document.getElementById("search-form").addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      search(input.value);
    });
    more.addEventListener("click", function () { showMore(latest); });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      input.value = query;
      search(query);
    }
    input.focus();
  }).catch(missing);
})();
