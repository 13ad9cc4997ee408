// Keys ← and → step through a lesson by following the pager's rel=prev/next
// links: with htmx loaded they swap the step panel; without it they navigate.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const tag = (event.target && event.target.tagName) || "";
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable)) return;
  const rel = event.key === "ArrowRight" ? "next" : event.key === "ArrowLeft" ? "prev" : null;
  if (!rel) return;
  const link = document.querySelector(`.pager a[rel="${rel}"]`);
  if (link) {
    event.preventDefault();
    link.click();
  }
});
