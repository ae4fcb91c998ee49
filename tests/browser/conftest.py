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


@pytest.fixture
def screenshot(site):
    """Saves the current page at each width, full length; checks nothing overflows sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str):
        for width in WIDTHS:
            site.set_viewport_size({"width": width, "height": 900})
            overflow = site.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
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
