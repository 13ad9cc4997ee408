// The layer inspector: a layer or container clicked in the diagram opens in the
// panel beside it (htmx), instead of navigating to its permalink. Without
// JavaScript the SVG links are plain links to that permalink.
(() => {
  "use strict";
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("#diagram svg a[href]");
    const panel = document.getElementById("inspector");
    if (!link || !panel || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    window.htmx.ajax("GET", link.getAttribute("href"), { target: "#inspector", swap: "innerHTML" }).then(() => {
      const heading = document.getElementById("inspector-title");
      if (heading) {
        heading.focus({ preventScroll: true });
        heading.scrollIntoView({ block: "nearest" });
      }
    });
  });
  // Find a file swaps the whole panel: the box is gone, so focus moves to the answer's heading.
  document.addEventListener("htmx:afterSwap", (event) => {
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!form || !form.matches || !form.matches("form.find")) return;
    const heading = document.getElementById("found-title");
    if (heading) heading.focus({ preventScroll: true });
  });
})();
