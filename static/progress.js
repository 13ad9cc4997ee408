// Progress without accounts: what this browser answered and solved, kept in its localStorage only.
// The server never sees it; every page works without this file (it only remembers and marks).
(function () {
  "use strict";
  var KEY = "layerlab.progress.v1";

  function load() {
    try {
      var p = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return { questions: p.questions || {}, challenges: p.challenges || {} };
    } catch (e) { return { questions: {}, challenges: {} }; }
  }
  function save(p) {
    try { window.localStorage.setItem(KEY, JSON.stringify(p)); } catch (e) { /* private mode: nothing kept */ }
  }

  // A question once answered right stays right; "wrong" and "shown" never overwrite it.
  function recordQuestion(p) {
    var q = document.querySelector(".question[data-result]");
    if (!q) return;
    var result = q.getAttribute("data-result");
    if (result === "asking") return;
    var id = q.getAttribute("data-lesson"), step = q.getAttribute("data-step");
    var lesson = p.questions[id] = p.questions[id] || {};
    if (lesson[step] !== "right") lesson[step] = result;
  }
  function recordChallenge(p) {
    var c = document.querySelector("[data-challenge][data-solved='true']");
    if (c) p.challenges[c.getAttribute("data-challenge")] = true;
  }

  function rightCount(p, id) {
    var lesson = p.questions[id] || {}, n = 0;
    for (var step in lesson) if (lesson[step] === "right") n += 1;
    return n;
  }
  function mark(p) {
    document.querySelectorAll("[data-progress-lesson]").forEach(function (card) {
      var id = card.getAttribute("data-progress-lesson");
      var total = parseInt(card.getAttribute("data-questions") || "0", 10);
      var badge = card.querySelector(".progress-mark");
      var right = rightCount(p, id);
      if (!badge) return;
      badge.hidden = !(p.questions[id]);
      badge.textContent = badge.getAttribute("data-template").replace("{right}", right).replace("{total}", total);
    });
    document.querySelectorAll("[data-progress-challenge]").forEach(function (card) {
      var badge = card.querySelector(".progress-mark");
      if (badge) badge.hidden = !p.challenges[card.getAttribute("data-progress-challenge")];
    });
    document.querySelectorAll("[data-progress-reset]").forEach(function (button) { button.hidden = false; });
  }

  function run() {
    var p = load();
    recordQuestion(p);
    recordChallenge(p);
    save(p);
    mark(p);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-progress-reset]");
    if (!button) return;
    try { window.localStorage.removeItem(KEY); } catch (e) { /* nothing kept anyway */ }
    mark(load());
    var status = document.getElementById("progress-status");
    if (status) status.textContent = button.getAttribute("data-done") || "";
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
  document.addEventListener("htmx:afterSettle", run);
})();
