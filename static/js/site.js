// Progressive enhancement only: every page works without this file.
// With htmx, filter forms update the results in place (see hx-* attributes);
// the "Apply filters" button stays for keyboard users and for pages without JavaScript.
document.addEventListener("htmx:afterSwap", (event) => {
  // Announce the new result count to screen readers and keep focus sensible.
  const count = event.detail.target.querySelector?.(".result-count");
  if (count) count.setAttribute("aria-live", "polite");
});
