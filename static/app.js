// layerlab's small script. Every page works without it (links, a GET form for the
// scrubber); with it: keys, focus and announcements after an htmx swap, zoom and
// pinch in the diagram panel, and presentation mode.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  const typing = (el) => el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable);

  // -- keys: ← → step, Home/End first/last step, P toggles presentation -------------
  function follow(link) {
    if (!link) return false;
    link.click();
    return true;
  }

  function stepLink(number) {
    return document.querySelector(`.dots li:nth-child(${number}) a`);
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const panel = document.querySelector(".panel[data-step]");
    if (!panel) return;
    const onRange = event.target && event.target.id === "scrub";
    if (typing(event.target) && !onRange) return;
    if (onRange) return; // the range input has its own arrow and Home/End keys; it steps on change
    if (event.target && event.target.closest && event.target.closest("#diagram")) return; // arrows scroll the diagram
    let done = false;
    if (event.key === "ArrowRight") done = follow(document.querySelector('.pager a[rel="next"]'));
    else if (event.key === "ArrowLeft") done = follow(document.querySelector('.pager a[rel="prev"]'));
    else if (event.key === "Home") done = panel.dataset.step !== "1" && follow(stepLink(1));
    else if (event.key === "End") done = panel.dataset.step !== panel.dataset.total && follow(stepLink(panel.dataset.total));
    else if (event.key === "p" || event.key === "P") {
      const url = new URL(location.href);
      if (url.searchParams.get("present") === "1") url.searchParams.delete("present");
      else url.searchParams.set("present", "1");
      location.assign(url.toString());
      done = true;
    }
    if (done) event.preventDefault();
  });

  // -- the scrubber: go to the step it names when released ---------------------------
  document.addEventListener("change", (event) => {
    if (event.target && event.target.id === "scrub") follow(stepLink(event.target.value));
  });

  // -- focus and announcement after a swap --------------------------------------------
  let focusKey = null;
  document.addEventListener("htmx:beforeRequest", () => {
    const active = document.activeElement;
    focusKey = active && active.dataset ? active.dataset.focus || null : null;
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (!event.target || event.target.id !== "step") return;
    const keep = focusKey && document.querySelector(`#step [data-focus="${focusKey}"]`);
    const heading = document.getElementById("step-heading");
    (keep || heading).focus({ preventScroll: !keep && window.innerWidth > 980 });
    const announce = document.getElementById("announce");
    if (announce && heading) announce.textContent = heading.textContent.trim();
    applyZoom();
    scrollToOperation();
  });

  // -- zoom: 1:1 by default, +/−, fit as a choice, pinch on a touch screen -------------
  let zoom = 1;
  let fit = false;
  function svgSize(svg) {
    if (!svg.dataset.w) {
      svg.dataset.w = svg.width.baseVal.value || svg.getBoundingClientRect().width;
      svg.dataset.h = svg.height.baseVal.value || svg.getBoundingClientRect().height;
    }
    return [parseFloat(svg.dataset.w), parseFloat(svg.dataset.h)];
  }
  function applyZoom() {
    const box = document.getElementById("diagram");
    const svg = box && box.querySelector("svg");
    if (!svg) return;
    const [w, h] = svgSize(svg);
    if (fit) zoom = Math.min(1, (box.clientWidth - 4) / w);
    svg.style.width = `${w * zoom}px`;
    svg.style.height = `${h * zoom}px`;
    const level = document.querySelector(".zoom-level");
    if (level) level.textContent = `${Math.round(zoom * 100)}%`;
  }
  // A diagram wider than its panel opens on the step's operation (the op box above the target), not its left edge.
  function scrollToOperation() {
    const box = document.getElementById("diagram");
    const svg = box && box.querySelector("svg");
    if (!svg || box.dataset.kind === "show" || box.scrollWidth <= box.clientWidth) return; // images side by side: from the left
    const op = [...svg.querySelectorAll("g.node")].find((g) => (g.querySelector("title") || {}).textContent === "op");
    const target = (op || svg).getBoundingClientRect();
    const panel = box.getBoundingClientRect();
    box.scrollLeft += target.left + target.width / 2 - (panel.left + panel.width / 2);
  }
  const clamp = (z) => Math.min(4, Math.max(0.25, z));
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-zoom]");
    if (!button) return;
    const how = button.dataset.zoom;
    fit = how === "fit";
    if (how === "in") zoom = clamp(zoom * 1.25);
    else if (how === "out") zoom = clamp(zoom / 1.25);
    else if (how === "reset") zoom = 1;
    applyZoom();
  });

  const touches = new Map();
  let pinchStart = null;
  document.addEventListener("pointerdown", (event) => {
    if (event.pointerType !== "touch" || !event.target.closest("#diagram")) return;
    touches.set(event.pointerId, [event.clientX, event.clientY]);
    if (touches.size === 2) pinchStart = [spread(), zoom];
  });
  document.addEventListener("pointermove", (event) => {
    if (!touches.has(event.pointerId)) return;
    touches.set(event.pointerId, [event.clientX, event.clientY]);
    if (pinchStart && touches.size === 2) {
      fit = false;
      zoom = clamp(pinchStart[1] * (spread() / pinchStart[0]));
      applyZoom();
    }
  });
  const lift = (event) => { touches.delete(event.pointerId); if (touches.size < 2) pinchStart = null; };
  document.addEventListener("pointerup", lift);
  document.addEventListener("pointercancel", lift);
  function spread() {
    const [a, b] = [...touches.values()];
    return Math.hypot(a[0] - b[0], a[1] - b[1]) || 1;
  }

  document.addEventListener("DOMContentLoaded", () => { applyZoom(); scrollToOperation(); });
})();
