/* sitegen search: reads the static index that sitegen/search.py writes.
 *
 * A query is cut into pairs of adjacent characters (the index's unit, so a
 * Chinese query needs no word segmentation). The parts of documents that
 * hold every looked-up pair of a term are that term's candidates; documents
 * with candidates for every term are checked against their text, part by
 * part, before they are shown. Only the shard files of the looked-up pairs,
 * the filters chosen and the parts of the shown documents are fetched.
 *
 * The page gives the index location in data-index and the site's base path
 * in data-base (both from url_for), so the site works under any sub-path.
 * window.sitegenSearch.find() is the same search, for tests and benchmarks.
 */
(function () {
  "use strict";

  var PAGE = 10; // results shown per step
  var CHECKED_PER_PAGE = 2 * PAGE; // candidates loaded at most per step
  var MAX_PAIRS = 4; // pairs looked up per query term; the text check does the rest
  var NON_WORD = /[^\p{L}\p{N}_]+/u; // Python's \W, as sitegen/search.py splits text
  var FULLWIDTH = /[０-９ａ-ｚ]/g;
  var FACETS = [
    ["year", "y"],
    ["category", "c"],
    ["publication", "p"],
  ];

  function normalise(text) {
    return text.toLowerCase().replace(FULLWIDTH, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
  }

  /* FNV-1a over code points, as shard_of() in sitegen/search.py. */
  function shardOf(pair, shards) {
    var h = 0x811c9dc5;
    for (var ch of pair) {
      h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    }
    return h % shards;
  }

  function bytesOf(b64) {
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  /* A posting → a bitmap with one byte per document (1 = holds the pair). */
  function decode(posting, total) {
    var flags = new Uint8Array(total);
    var raw = bytesOf(posting.slice(1));
    if (posting[0] === "b") {
      for (var i = 0; i < total; i++) flags[i] = (raw[i >> 3] >> (i & 7)) & 1;
      return flags;
    }
    var width = Number(posting[0]);
    var id = 0;
    for (var at = 0; at < raw.length; at += width) {
      var gap = 0;
      for (var k = width - 1; k >= 0; k--) gap = gap * 256 + raw[at + k];
      id += gap;
      flags[id] = 1;
    }
    return flags;
  }

  function and(a, b) {
    for (var i = 0; i < a.length; i++) a[i] &= b[i];
    return a;
  }

  /* A query's terms (split at spaces), and for each the pairs of its word runs. */
  function parse(query) {
    var terms = normalise(query).trim().split(/\s+/).filter(Boolean);
    return terms.map(function (term) {
      var pairs = [];
      term.split(NON_WORD).forEach(function (run) {
        var chars = Array.from(run);
        for (var i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
      });
      return { text: term, pairs: pairs, exact: pairs.length === 1 && term === pairs[0] };
    });
  }

  /* Pairs covering the term without overlap (plus the last one), at most MAX_PAIRS:
     any subset keeps every real match among the candidates. */
  function pick(pairs) {
    var chosen = [];
    for (var i = 0; i < pairs.length; i += 2) chosen.push(pairs[i]);
    if (pairs.length % 2 === 0 && pairs.length > 1) chosen.push(pairs[pairs.length - 1]);
    if (chosen.length > MAX_PAIRS) {
      var step = (chosen.length - 1) / (MAX_PAIRS - 1);
      var spread = [];
      for (var k = 0; k < MAX_PAIRS; k++) spread.push(chosen[Math.round(k * step)]);
      chosen = spread;
    }
    return Array.from(new Set(chosen));
  }

  /* The index files under `base`, each fetched once; a failed fetch is tried
     again next time. Files other than meta.json carry the build's version,
     so a browser cache never mixes two builds. */
  function Index(base) {
    this.base = base;
    this.cache = new Map();
  }

  Index.prototype.meta = function () {
    return this.fetch("meta.json");
  };

  Index.prototype.fetch = function (path) {
    var self = this;
    if (!this.cache.has(path)) {
      var first = path === "meta.json";
      var load = Promise.resolve(first ? null : this.meta()).then(function (meta) {
        var url = self.base + path + (meta ? "?v=" + meta.version : "");
        return fetch(url, { cache: first ? "no-cache" : "default" }).then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + url);
          return response.json();
        });
      });
      load.catch(function () {
        self.cache.delete(path);
      });
      this.cache.set(path, load);
    }
    return this.cache.get(path);
  };

  /* Which document each index unit (a part of a document's text) belongs to,
     and each document's first unit; worked out once from meta.more. */
  Index.prototype.layout = function (meta) {
    if (!this.units) {
      var more = decode(meta.more, meta.units);
      var docOf = new Int32Array(meta.units);
      var first = new Int32Array(meta.documents + 1);
      var doc = -1;
      for (var u = 0; u < meta.units; u++) {
        if (!more[u]) first[++doc] = u;
        docOf[u] = doc;
      }
      first[meta.documents] = meta.units;
      this.units = { docOf: docOf, first: first };
    }
    return this.units;
  };

  /* Candidates for `query` with `filters` ({year, category, publication} names).
     Each term's pairs must meet in one unit; the terms, in one document. */
  Index.prototype.find = function (query, filters) {
    var self = this;
    var terms = parse(query);
    var files = new Set(["meta.json"]);
    var need = function (path) {
      files.add(path);
      return self.fetch(path);
    };
    return this.meta().then(function (meta) {
      var layout = self.layout(meta);
      var searched = terms.filter(function (term) {
        return term.pairs.length > 0;
      });
      if (!searched.length) return new Search(self, terms, [], [], layout, false, files, "short");
      var entries = searched.map(function (term) {
        return Promise.all(
          pick(term.pairs).map(function (pair) {
            return need("shards/" + shardOf(pair, meta.shards) + ".json").then(function (shard) {
              return shard[pair];
            });
          })
        );
      });
      var facets = [];
      FACETS.forEach(function (f) {
        var name = filters && filters[f[0]];
        var n = name ? meta.facets[f[1]].indexOf(name) : -1;
        if (n >= 0) facets.push(need("facets/" + f[1] + n + ".json"));
      });
      return Promise.all([Promise.all(entries), Promise.all(facets)]).then(function (got) {
        var docs = new Uint8Array(meta.documents).fill(1);
        var titled = new Uint8Array(meta.documents).fill(1);
        var unitsOf = got[0].map(function (postings) {
          var units = new Uint8Array(meta.units).fill(1);
          var titles = new Uint8Array(meta.units).fill(1);
          postings.forEach(function (entry) {
            var body = typeof entry === "string" ? entry : entry ? entry[0] : "";
            var title = entry && typeof entry !== "string" ? entry[1] : "";
            and(units, body ? decode(body, meta.units) : new Uint8Array(meta.units));
            and(titles, title ? decode(title, meta.units) : new Uint8Array(meta.units));
          });
          var inDocs = new Uint8Array(meta.documents);
          var inTitles = new Uint8Array(meta.documents);
          for (var u = 0; u < meta.units; u++) {
            if (units[u]) inDocs[layout.docOf[u]] = 1;
            if (titles[u]) inTitles[layout.docOf[u]] = 1;
          }
          and(docs, inDocs);
          and(titled, inTitles);
          return units;
        });
        got[1].forEach(function (posting) {
          and(docs, decode(posting, meta.documents));
        });
        var first = [];
        var rest = [];
        for (var i = 0; i < meta.documents; i++) {
          if (docs[i]) (titled[i] ? first : rest).push(i);
        }
        var exact = searched.every(function (t) {
          return t.exact;
        });
        return new Search(self, terms, first.concat(rest), unitsOf, layout, exact, files, "");
      });
    });
  };

  /* One query's results: candidates in rank order, checked a page at a time.
     Terms of one character are not looked up (they are everywhere); they are
     only highlighted. */
  function Search(index, terms, candidates, unitsOf, layout, exact, files, problem) {
    this.index = index;
    this.terms = terms;
    this.searched = terms.filter(function (term) {
      return term.pairs.length > 0;
    });
    this.candidates = candidates;
    this.unitsOf = unitsOf; // per searched term: which units can hold it
    this.layout = layout;
    this.exact = exact; // every candidate is a match, no text check can drop one
    this.files = files; // index files this query needed, for measuring
    this.problem = problem;
    this.checked = 0;
    this.dropped = 0;
  }

  Object.defineProperty(Search.prototype, "count", {
    get: function () {
      return this.candidates.length - this.dropped;
    },
  });

  Object.defineProperty(Search.prototype, "done", {
    get: function () {
      return this.checked >= this.candidates.length;
    },
  });

  /* Load a candidate and, for each term, the parts that can hold it until one
     does; resolves to the document (with `x` the text to show) or null. */
  Search.prototype.check = function (id) {
    var self = this;
    var need = function (path) {
      self.files.add(path);
      return self.index.fetch(path);
    };
    return need("docs/" + id + ".json").then(function (doc) {
      var base = self.layout.first[id];
      var shown = null;
      function text(part) {
        if (part === 0) return Promise.resolve(doc.t + "\n" + doc.x);
        return need("docs/" + id + "." + part + ".json");
      }
      function term(n) {
        if (n >= self.searched.length) return true;
        var parts = [];
        for (var u = base; u < base + doc.n; u++) {
          if (self.unitsOf[n][u]) parts.push(u - base);
        }
        var wanted = self.searched[n].text;
        function look(k) {
          if (k >= parts.length) return self.exact;
          return text(parts[k]).then(function (part) {
            if (normalise(part).indexOf(wanted) < 0) return look(k + 1);
            if (shown === null) shown = parts[k] === 0 ? doc.x : "…" + part;
            return term(n + 1);
          });
        }
        return look(0);
      }
      return Promise.resolve(term(0)).then(function (ok) {
        if (!ok) return null;
        return Object.assign({ id: id }, doc, { x: shown === null ? doc.x : shown });
      });
    });
  };

  /* The next `want` matching documents, checking at most `limit` candidates
     (fewer at the end, or when many candidates hold the pairs but not the
     query: the reader asks for more, so one step's bytes stay bounded). */
  Search.prototype.next = function (want, limit) {
    var self = this;
    var found = [];
    var stop = Math.min(this.candidates.length, this.checked + (limit || Infinity));
    function step() {
      if (found.length >= want || self.checked >= stop) return Promise.resolve(found);
      var size = Math.min(Math.max(want - found.length, PAGE), stop - self.checked);
      var batch = self.candidates.slice(self.checked, self.checked + size);
      self.checked += batch.length;
      return Promise.all(batch.map(self.check, self)).then(function (docs) {
        docs.forEach(function (doc) {
          if (doc) found.push(doc);
          else self.dropped += 1;
        });
        return step();
      });
    }
    return step();
  };

  /* What one step of the page shows. */
  Search.prototype.page = function () {
    return this.next(PAGE, CHECKED_PER_PAGE);
  };

  /* Every match: for tests and the recall benchmark. */
  Search.prototype.all = function () {
    var self = this;
    var found = [];
    function step() {
      return self.next(200).then(function (docs) {
        found = found.concat(docs);
        return self.done ? found : step();
      });
    }
    return step();
  };

  /* ---------- the page ---------- */

  function mark(parent, text, terms) {
    var lower = normalise(text);
    var source = lower.length === text.length ? lower : text;
    var spans = [];
    terms.forEach(function (term) {
      var needle = term.text;
      for (var at = source.indexOf(needle); at >= 0; at = source.indexOf(needle, at + needle.length)) {
        spans.push([at, at + needle.length]);
      }
    });
    spans.sort(function (a, b) {
      return a[0] - b[0] || b[1] - a[1];
    });
    var pos = 0;
    spans.forEach(function (span) {
      if (span[0] < pos) return;
      parent.append(text.slice(pos, span[0]));
      var m = document.createElement("mark");
      m.textContent = text.slice(span[0], span[1]);
      parent.append(m);
      pos = span[1];
    });
    parent.append(text.slice(pos));
  }

  function excerpt(text, terms) {
    var lower = normalise(text);
    var at = -1;
    terms.forEach(function (term) {
      var i = lower.indexOf(term.text);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    var start = Math.max(0, at - 40);
    var end = Math.min(text.length, start + 140);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function hit(doc, terms, base) {
    var li = document.createElement("li");
    li.className = "search-hit";
    var h = document.createElement("h2");
    h.className = "search-hit-title";
    var a = document.createElement("a");
    a.href = base + doc.u;
    mark(a, doc.t, terms);
    h.append(a);
    var meta = document.createElement("p");
    meta.className = "search-hit-meta";
    var time = document.createElement("time");
    time.dateTime = doc.d;
    time.textContent = doc.d;
    meta.append(time);
    var label = doc.p || doc.c;
    if (label) {
      var span = document.createElement("span");
      span.className = doc.p ? "search-hit-pub" : "search-hit-cat";
      span.textContent = label;
      meta.append(span);
    }
    var p = document.createElement("p");
    p.className = "search-hit-excerpt";
    mark(p, excerpt(doc.x, terms), terms);
    li.append(h, meta, p);
    return li;
  }

  function start(root) {
    var index = new Index(root.dataset.index);
    var base = root.dataset.base;
    var form = root.querySelector("form");
    var input = form.elements.q;
    var status = root.querySelector(".search-status");
    var list = root.querySelector(".search-results");
    var more = root.querySelector(".search-more");
    var current = null;

    function filters() {
      var chosen = {};
      FACETS.forEach(function (f) {
        var field = form.elements[f[0]];
        if (field && field.value) chosen[f[0]] = field.value;
      });
      return chosen;
    }

    function say(text) {
      status.textContent = text;
    }

    function summary(search) {
      var shown = list.children.length;
      if (!search.count) return "没有找到包含“" + input.value.trim() + "”的文档。";
      var count = (search.exact || search.done ? "找到 " : "找到约 ") + search.count + " 篇";
      return count + (shown < search.count ? "，已显示 " + shown + " 篇。" : "。");
    }

    function show(search) {
      more.disabled = true;
      return search.page().then(function (docs) {
        if (search !== current) return;
        docs.forEach(function (doc) {
          list.append(hit(doc, search.terms, base));
        });
        more.hidden = search.done;
        more.disabled = false;
        say(summary(search));
      });
    }

    function busy(work) {
      root.dataset.state = "busy";
      return work.then(function () {
        root.dataset.state = "idle";
      });
    }

    function search() {
      var query = input.value.trim();
      var params = new URLSearchParams();
      if (query) params.set("q", query);
      var chosen = filters();
      Object.keys(chosen).forEach(function (k) {
        params.set(k, chosen[k]);
      });
      var header = document.getElementById("site-search-q");
      if (header) header.value = query;
      history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
      list.replaceChildren();
      more.hidden = true;
      current = null;
      if (!query) {
        say("输入要找的词，例如“核酸检测”。");
        return Promise.resolve();
      }
      say("正在搜索…");
      return index
        .find(query, chosen)
        .then(function (search) {
          current = search;
          if (search.problem === "short") {
            say("请至少输入两个连续的字或字母：单个字会出现在几乎每一篇文档里。");
            return;
          }
          return show(search);
        })
        .catch(function (error) {
          say("搜索索引读取失败（" + error.message + "）。本页需要通过网站服务器打开。");
        });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      busy(search());
    });
    form.addEventListener("change", function (event) {
      if (event.target !== input) busy(search());
    });
    more.addEventListener("click", function () {
      if (current) busy(show(current));
    });

    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    FACETS.forEach(function (f) {
      var field = form.elements[f[0]];
      if (field && params.get(f[0])) field.value = params.get(f[0]);
    });
    window.sitegenSearch = {
      find: function (query, chosen) {
        return index.find(query, chosen || {});
      },
    };
    busy(search());
  }

  var root = document.getElementById("search");
  if (root) start(root);
})();
