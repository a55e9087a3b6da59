// Korean article search on a static site (plugin newsroom_search, docs/search.md).
// The query rules mirror plugins/newsroom_search/tokenize.py and query.py: Hangul words are
// matched by their syllable bigrams (상품권 -> 상품, 품권, found inside 온누리상품권을), a
// trailing particle is trimmed from a query word (서울시는 -> 서울시), every word must match.
// Index files are fetched on demand: the manifest, then only the shards of the query's
// bigrams, then the doc files of the results shown. Text from the index is only ever put
// in the page through textContent / text nodes, never innerHTML.
(function () {
  "use strict";

  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var PARTICLES = [
    "에서는", "으로는", "에게서",
    "에서", "으로", "에게", "까지", "부터", "보다", "처럼", "와의", "과의", "에는", "에도",
    "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만"
  ];
  var RUN_RE = /[가-힣]+|[a-z0-9]+/g;
  var PAGE_SIZE = 10;

  // ---- query rules (pure) -------------------------------------------------------------

  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase();
  }

  function stripParticle(word) {
    for (var i = 0; i < PARTICLES.length; i++) {
      var p = PARTICLES[i];
      if (word.length - p.length >= 2 && word.slice(-p.length) === p) {
        return word.slice(0, -p.length);
      }
    }
    return word;
  }

  function bigrams(word) {
    var out = [];
    for (var i = 0; i + 1 < word.length; i++) {
      var b = word.slice(i, i + 2);
      if (out.indexOf(b) < 0) out.push(b);
    }
    return out;
  }

  // [{word, terms}] for a query: what tokenize.query_words returns.
  function queryWords(query) {
    var runs = normalize(query).match(RUN_RE) || [];
    var out = [];
    var seen = {};
    for (var i = 0; i < runs.length; i++) {
      var run = runs[i];
      var word, terms;
      if (run[0] >= "가" && run[0] <= "힣") {
        word = stripParticle(run);
        terms = bigrams(word);
      } else {
        word = run;
        terms = run.length >= 2 ? [run] : [];
      }
      if (terms.length && !Object.prototype.hasOwnProperty.call(seen, word)) {
        seen[word] = true;
        out.push({ word: word, terms: terms });
      }
    }
    return out;
  }

  function fnv1a(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  // Gap-encoded postings of a segment whose first id is `base` -> Map {id: inTitle}.
  function decodePostings(text, base) {
    var out = new Map();
    var prev = (base || 0) - 1, acc = 0;
    for (var i = 0; i < text.length; i++) {
      var d = DIGITS.indexOf(text[i]);
      if (d >= 32) {
        acc = acc * 32 + (d - 32);
      } else {
        var v = acc * 32 + d;
        acc = 0;
        prev = prev + 1 + Math.floor(v / 2);
        out.set(prev, (v & 1) === 1);
      }
    }
    return out;
  }

  // ---- the index, fetched on demand --------------------------------------------------

  function Engine(base) {
    this.base = base;
    this.files = {};
    this.manifest = this.fetch("manifest.json", "no-cache").then(function (r) { return r.json(); })
      .then(function (m) {
        // Segments follow in date order; a doc id counts across them: each one's first id.
        var next = 0;
        m.bases = m.segments.map(function (seg) { var b = next; next += seg.count; return b; });
        return m;
      });
  }

  Engine.prototype.fetch = function (path, cache) {
    var url = this.base + path;
    return window.fetch(url, { cache: cache || "default", credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " " + url);
      return r;
    });
  };

  // One index file of a segment (its position in the manifest), fetched once:
  // "s/<name>/<k>.txt" (a shard), "d/<name>/<k>.json" (docs) or "f/<name>.json" (facets).
  // The segment's hash from the manifest goes into the URL, so a cached old file is never
  // used.
  Engine.prototype.file = function (path, segment, parse) {
    var self = this;
    if (!this.files[path]) {
      this.files[path] = this.manifest.then(function (m) {
        return self.fetch(path + "?h=" + m.segments[segment].hash).then(parse);
      });
    }
    return this.files[path];
  };

  function json(r) { return r.json(); }

  // The segment of a doc id (the last whose first id is not above it): [segment, id in it].
  function segmentOf(m, id) {
    var lo = 0, hi = m.bases.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (m.bases[mid] <= id) lo = mid; else hi = mid - 1;
    }
    return [lo, id - m.bases[lo]];
  }

  // The doc file of an id: [path, segment, row in the file].
  function docFile(m, id) {
    var at = segmentOf(m, id), local = at[1];
    return ["d/" + m.segments[at[0]].name + "/" + Math.floor(local / m.docChunk) + ".json",
            at[0], local % m.docChunk];
  }

  Engine.prototype.shard = function (m, segment, k) {
    return this.file("s/" + m.segments[segment].name + "/" + k + ".txt", segment, function (r) {
      return r.text().then(function (text) {
        var terms = new Map();
        var lines = text.split("\n");
        for (var i = 0; i < lines.length; i++) {
          var tab = lines[i].indexOf("\t");
          if (tab > 0) terms.set(lines[i].slice(0, tab), lines[i].slice(tab + 1));
        }
        return terms;
      });
    });
  };

  // {id: inTitle} of a term over every segment (one shard fetched per segment).
  Engine.prototype.postings = function (term) {
    var self = this;
    var h = fnv1a(term);
    return this.manifest.then(function (m) {
      return Promise.all(m.segments.map(function (seg, i) {
        return self.shard(m, i, h % seg.shards).then(function (terms) {
          var raw = terms.get(term);
          return raw ? decodePostings(raw, m.bases[i]) : null;
        });
      })).then(function (parts) {
        var out = new Map();
        parts.forEach(function (part) {
          if (part) part.forEach(function (inTitle, id) { out.set(id, inTitle); });
        });
        return out;
      });
    });
  };

  // doc id -> [matched terms, all terms in title] for one query word.
  function wordHits(lists, relaxed) {
    var n = lists.length;
    var need = relaxed && n >= 2 ? Math.max(1, Math.ceil(n / 2)) : n;
    var counts = new Map(), titles = new Map();
    lists.forEach(function (list) {
      list.forEach(function (inTitle, id) {
        counts.set(id, (counts.get(id) || 0) + 1);
        titles.set(id, (titles.get(id) || 0) + (inTitle ? 1 : 0));
      });
    });
    var out = new Map();
    counts.forEach(function (c, id) {
      if (c >= need) out.set(id, [c, titles.get(id) === n]);
    });
    return out;
  }

  function rank(words, lists, relaxed) {
    var perWord = lists.map(function (l) { return wordHits(l, relaxed); });
    var ids = [];
    perWord[0].forEach(function (_v, id) {
      for (var w = 1; w < perWord.length; w++) if (!perWord[w].has(id)) return;
      ids.push(id);
    });
    var keys = new Map();
    ids.forEach(function (id) {
      var matched = 0, titled = 0;
      perWord.forEach(function (h) { var x = h.get(id); matched += x[0]; titled += x[1] ? 1 : 0; });
      keys.set(id, [matched, titled]);
    });
    ids.sort(function (a, b) {
      var ka = keys.get(a), kb = keys.get(b);
      if (relaxed && ka[0] !== kb[0]) return kb[0] - ka[0];
      if (ka[1] !== kb[1]) return kb[1] - ka[1];
      return b - a;
    });
    return ids;
  }

  // {ids (best first), relaxed, words}
  Engine.prototype.search = function (query) {
    var self = this;
    var words = queryWords(query);
    if (!words.length) return Promise.resolve({ ids: [], relaxed: false, words: words });
    return Promise.all(words.map(function (w) {
      return Promise.all(w.terms.map(function (t) { return self.postings(t); }));
    })).then(function (lists) {
      var ids = rank(words, lists, false);
      var relaxed = false;
      if (!ids.length) {
        ids = rank(words, lists, true);
        relaxed = ids.length > 0;
      }
      return { ids: ids, relaxed: relaxed, words: words };
    });
  };

  Engine.prototype.docs = function (ids) {
    var self = this;
    return this.manifest.then(function (m) {
      return Promise.all(ids.map(function (id) {
        var at = docFile(m, id);
        return self.file(at[0], at[1], json).then(function (rows) { return rows[at[2]]; });
      }));
    });
  };

  // ids kept by the filters {section: slug, source: name, since: day number or null}.
  Engine.prototype.filter = function (ids, f) {
    var self = this;
    if (!f.section && !f.source && f.since == null) return Promise.resolve(ids);
    return this.manifest.then(function (m) {
      // Each segment's f/ file names its own sections and sources: [slug, source, day].
      return Promise.all(ids.map(function (id) {
        var at = segmentOf(m, id);
        return self.file("f/" + m.segments[at[0]].name + ".json", at[0], json).then(function (f) {
          var r = f.rows[at[1]];
          return [f.sections[r[0]], r[1] >= 0 ? f.sources[r[1]] : null, r[2]];
        });
      })).then(function (rows) {
        return ids.filter(function (_id, i) {
          var r = rows[i];
          if (f.section && r[0] !== f.section) return false;
          if (f.source && r[1] !== f.source) return false;
          if (f.since != null && r[2] < f.since) return false;
          return true;
        });
      });
    });
  };

  // ---- dates (Korea time) ------------------------------------------------------------

  var DAY_MS = 86400000, KST_MS = 9 * 3600000;

  // First day (days since 1970-01-01, KST) of this week (Monday), month or year; null: all.
  function periodStart(period, nowMs) {
    var day = Math.floor((nowMs + KST_MS) / DAY_MS);
    var d = new Date(day * DAY_MS);
    if (period === "week") return day - ((day + 3) % 7);
    if (period === "month") return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS);
    if (period === "year") return Math.floor(Date.UTC(d.getUTCFullYear(), 0, 1) / DAY_MS);
    return null;
  }

  // ---- highlighting (text nodes only) ------------------------------------------------

  // [[start, end]] of the query words in `text`, merged; positions in the original text.
  // Each character is normalized on its own, so an offset in the normalized text maps back
  // even where NFKC changes the length ("…" becomes "...").
  function matches(text, words) {
    var norm = "", map = [];
    for (var i = 0; i < text.length; i++) {
      var n = normalize(text[i]);
      for (var j = 0; j < n.length; j++) map.push(i);
      norm += n;
    }
    var spans = [];
    words.forEach(function (w) {
      var from = 0, at;
      while ((at = norm.indexOf(w.word, from)) >= 0) {
        spans.push([map[at], map[at + w.word.length - 1] + 1]);
        from = at + w.word.length;
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    spans.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    });
    return merged;
  }

  function appendHighlighted(el, text, words) {
    var pos = 0;
    matches(text, words).forEach(function (s) {
      if (s[0] > pos) el.appendChild(document.createTextNode(text.slice(pos, s[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(s[0], s[1]);
      el.appendChild(mark);
      pos = s[1];
    });
    if (pos < text.length) el.appendChild(document.createTextNode(text.slice(pos)));
  }

  // About 110 characters of the excerpt around the first match.
  function snippet(text, words) {
    var spans = matches(text, words);
    var width = 110;
    var start = spans.length ? Math.max(0, spans[0][0] - 30) : 0;
    var end = Math.min(text.length, start + width);
    start = Math.max(0, Math.min(start, end - width));
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  // ---- the page ----------------------------------------------------------------------

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function resultItem(row, words, root, sections) {
    // row: [url, title, section slug, source or null, "2026.11.25", excerpt]
    var li = el("li", "search-result");
    var h = el("h2", "search-result__title");
    var a = el("a");
    a.href = root + row[0];
    appendHighlighted(a, row[1], words);
    h.appendChild(a);
    li.appendChild(h);
    var meta = el("p", "search-result__meta");
    var section = null;
    sections.forEach(function (s) { if (s[0] === row[2]) section = s; });
    if (section) meta.appendChild(el("span", "search-result__section", section[1]));
    var time = el("time", "search-result__date", row[4]);
    time.setAttribute("datetime", row[4].replace(/\./g, "-"));
    meta.appendChild(time);
    if (row[3]) meta.appendChild(el("span", "search-result__source", row[3]));
    li.appendChild(meta);
    if (row[5]) {
      var p = el("p", "search-result__snippet");
      appendHighlighted(p, snippet(row[5], words), words);
      li.appendChild(p);
    }
    return li;
  }

  function start() {
    var box = document.getElementById("search");
    if (!box) return;
    var engine = new Engine(box.getAttribute("data-index"));
    var root = box.getAttribute("data-root");
    var input = document.getElementById("site-search-q");
    var headerForm = input && input.form;
    var filters = box.querySelector(".search-filters");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var hiddenQ = filters.querySelector("input[name=q]");
    var state = { seq: 0, ids: [], shown: 0, words: [] };
    var baseTitle = document.title;

    box.hidden = false;

    var params = new URLSearchParams(window.location.search);
    if (input) input.value = params.get("q") || "";
    ["section", "source", "period"].forEach(function (name) {
      var v = params.get(name);
      if (v != null) filters.elements[name].value = v;
    });

    function currentFilters() {
      return {
        section: filters.elements.section.value,
        source: filters.elements.source.value,
        since: periodStart(filters.elements.period.value, Date.now())
      };
    }

    function syncUrl(q) {
      var p = new URLSearchParams();
      if (q) p.set("q", q);
      ["section", "source", "period"].forEach(function (name) {
        var v = filters.elements[name].value;
        if (v) p.set(name, v);
      });
      var qs = p.toString();
      window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
      hiddenQ.value = q;
      document.title = q ? "‘" + q + "’ 검색 결과 - " + baseTitle : baseTitle;
    }

    function showMore() {
      var seq = state.seq;
      var ids = state.ids.slice(state.shown, state.shown + PAGE_SIZE);
      more.hidden = true;
      return Promise.all([engine.docs(ids), engine.manifest]).then(function (got) {
        if (seq !== state.seq) return;
        var rows = got[0], m = got[1];
        var frag = document.createDocumentFragment();
        rows.forEach(function (row, i) {
          var item = resultItem(row, state.words, root, m.sections);
          item.setAttribute("data-id", String(ids[i]));
          frag.appendChild(item);
        });
        list.appendChild(frag);
        state.shown += ids.length;
        more.hidden = state.shown >= state.ids.length;
      });
    }

    function run() {
      var q = input ? input.value.trim() : "";
      var seq = ++state.seq;
      syncUrl(q);
      if (!q) {
        list.textContent = "";
        more.hidden = true;
        status.textContent = "검색어를 입력하세요. 예: 상품권, 청년 창업, 대구시의회";
        return Promise.resolve();
      }
      box.setAttribute("aria-busy", "true");
      return engine.search(q).then(function (res) {
        return engine.filter(res.ids, currentFilters()).then(function (ids) {
          if (seq !== state.seq) return;
          state.ids = ids;
          state.shown = 0;
          state.words = res.words;
          list.textContent = "";
          if (!res.words.length) {
            status.textContent = "두 글자 이상으로 검색하세요.";
          } else if (!ids.length) {
            status.textContent = "‘" + q + "’ 검색 결과가 없습니다.";
          } else {
            status.textContent = "‘" + q + "’ 검색 결과 " + ids.length.toLocaleString("ko-KR") + "건" +
              (res.relaxed ? " (정확히 일치하는 기사가 없어 비슷한 검색어로 찾았습니다)" : "");
          }
          more.hidden = true;
          return ids.length ? showMore() : null;
        });
      }).catch(function (err) {
        if (seq !== state.seq) return;
        status.textContent = "검색 색인을 불러오지 못했습니다. 잠시 뒤 다시 시도하세요.";
        if (window.console) window.console.warn("search:", err);
      }).then(function () {
        if (seq === state.seq) box.removeAttribute("aria-busy");
      });
    }

    // Every keystroke searches at once: files already fetched are reused, and an answer
    // that arrives after a newer query started is dropped (state.seq).
    if (input) input.addEventListener("input", function () { run(); });
    if (headerForm) {
      headerForm.addEventListener("submit", function (e) {
        e.preventDefault();
        run();
      });
    }
    filters.addEventListener("change", function () { run(); });
    filters.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    more.addEventListener("click", function () {
      var first = state.shown;
      showMore().then(function () {
        var next = list.children[first];
        var link = next && next.querySelector("a");
        if (link) link.focus();
      });
    });
    run();
    // The newest articles rank first among equals, so their doc file is the likeliest to be
    // needed: fetch it (8 docs, a few KB) while the reader is still typing.
    engine.manifest.then(function (m) {
      if (m.count) {
        var at = docFile(m, m.count - 1);
        engine.file(at[0], at[1], json);
      }
    }).catch(function () {});
  }

  window.NewsroomSearch = {
    queryWords: queryWords,
    fnv1a: fnv1a,
    decodePostings: decodePostings,
    periodStart: periodStart,
    Engine: Engine
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
