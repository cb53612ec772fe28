"""Write the README's picture of the reader: the browser tests' article, read through the
extension and the real API, with the "Removed" panel open and removed blocks shown in place.

Run it as ``scripts/screenshot-reader [OUT.png]`` (default docs/reader.png).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.browser import harness, pages
from tests.web_support import page_server


def take(out: Path) -> None:
    problem = harness.missing_browser()
    if problem is not None:
        raise SystemExit(f"screenshot-reader: {problem}")
    from playwright.sync_api import sync_playwright

    table = pages.site(pages.image_bytes(harness.EXTENSION_DIR))
    with (tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver,
          harness.api_server(Path(tmp) / "api") as api, page_server(table) as site,
          harness.extension_browser(driver, Path(tmp) / "profile", api=api) as browser):
        page = browser.open(f"http://localhost:{site.port}/flood")
        reader = browser.read(page)
        reader.set_viewport_size({"width": 1360, "height": 900})
        reader.click("#removed-toggle")
        reader.check("#show-in-place")
        reader.wait_for_selector("#body .removed-inline[data-kind=appeal]")
        reader.evaluate("() => document.querySelector('#body .removed-inline').scrollIntoView()")
        reader.evaluate("() => window.scrollTo(0, 0)")
        out.parent.mkdir(parents=True, exist_ok=True)
        reader.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    take(Path(sys.argv[1] if len(sys.argv) > 1 else harness.ROOT / "docs" / "reader.png"))
