"""Drive the plainpage extension in headless Chromium, for the browser tests and
``scripts/screenshot-reader``.

The recipe (shared notes, browser.md): Debian's ``chromium`` driven by Playwright for Python
through ``executable_path`` (no ``playwright install``); the extension loaded unpacked into a
fresh profile; the CDP command ``Extensions.triggerAction`` stands in for the toolbar click
and grants ``activeTab`` as a real click does. Article pages are served from ``localhost``
and the API from ``127.0.0.1``: the extension's host permission covers only the API, so the
page can only be read through the activeTab grant, as for a user.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.serving import make_server

from plainpage.web import create_app
from plainpage.web.settings import WebSettings

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright, Worker

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "extension"
CHROMIUM_ENV = "PLAINPAGE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
TOKEN = "browser-test-token-0123456789"
WAIT_MS = 15_000  # a settled reader takes well under a second; this only bounds a failure
_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-default-apps", "--hide-scrollbars")


def in_ci() -> bool:
    """Whether this run is CI's (the CI variable set), where missing tools are failures."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str | None:
    """The Chromium binary to use ($PLAINPAGE_CHROMIUM, else Debian's), or None."""
    wanted = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    return wanted if Path(wanted).is_file() else shutil.which(wanted)


def missing_browser() -> str | None:
    """Why the browser tests cannot run here (with how to fix it), or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (.venv/bin/pip install -e '.[dev]')"
    if chromium_path() is None:
        return (f"no Chromium at {os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM} "
                "(apt-get install chromium fonts-dejavu-core, or set PLAINPAGE_CHROMIUM)")
    return None


# --- servers -------------------------------------------------------------------------------


@dataclass
class Api:
    """The real Flask app on 127.0.0.1 in a thread."""

    url: str
    token: str


@contextmanager
def api_server(data_dir: Path, **changes: Any) -> Iterator[Api]:
    """``plainpage.web.create_app`` in personal mode with a fixed token, no cache, no rules."""
    values: dict[str, Any] = {"data_dir": data_dir, "token": TOKEN, "rules_dir": None,
                              "cache_ttl": 0}
    values.update(changes)
    app = create_app(WebSettings(**values))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Api(f"http://127.0.0.1:{server.server_port}", values["token"])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """An http://127.0.0.1 address where nothing listens (a port just bound and released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- the browser ---------------------------------------------------------------------------


@dataclass
class ExtensionBrowser:
    """A persistent Chromium context with the extension loaded."""

    context: BrowserContext
    extension_id: str
    worker: Worker

    def set_storage(self, **values: Any) -> None:
        """Write extension settings into storage.local (the documented test hook)."""
        self.worker.evaluate("values => chrome.storage.local.set(values)", values)

    def storage(self) -> dict[str, Any]:
        stored: dict[str, Any] = self.worker.evaluate("() => chrome.storage.local.get(null)")
        return stored

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path}"

    def open(self, url: str) -> Page:
        page = self.context.new_page()
        page.goto(url)
        return page

    def click_action(self, page: Page) -> None:
        """What a click on the toolbar button does: CDP Extensions.triggerAction on the tab."""
        cdp = self.context.browser.new_browser_cdp_session()  # type: ignore[union-attr]
        try:
            targets = cdp.send("Target.getTargets", {"filter": [{"type": "tab"}]})
            tab = next(t for t in targets["targetInfos"] if t["url"] == page.url)
            cdp.send("Extensions.triggerAction",
                     {"id": self.extension_id, "targetId": tab["targetId"]})
        finally:
            cdp.detach()

    def read(self, page: Page, state: str = "done") -> Page:
        """Click the action on ``page``; the reader tab once it settled in ``state``."""
        reader, _elapsed = self.timed_read(page, state)
        return reader

    def timed_read(self, page: Page, state: str = "done") -> tuple[Page, float]:
        """The reader and the seconds from the click to the settled reader."""
        with self.context.expect_page(timeout=WAIT_MS) as opened:
            started = time.perf_counter()
            self.click_action(page)
        reader = opened.value
        reader.wait_for_selector("main[data-state=done], main[data-state=error]",
                                 timeout=WAIT_MS)
        elapsed = time.perf_counter() - started
        settled = reader.get_attribute("main", "data-state")
        if settled != state:
            detail = reader.inner_text("main")
            raise AssertionError(f"reader settled as {settled!r}, not {state!r}: {detail}")
        return reader, elapsed


@contextmanager
def extension_browser(pw: Playwright, profile: Path, *, api: Api | None = None
                      ) -> Iterator[ExtensionBrowser]:
    """Launch Chromium with the extension in a fresh profile; point it at ``api``."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(missing_browser() or "no chromium")
    context = pw.chromium.launch_persistent_context(
        str(profile), executable_path=path, headless=True,
        ignore_default_args=["--disable-extensions"], viewport={"width": 1100, "height": 900},
        args=[*_ARGS, f"--disable-extensions-except={EXTENSION_DIR}",
              f"--load-extension={EXTENSION_DIR}"])
    try:
        workers = context.service_workers
        worker = workers[0] if workers else context.wait_for_event("serviceworker",
                                                                    timeout=WAIT_MS)
        session = ExtensionBrowser(context, worker.url.split("/")[2], worker)
        if api is not None:
            session.set_storage(apiUrl=api.url, token=api.token)
        yield session
    finally:
        context.close()
