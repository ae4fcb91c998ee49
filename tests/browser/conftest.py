"""Real Chromium (Debian's, never a downloaded build) against pytest-django's live server."""

import mimetypes
import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
# pytest-playwright empties test-results/ when any pytest session starts: SCREENSHOT_DIR
# keeps a copy elsewhere for someone reviewing the pages while others run tests.
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
)
WIDTHS = (1280, 360)


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """Pages are addressed from live_server.url (see `site`); --base-url still works.

    Replaces pytest-playwright's fallback for pytest-base-url, a session fixture written as an
    instance method, which pytest 9 deprecates (PytestRemovedIn10Warning) each run.
    """
    return pytestconfig.getoption("base_url", None) or None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it (make browser).", pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def site(live_server, page):
    """The visitor's page, with uploaded media served from the test's MEDIA_ROOT.

    The live server runs with DEBUG off and so serves no media; the browser reads
    the renditions straight from the temporary MEDIA_ROOT instead.
    """

    def serve_media(route):
        name = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?")[0]
        path = Path(settings.MEDIA_ROOT) / name
        if path.is_file():
            route.fulfill(status=200, body=path.read_bytes(), content_type=mimetypes.guess_type(path.name)[0])
        else:
            route.fulfill(status=404, body="")

    page.route(f"{live_server.url}{settings.MEDIA_URL}**", serve_media)
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    page.base_url = live_server.url
    return page


AUDIT = r"""() => {
    const problems = [];
    const visible = el => el.offsetParent !== null || getComputedStyle(el).position === "fixed";
    if (document.querySelectorAll("h1").length !== 1) problems.push("expected exactly one h1");
    let previous = 0;
    for (const h of document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6")) {
        const level = Number(h.tagName[1]);
        if (previous && level > previous + 1) problems.push(`heading skips a level: ${h.tagName} "${h.textContent.trim()}"`);
        previous = level;
    }
    for (const landmark of ["header", "nav", "main", "footer"]) {
        if (!document.querySelector(landmark)) problems.push(`no <${landmark}>`);
    }
    for (const img of document.querySelectorAll("img")) {
        if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.src}`);
    }
    for (const control of document.querySelectorAll("input:not([type=hidden]):not([type=submit]), select, textarea")) {
        const labelled = control.labels.length || control.getAttribute("aria-label") || control.getAttribute("aria-labelledby");
        if (!labelled) problems.push(`control without label: ${control.name}`);
    }
    for (const link of document.querySelectorAll("a[href]")) {
        if (!(link.textContent.trim() || link.getAttribute("aria-label"))) problems.push(`link without text: ${link.href}`);
    }
    const ids = [...document.querySelectorAll("[id]")].map(el => el.id);
    for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`duplicate id: ${id}`);

    const rgb = value => (value.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const background = el => {
        for (; el; el = el.parentElement) {
            const style = getComputedStyle(el);
            if (style.backgroundImage !== "none") return null;
            const color = rgb(style.backgroundColor);
            if (color.length === 3 || (color.length === 4 && color[3] > 0.99)) return color.slice(0, 3);
        }
        return [255, 255, 255];
    };
    for (const el of document.querySelectorAll("body *")) {
        const text = [...el.childNodes].some(node => node.nodeType === 3 && node.textContent.trim());
        if (!text || !visible(el) || el.closest(".visually-hidden")) continue;
        const style = getComputedStyle(el);
        const bg = background(el);
        if (!bg) continue;
        const fg = rgb(style.color).slice(0, 3);
        const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
        const ratio = (a + 0.05) / (b + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} for "${el.textContent.trim().slice(0, 40)}"`);
    }
    return problems;
}"""


@pytest.fixture
def screenshot(site):
    """Audits the page (headings, labels, alt, landmarks, contrast), then saves it at each width,
    full length, checking that nothing overflows sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str):
        assert site.evaluate(AUDIT) == [], f"accessibility problems on {name}"
        for width in WIDTHS:
            site.set_viewport_size({"width": width, "height": 900})
            # Measured once the new width is laid out (two frames), not mid-resize on a busy machine.
            overflow = site.evaluate("""async () => {
                for (let i = 0; i < 2; i++) await new Promise(done => requestAnimationFrame(done));
                return document.documentElement.scrollWidth - document.documentElement.clientWidth;
            }""")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            # Lazy images load only once scrolled into view: walk down the page first.
            site.evaluate("""async () => {
                for (let y = 0; y < document.body.scrollHeight; y += 600) {
                    window.scrollTo(0, y);
                    await new Promise(done => requestAnimationFrame(done));
                }
                window.scrollTo(0, 0);
            }""")
            site.wait_for_load_state("networkidle")
            site.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        site.set_viewport_size({"width": 1280, "height": 900})

    return take


# axe-core (shipped in the axe-playwright-python wheel) with the WCAG 2.1 A and AA rules.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


@pytest.fixture(scope="session")
def axe_script():
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


@pytest.fixture
def axe(axe_script):
    """Runs axe-core on a page; returns its serious and critical findings, one line each.

    ``assert axe(page) == []`` fails with every finding's rule and the elements at fault.
    """
    import json

    def run(page, context=None) -> list[str]:
        page.evaluate(axe_script)
        results = page.evaluate("([context, options]) => axe.run(context || document, options)",
                                [context, AXE_OPTIONS])
        return [
            f"{violation['id']} ({violation['impact']}): "
            + json.dumps([" ".join(node["target"]) for node in violation["nodes"]][:5])
            for violation in results["violations"]
            if violation["impact"] in ("serious", "critical")
        ]

    return run
