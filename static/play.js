// The playground's script. The page works without it (Build and Run are plain forms);
// with it: line numbers follow the editor, focus stays on the editor or the command
// line after an htmx swap, and the new step or error is announced.
(function () {
  "use strict";
  function gutter() {
    const area = document.getElementById("dockerfile");
    const numbers = document.querySelector(".editor .gutter");
    if (!area || !numbers) return;
    const count = area.value.split("\n").length;
    if (numbers.children.length !== count) {
      numbers.innerHTML = Array.from({ length: count }, (_, i) => `<li>${i + 1}</li>`).join("");
    }
    area.rows = Math.max(count + 1, 8);
  }
  document.addEventListener("input", (event) => {
    if (event.target && event.target.id === "dockerfile") gutter();
  });

  let focusAfter = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-focus-after]");
    const active = document.activeElement;
    focusAfter = form ? form.dataset.focusAfter : (active && active.dataset ? active.dataset.focus : null);
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (!event.target || event.target.id !== "play") return;
    const wanted = focusAfter && document.querySelector(`#play [data-focus="${focusAfter}"]`);
    const heading = document.getElementById("step-heading");
    const target = wanted || heading || document.getElementById("dockerfile");
    if (target) target.focus({ preventScroll: true });
    const announce = document.getElementById("announce");
    const problem = document.querySelector("#dockerfile-problem, #play-error, #play .error");
    if (announce) announce.textContent = (problem || heading || { textContent: "" }).textContent.trim();
    gutter();
  });
  document.addEventListener("DOMContentLoaded", gutter);
})();
