"""Fixtures of the browser tests: the real API, a page server, Chromium with the extension.

Locally the tests skip with a message when Chromium or Playwright is missing; under CI (the
CI variable set) that is a failure, so a CI machine without a browser goes red, not green.
Screenshots and timings go to $PLAINPAGE_ARTIFACTS (default build/browser/).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser import harness, pages
from tests.web_support import page_server

if TYPE_CHECKING:
    from playwright.sync_api import Playwright


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    problem = harness.missing_browser()
    if problem is not None:
        if harness.in_ci():
            pytest.fail(f"browser tests cannot run in CI: {problem}")
        pytest.skip(f"browser tests skipped: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.Api]:
    with harness.api_server(tmp_path_factory.mktemp("api")) as running:
        yield running


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """Base URL of the article pages: ``localhost``, a different origin from the API's."""
    table = pages.site(pages.image_bytes(harness.EXTENSION_DIR))
    with page_server(table) as server:
        yield f"http://localhost:{server.port}"


@pytest.fixture
def browser(playwright_driver: Playwright, api: harness.Api,
            tmp_path: Path) -> Iterator[harness.ExtensionBrowser]:
    with harness.extension_browser(playwright_driver, tmp_path / "profile", api=api) as session:
        yield session


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = Path(os.environ.get("PLAINPAGE_ARTIFACTS") or harness.ROOT / "build" / "browser")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
