// `layerlab serve --watch` only: reload the page when the lesson files change (the server says so by a stamp).
(function () {
  "use strict";
  const url = document.currentScript.dataset.stampUrl;
  let first = null;
  async function poll() {
    try {
      const response = await fetch(url, { cache: "no-store" });
      const { stamp } = await response.json();
      if (first === null) first = stamp;
      else if (stamp !== first) return location.reload();
    } catch (e) {
      // the server is restarting or gone: try again
    }
    setTimeout(poll, 500);
  }
  poll();
})();
