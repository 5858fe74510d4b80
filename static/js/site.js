// Progressive enhancement only: every page works without this file.
// Filter forms update the results in place with filters.js, on list pages; the "Apply
// filters" button stays for keyboard users and for pages without JavaScript.

// On a phone the filters start folded, so the results come first into view.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(max-width: 50rem)").matches) {
    for (const panel of document.querySelectorAll(".filters-panel")) panel.open = false;
  }
});
