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
})();
