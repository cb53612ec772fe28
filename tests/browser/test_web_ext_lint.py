"""``web-ext lint`` (Mozilla's add-on linter) reports no errors for extension/.

web-ext comes from npm, pinned by tests/browser/package.json and package-lock.json, and is
installed with ``npm ci`` into build/web-ext/ (never into extension/, which people load
unpacked). CI installs it (the npm registry only; about 30 s on a cold npm cache) and fails
when it cannot; locally the test skips unless PLAINPAGE_WEB_EXT_INSTALL=1 allows the install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.harness import EXTENSION_DIR, ROOT, in_ci

HERE = Path(__file__).parent
TOOL_DIR = ROOT / "build" / "web-ext"
INSTALL_ENV = "PLAINPAGE_WEB_EXT_INSTALL"
# Unavoidable in one manifest for both browsers: Firefox ignores background.service_worker
# (it uses background.scripts) and says so.
ALLOWED_WARNINGS = frozenset({"BACKGROUND_SERVICE_WORKER_IGNORED"})
_QUIET = {"NO_UPDATE_NOTIFIER": "1", "npm_config_update_notifier": "false",
          "npm_config_fund": "false", "npm_config_audit": "false"}


def web_ext() -> Path:
    """The web-ext binary, installed from the lock file when allowed; else skip or fail."""
    binary = TOOL_DIR / "node_modules" / ".bin" / "web-ext"
    lock = (HERE / "package-lock.json").read_bytes()
    installed = TOOL_DIR / "package-lock.json"
    if binary.exists() and installed.exists() and installed.read_bytes() == lock:
        return binary
    if not (in_ci() or os.environ.get(INSTALL_ENV) == "1"):
        pytest.skip(f"web-ext lint skipped: web-ext is not installed in {TOOL_DIR}; "
                    f"set {INSTALL_ENV}=1 to install it from npm (npm ci, ~30 s, 86 MB)")
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("web-ext lint needs npm (Node.js) to install web-ext")
    TOOL_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / name, TOOL_DIR / name)
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                          cwd=TOOL_DIR, env={**os.environ, **_QUIET}, capture_output=True,
                          text=True, timeout=600, check=False)
    if done.returncode != 0 or not binary.exists():
        pytest.fail(f"npm ci for web-ext failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return binary


def test_web_ext_lint_finds_no_errors() -> None:
    done = subprocess.run(
        [str(web_ext()), "lint", "--source-dir", str(EXTENSION_DIR), "--output", "json",
         "--no-config-discovery", "--no-input"],
        env={**os.environ, **_QUIET}, capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stdout)
    shown = [f"{m['code']}: {m['message']} ({m.get('file')})"
             for m in report["errors"] + report["warnings"]]
    assert report["errors"] == [], "\n".join(shown)
    assert {m["code"] for m in report["warnings"]} <= ALLOWED_WARNINGS, "\n".join(shown)
    assert done.returncode == 0, done.stderr[-2000:]
