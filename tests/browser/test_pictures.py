"""Pictures in a real browser: they render, their links work, axe is content, phones fit.

Each picture is also saved as a screenshot (desktop and phone) in SCREENSHOT_DIR.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, describe_violations
from tests.browser.test_mobile_layout import OVERFLOWING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELD = "medicine-engineering-integration"
PAGES_WITH_PICTURES = [
    ("home", "/"),
    ("agreement-list", "/agreements/?field=" + FIELD),
    ("institution", "/institutions/pumch/"),
    ("field", f"/fields/{FIELD}/"),
    ("network", "/network/"),
    ("network-filtered", "/network/?city=Beijing"),
]


def test_a_year_bar_leads_to_the_list_of_that_years_agreements(page, directory):
    page.goto(directory + f"/fields/{FIELD}/")
    chart = page.locator("#years-chart svg.chart")
    expect(chart).to_be_visible()
    chart.get_by_role("link", name="2023: 3 agreements").click()

    expect(page).to_have_url(re.compile(rf"/agreements/\?field={FIELD}&year=2023$"))
    expect(page.locator(".result-count")).to_have_text(re.compile(r"of 3$"))
    expect(page.get_by_role("link", name="2023: 3 agreements (chosen)")).to_be_visible()


def test_a_network_node_leads_to_its_institution_and_its_partners(page, directory):
    page.goto(directory + "/network/")
    network = page.locator("svg.network")
    expect(network).to_be_visible()
    network.get_by_role("link", name=re.compile(r"^Tianjin University \(University\)")).click()

    expect(page).to_have_url(re.compile(r"/institutions/tju/$"))
    expect(page.locator("main h1")).to_have_text("Tianjin University")
    ego = page.locator("#network-heading + * svg.network, svg.network").first
    expect(ego.get_by_role("link", name=re.compile(r"^Tianjin Medical University"))).to_be_visible()


# How far, in pixels on screen, the furthest line end lies from its node's centre (the
# lines are drawn in a viewBox of their own, the circles in percent).
LINES_OFF_THEIR_NODES = """() => {
  const svg = document.querySelector("svg.network");
  const circles = new Map();
  for (const node of svg.querySelectorAll(".network-node")) {
    circles.set(node.dataset.centre, node.querySelector("circle"));
  }
  let furthest = 0;
  for (const line of svg.querySelectorAll(".network-edges path")) {
    const ends = line.getAttribute("d").slice(1).split(" ").map(Number);
    const m = line.getScreenCTM();
    for (const [x, y] of [ends.slice(0, 2), ends.slice(2)]) {
      const box = circles.get(`${x} ${y}`).getBoundingClientRect();
      const dx = m.a * x + m.c * y + m.e - (box.x + box.width / 2);
      const dy = m.b * x + m.d * y + m.f - (box.y + box.height / 2);
      furthest = Math.max(furthest, Math.hypot(dx, dy));
    }
  }
  return furthest;
}"""


def test_the_network_zooms_pans_and_lights_the_lines_of_an_institution(page, directory):
    """Zooming spreads the institutions apart (circles keep their size), a drag pans
    without following a link, the keys work once the picture has focus, and pointing
    at an institution lights its own lines."""
    page.goto(directory + "/network/")
    network = page.locator("svg.network")
    circle = network.locator(".network-node circle").last
    drawn = (circle.get_attribute("cx"), circle.get_attribute("cy"), circle.get_attribute("r"))
    expect(page.get_by_role("button", name="Zoom out")).to_be_disabled()

    assert page.evaluate(LINES_OFF_THEIR_NODES) < 1  # pixels
    page.get_by_role("button", name="Zoom in").click()
    expect(network).to_have_attribute("data-zoom", "1.5")
    zoomed = (circle.get_attribute("cx"), circle.get_attribute("cy"))
    assert zoomed != drawn[:2] and circle.get_attribute("r") == drawn[2]
    assert page.evaluate(LINES_OFF_THEIR_NODES) < 1  # the lines moved with the circles
    box = network.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + 80, steps=6)
    page.mouse.up()
    assert (circle.get_attribute("cx"), circle.get_attribute("cy")) != zoomed  # panned…
    expect(page).to_have_url(re.compile(r"/network/$"))  # …and no link followed

    page.get_by_role("button", name="Show all").click()
    expect(network).to_have_attribute("data-zoom", "1")
    assert (circle.get_attribute("cx"), circle.get_attribute("cy")) == drawn[:2]
    network.focus()
    page.keyboard.press("=")
    expect(network).to_have_attribute("data-zoom", "1.5")
    page.keyboard.press("0")
    expect(network).to_have_attribute("data-zoom", "1")

    node = network.locator(".network-node").first
    node.hover()
    expect(network).to_have_class(re.compile(r"\blighting\b"))
    circle = node.locator("circle")
    centre = [round(float(circle.get_attribute(a).rstrip("%")) * 10) for a in ("cx", "cy")]
    lit = network.locator(".network-edges path.lit")
    expect(lit.first).to_be_attached()
    lit_ends = [[int(n) for n in line.get_attribute("d")[1:].split()] for line in lit.all()]
    assert all(centre in (ends[:2], ends[2:]) for ends in lit_ends)
    # …and every line from that centre is lit, none other.
    every_end = [
        [int(n) for n in line.get_attribute("d")[1:].split()]
        for line in network.locator(".network-edges path").all()
    ]
    assert sorted(lit_ends) == sorted(e for e in every_end if centre in (e[:2], e[2:]))


def test_the_agreement_list_leads_to_the_network_of_its_filters(page, directory):
    page.goto(directory + "/agreements/?city=Tianjin")
    page.get_by_role("link", name="See these agreements as a partnership network").click()
    expect(page).to_have_url(re.compile(r"/network/\?city=Tianjin$"))
    rows = page.locator(".network-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tianjin Medical University")


def test_pictures_pass_axe_and_fit_a_phone(browser, directory, screenshot_dir):
    failures = []
    for viewport, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for name, path in PAGES_WITH_PICTURES:
            page.goto(directory + path)
            pictures = page.locator(".picture")
            expect(pictures.first).to_be_visible()
            for index, picture in enumerate(pictures.all()):
                picture.screenshot(path=screenshot_dir / f"picture-{name}-{index}-{suffix}.png")
            if suffix == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                overflowing = page.evaluate(OVERFLOWING)
                if width > PHONE["width"] or overflowing:
                    failures.append(f"{path} overflows a phone: {width}px, {overflowing}")
            else:
                violations = axe_violations(page)
                if violations:
                    failures.append(f"axe-core on {path}:\n{describe_violations(violations)}")
        context.close()
    assert not failures, "\n\n".join(failures)
