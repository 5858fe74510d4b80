// Progressive enhancement only: every page works without this file.
// With htmx, filter forms update the results in place (see the data-hx-* attributes);
// the "Apply filters" button stays for keyboard users and for pages without JavaScript.

// On a phone the filters start folded, so the results come first into view.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(max-width: 50rem)").matches) {
    for (const panel of document.querySelectorAll(".filters-panel")) panel.open = false;
  }
});

// Shareable URLs: leave empty fields (an unused search box, an empty date) out of the query.
document.addEventListener("htmx:configRequest", (event) => {
  const params = event.detail.parameters;
  const names = params instanceof FormData ? [...new Set(params.keys())] : Object.keys(params);
  for (const name of names) {
    const values = params instanceof FormData ? params.getAll(name) : [params[name]].flat();
    if (values.every((value) => value === "")) {
      if (params instanceof FormData) params.delete(name);
      else delete params[name];
    }
  }
});
