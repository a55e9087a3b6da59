// The latest articles of each section under an article page (분야별 최신 기사).
// The page carries each box's heading and 더보기 link; the lists come from one shared file,
// latest.json, that the build rewrites when news arrives, so a new article does not rewrite
// every article page (docs/architecture.md, "Pages that do not move"). Loaded with `defer`
// from a file: the Content-Security-Policy allows no inline script. Titles are set as text,
// never parsed as HTML.
(function () {
  "use strict";
  var holder = document.querySelector("[data-latest-src]");
  if (!holder || !window.fetch) return;
  var src = new URL(holder.getAttribute("data-latest-src"), document.baseURI);

  // The title as the home page's boxes show it (the keep_dots filter of the build): every
  // run of characters joined by middle dots (시정·건의, 시·군·구) in a no-wrap span, so a
  // wrapped line never starts with `·`; all of it in one span, the link's only flex item on
  // phones. Set as text nodes, never parsed as HTML.
  var DOTTED = /[^\s·](?:·[^\s·])+/g;

  function titleText(title) {
    var box = document.createElement("span");
    box.className = "box__text";
    var last = 0;
    title.replace(DOTTED, function (match, offset) {
      box.appendChild(document.createTextNode(title.slice(last, offset)));
      var keep = document.createElement("span");
      keep.className = "keep";
      keep.textContent = match;
      box.appendChild(keep);
      last = offset + match.length;
      return match;
    });
    box.appendChild(document.createTextNode(title.slice(last)));
    return box;
  }

  function fill(list, items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!items.length) {
      var empty = document.createElement("p");
      empty.className = "box__empty";
      empty.textContent = "아직 기사가 없습니다.";
      list.parentNode.insertBefore(empty, list);
      return;
    }
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var li = document.createElement("li");
      var a = document.createElement("a");
      // Links in latest.json are relative to the file itself, so they resolve from any depth.
      a.href = new URL(item.url, src).href;
      a.appendChild(titleText(item.title));
      var time = document.createElement("time");
      time.setAttribute("datetime", item.datetime);
      time.textContent = item.date;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(time);
      list.appendChild(li);
    }
    list.hidden = false;
  }

  fetch(src.href, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("latest.json: HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      var lists = holder.querySelectorAll("[data-latest]");
      for (var i = 0; i < lists.length; i++) {
        var items = (data.sections || {})[lists[i].getAttribute("data-latest")];
        if (items) fill(lists[i], items);
      }
    })
    .catch(function () {
      // The headings and 더보기 links stay: the reader can still reach every section.
    });
})();
