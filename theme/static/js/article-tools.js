// Article page controls: font size (remembered in localStorage), share (the Web Share API
// where the browser has it), copy-link (the fallback) and print.
// Loaded with `defer` from a file: the Content-Security-Policy allows no inline script,
// so nothing here may be wired through on*= attributes.
(function () {
  "use strict";
  var root = document.documentElement;
  var STORE_KEY = "newsroom:font-level";
  var MIN = 1, MAX = 7, DEFAULT = 3; // 가+ four steps up, 가- two down

  root.classList.add("js");

  function readLevel() {
    var value;
    try {
      value = parseInt(window.localStorage.getItem(STORE_KEY), 10);
    } catch (e) {
      value = NaN; // storage disabled (private mode, blocked cookies)
    }
    return value >= MIN && value <= MAX ? value : DEFAULT;
  }

  function applyLevel(level) {
    root.setAttribute("data-font-level", String(level));
    var buttons = document.querySelectorAll("[data-font-step]");
    for (var i = 0; i < buttons.length; i++) {
      var step = parseInt(buttons[i].getAttribute("data-font-step"), 10);
      buttons[i].disabled = step < 0 ? level <= MIN : level >= MAX;
    }
  }

  function changeLevel(step) {
    var level = Math.min(MAX, Math.max(MIN, readLevel() + step));
    try {
      window.localStorage.setItem(STORE_KEY, String(level));
    } catch (e) {
      // not remembered, but still applied to this page
    }
    applyLevel(level);
    markScrollingTables();
  }

  function shareUrl() {
    return window.location.href.split("#")[0];
  }

  function copyWithSelection(input) {
    input.hidden = false;
    input.value = shareUrl();
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copyLink(button) {
    var box = button.closest(".share");
    var status = box.querySelector(".share__status");
    var input = box.querySelector(".share__url");
    function done(ok) {
      status.textContent = ok ? "링크가 복사되었습니다" : "주소를 길게 눌러 복사해 주세요";
      if (!ok) {
        input.hidden = false;
        input.select();
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(shareUrl()).then(
        function () { done(true); },
        function () { done(copyWithSelection(input)); }
      );
    } else {
      done(copyWithSelection(input));
    }
  }

  // The system share sheet (KakaoTalk, messages, mail…) on phones and some desktops. A
  // cancelled sheet is not an error; a refused one falls back to copying the link.
  function share(button) {
    var title = document.querySelector('meta[property="og:title"]');
    navigator.share({ title: title ? title.content : document.title, url: shareUrl() })
      .catch(function (e) {
        if (!e || e.name !== "AbortError") {
          copyLink(button.closest(".share").querySelector("[data-copy-link]"));
        }
      });
  }

  // A table wider than the column scrolls in its own box; keyboard users must be able to
  // focus that box to scroll it.
  function markScrollingTables() {
    var tables = document.querySelectorAll(".prose table");
    for (var i = 0; i < tables.length; i++) {
      var t = tables[i];
      if (t.scrollWidth > t.clientWidth + 1) {
        t.setAttribute("tabindex", "0");
      } else {
        t.removeAttribute("tabindex");
      }
    }
  }

  applyLevel(readLevel());
  markScrollingTables();
  window.addEventListener("resize", markScrollingTables);

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-font-step], [data-copy-link], [data-share], [data-print]");
    if (!target) return;
    if (target.hasAttribute("data-copy-link")) {
      copyLink(target);
    } else if (target.hasAttribute("data-share")) {
      share(target);
    } else if (target.hasAttribute("data-print")) {
      window.print();
    } else {
      changeLevel(parseInt(target.getAttribute("data-font-step"), 10));
    }
  });

  var tools = document.querySelectorAll("[data-article-tools]");
  for (var i = 0; i < tools.length; i++) tools[i].hidden = false;
  if (typeof navigator.share === "function") {
    var shareButtons = document.querySelectorAll("[data-share]");
    for (var j = 0; j < shareButtons.length; j++) shareButtons[j].hidden = false;
  }
})();
