// Progressive enhancement of the partnership network (the SVG works without it):
// zoom buttons, Ctrl/⌘ + wheel to zoom, dragging to pan once zoomed in, the keys
// + − 0 and arrows while the picture has focus, and the lines of the institution
// pointed at (or focused) lit while the others fade. Nothing is fetched.
(() => {
  const STEP = 1.5;
  const LARGEST = 8;
  const NUDGE = 40; // pixels an arrow key moves the picture

  function enhance(svg) {
    if (!svg.querySelector(".network-node") || svg.dataset.enhanced) return;
    svg.dataset.enhanced = "true";
    // Zooming spreads the institutions apart; circles, lines and names keep their size.
    // Circles and names are placed in percent of the drawing: each position is kept as
    // drawn and redrawn as position × scale + offset (the offset in percent too). The
    // lines have an svg of their own, in thousandths of the drawing: its viewBox follows.
    const lines = svg.querySelector(".network-edges");
    const GRID = lines ? lines.viewBox.baseVal.width : 1000; // as the server wrote it
    const placed = [];
    for (const element of svg.querySelectorAll(".network-node circle, .network-label")) {
      for (const [name, axis] of [["cx", "x"], ["x", "x"], ["cy", "y"], ["y", "y"]]) {
        const value = element.getAttribute(name);
        if (value && value.endsWith("%")) placed.push({ element, name, axis, drawn: parseFloat(value) });
      }
    }
    let scale = 1;
    let x = 0; // offsets, in percent of the drawing's width and height
    let y = 0;

    const draw = () => {
      for (const { element, name, axis, drawn } of placed) {
        element.setAttribute(name, `${(drawn * scale + (axis === "x" ? x : y)).toFixed(2)}%`);
      }
      const size = GRID / scale;
      lines?.setAttribute("viewBox", `${(-x * size) / 100} ${(-y * size) / 100} ${size} ${size}`);
      svg.dataset.zoom = String(scale);
      svg.classList.toggle("zoomed", scale > 1);
      reset.disabled = scale === 1;
      zoomOut.disabled = scale === 1;
      zoomIn.disabled = scale >= LARGEST;
    };
    // Keep the drawing covering its frame: no panning past an edge.
    const clamp = () => {
      x = Math.min(0, Math.max(100 * (1 - scale), x));
      y = Math.min(0, Math.max(100 * (1 - scale), y));
    };
    // Zoom about a point given in percent of the frame (its middle by default).
    const zoom = (factor, centreX = 50, centreY = 50) => {
      const next = Math.min(LARGEST, Math.max(1, scale * factor));
      x = centreX - ((centreX - x) * next) / scale;
      y = centreY - ((centreY - y) * next) / scale;
      scale = next;
      clamp();
      draw();
    };
    const percent = (dx, dy) => {
      const { width, height } = svg.getBoundingClientRect();
      return [(100 * dx) / width, (100 * dy) / height];
    };

    const controls = document.createElement("div");
    controls.className = "network-controls";
    controls.setAttribute("role", "group");
    controls.setAttribute("aria-label", svg.dataset.controlsLabel || "Zoom");
    const button = (text, label, action) => {
      const element = document.createElement("button");
      element.type = "button";
      element.className = "button secondary";
      element.textContent = text;
      if (label) {
        element.setAttribute("aria-label", label); // a sign (+, −) names nothing
        element.title = label;
      }
      element.addEventListener("click", action);
      controls.append(element);
      return element;
    };
    const zoomIn = button("+", svg.dataset.zoomIn || "Zoom in", () => zoom(STEP));
    const zoomOut = button("−", svg.dataset.zoomOut || "Zoom out", () => zoom(1 / STEP));
    const reset = button(svg.dataset.reset || "Show all", null, () => {
      scale = 1;
      x = y = 0;
      draw();
    });
    svg.before(controls);
    if (!svg.hasAttribute("tabindex")) svg.tabIndex = 0; // for the keys below

    svg.addEventListener(
      "wheel",
      (event) => {
        if (!event.ctrlKey && !event.metaKey) return; // a plain wheel scrolls the page
        event.preventDefault();
        const box = svg.getBoundingClientRect();
        zoom(event.deltaY < 0 ? STEP : 1 / STEP, ...percent(event.clientX - box.left, event.clientY - box.top));
      },
      { passive: false },
    );

    let drag = null;
    svg.addEventListener("pointerdown", (event) => {
      if (scale === 1 || event.button !== 0) return;
      drag = { id: event.pointerId, startX: event.clientX, startY: event.clientY, x, y, moved: false };
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      const dx = event.clientX - drag.startX;
      const dy = event.clientY - drag.startY;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return; // a click, not a drag
      if (!drag.moved) svg.setPointerCapture(event.pointerId);
      drag.moved = true;
      const [px, py] = percent(dx, dy);
      x = drag.x + px;
      y = drag.y + py;
      clamp();
      draw();
    });
    // After a drag, the click that ends it must not follow a node's link; a click that
    // never comes (the pointer left the window) must not swallow the next one either.
    const swallow = (click) => click.preventDefault();
    const endDrag = (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      if (drag.moved) {
        svg.addEventListener("click", swallow, { once: true, capture: true });
        setTimeout(() => svg.removeEventListener("click", swallow, { capture: true }), 0);
      }
      drag = null;
    };
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);

    svg.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: [NUDGE, 0], ArrowRight: [-NUDGE, 0], ArrowUp: [0, NUDGE], ArrowDown: [0, -NUDGE] };
      if (event.key === "+" || event.key === "=") zoom(STEP);
      else if (event.key === "-" || event.key === "−") zoom(1 / STEP);
      else if (event.key === "0") reset.click();
      else if (moves[event.key] && scale > 1) {
        const [px, py] = percent(...moves[event.key]);
        x += px;
        y += py;
        clamp();
        draw();
      } else return;
      event.preventDefault();
    });

    // Light the lines of the institution pointed at or focused. A line runs from one
    // node's centre to the other's, both on the same grid: its ends name its nodes.
    const at = (x, y) => `${Math.round(x)} ${Math.round(y)}`;
    const linesOf = new Map();
    for (const line of lines ? lines.querySelectorAll("path") : []) {
      const [x1, y1, x2, y2] = line.getAttribute("d").slice(1).split(" ").map(Number);
      for (const end of [at(x1, y1), at(x2, y2)]) linesOf.set(end, [...(linesOf.get(end) || []), line]);
    }
    const centre = (node) => {
      const circle = node.querySelector("circle");
      const grid = (name) => (parseFloat(circle.getAttribute(name)) * GRID) / 100;
      return at(grid("cx"), grid("cy"));
    };
    let litLines = [];
    const light = (node) => {
      for (const line of litLines) line.classList.remove("lit");
      litLines = node ? linesOf.get(node.dataset.centre) || [] : [];
      for (const line of litLines) line.classList.add("lit");
      svg.classList.toggle("lighting", Boolean(node));
    };
    for (const node of svg.querySelectorAll(".network-node")) {
      node.dataset.centre = centre(node); // as drawn, before any zoom moves the circle
      node.addEventListener("pointerenter", () => light(node));
      node.addEventListener("pointerleave", () => light(null));
      node.addEventListener("focus", () => light(node));
      node.addEventListener("blur", () => light(null));
    }
    draw();
  }

  const enhanceAll = () => document.querySelectorAll("svg.network").forEach(enhance);
  document.addEventListener("DOMContentLoaded", enhanceAll);
  // Pictures that arrive with filters applied in place (filters.js) are enhanced as well.
  document.addEventListener("fx:swapped", enhanceAll);
})();
