// Progressive enhancement only: without this file a filter form is an ordinary GET form.
// With it, ticking a box or changing a field updates the results in place, through fixi
// (vendored), and the address bar follows, so that the filtered page can be shared.
//
// fixi sends the request; what it leaves to us is said here once: a change sends the form,
// only the results region of the answer is kept, a newer change replaces an older one,
// focus stays where the reader was, empty fields stay out of the address, and an answer
// that is not a page of results (a 400 for a malformed filter, a lost connection) is shown
// by loading the address as a whole page.
(() => {
  const FORMS = "form[data-live-results]";
  let shown = location.pathname + location.search; // the address the results are of
  let restoring = null; // the fetch of Back or Forward in flight
  let awaited = 0; // answers to filter changes in flight

  // The results region of an answer (a whole page), and the page's title.
  const resultsIn = (html, id) => {
    const answer = new DOMParser().parseFromString(html, "text/html");
    return { results: answer.getElementById(id), title: answer.title };
  };

  // fixi's events are sent to the form, which an answer replaces: one sent to a replaced
  // form never reaches the document, so each form listens for its own.
  const handlers = {
    "fx:config": (event) => {
      const { cfg, requests } = event.detail;
      for (const older of requests) older.abort();
      restoring?.abort();
      cfg.drop = 0;
      cfg.transition = false; // a cross-fade would take focus away from the box just ticked
      for (const name of [...new Set(cfg.body.keys())]) {
        if (cfg.body.getAll(name).every((value) => value === "")) cfg.body.delete(name);
      }
    },
    // While an answer is awaited the results are marked busy (dimmed by the CSS, and
    // announced once replaced rather than piece by piece).
    "fx:before": (event) => {
      awaited += 1;
      event.detail.cfg.target.setAttribute("aria-busy", "true");
    },
    "fx:finally": (event) => {
      awaited -= 1;
      if (awaited === 0) {
        document.getElementById(event.detail.cfg.target.id)?.removeAttribute("aria-busy");
      }
    },
    "fx:after": (event) => {
      const { cfg } = event.detail;
      const { results, title } = resultsIn(cfg.text, cfg.target.id);
      // An older answer may have replaced the region since this request was sent.
      const region = document.getElementById(cfg.target.id);
      if (!cfg.response.ok || !results || !region) {
        event.preventDefault();
        location.assign(cfg.action);
        return;
      }
      cfg.target = region;
      cfg.text = results.outerHTML;
      cfg.title = title;
      const focused = document.activeElement;
      cfg.focused = focused && {
        id: focused.id,
        name: focused.name,
        value: focused.type === "checkbox" || focused.type === "radio" ? focused.value : null,
        selection: "selectionStart" in focused ? [focused.selectionStart, focused.selectionEnd] : null,
      };
    },
    "fx:error": (event) => {
      const { cfg, error } = event.detail;
      if (error?.name !== "AbortError") location.assign(cfg.action);
    },
    "fx:swapped": (event) => {
      const { cfg } = event.detail;
      if (cfg.title) document.title = cfg.title;
      if (cfg.action !== shown) history.pushState(null, "", cfg.action);
      shown = cfg.action;
      const region = document.getElementById(cfg.target.id);
      if (!region) return;
      enhance(region);
      restoreFocus(region, cfg.focused);
    },
  };

  // fixi reads fx-* attributes, which are not valid HTML: the page says data-live-results.
  const enhance = (root) => {
    for (const form of root.querySelectorAll(FORMS)) {
      form.setAttribute("fx-action", form.getAttribute("action"));
      form.setAttribute("fx-target", form.dataset.liveResults);
      form.setAttribute("fx-swap", "outerHTML");
      for (const [type, handler] of Object.entries(handlers)) form.addEventListener(type, handler);
      form.addEventListener("change", () => form.requestSubmit());
      form.dispatchEvent(new CustomEvent("fx:process", { bubbles: true }));
    }
  };

  // The same box (by name and value), else the element with the same id.
  const restoreFocus = (region, focused) => {
    if (!focused) return;
    const escape = CSS.escape;
    const same =
      (focused.value !== null &&
        region.querySelector(`[name="${escape(focused.name)}"][value="${escape(focused.value)}"]`)) ||
      (focused.id && region.querySelector(`#${escape(focused.id)}`));
    if (!same) return;
    same.focus({ preventScroll: true });
    if (focused.selection && "setSelectionRange" in same) {
      try {
        same.setSelectionRange(...focused.selection);
      } catch {
        // Some inputs (dates) have no text selection.
      }
    }
  };

  // Back and forward between filtered pages: the results the address names, fetched and
  // swapped in as a filter change does (a reload here raced the next Back or Forward).
  window.addEventListener("popstate", async () => {
    const address = location.pathname + location.search;
    const region = document.querySelector(document.querySelector(FORMS)?.dataset.liveResults);
    if (address === shown || !region) return;
    restoring?.abort();
    restoring = new AbortController();
    try {
      const response = await fetch(address, { signal: restoring.signal });
      const { results, title } = resultsIn(await response.text(), region.id);
      if (!response.ok || !results) throw new Error(`${response.status}`);
      region.replaceWith(results);
      document.title = title;
      shown = address;
      enhance(results);
    } catch (error) {
      if (error.name !== "AbortError") location.reload();
    }
  });

  enhance(document);
})();
