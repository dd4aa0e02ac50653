"""Driving the web console in a real browser: Debian's Chromium through Playwright, and axe-core in it.

Playwright's own browser download cannot work here (only package registries are reachable), so it drives
the system's Chromium (`make` installs it with apt-get). axe-core comes from the npm registry (`make`
installs it under build/npm) and runs inside the page.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "build" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
#: As root in a sandbox, with no network beyond loopback: no sandbox, no GPU, no calls home.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
)
#: The two widths every page is checked and photographed at: a phone and a desktop.
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1440, "height": 900}}


def chromium_path() -> str | None:
    """The system's Chromium, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium under Playwright; RuntimeError when either is missing (run `make`)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - development only, and heavy

    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium is not installed: `make test` or `make demo` installs it (apt-get).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of the page as it is now, of the given impacts (id, impact, help, targets)."""
    if not AXE_SCRIPT.is_file():
        raise RuntimeError(f"axe-core is not installed at {AXE_SCRIPT}: `make test` installs it (npm).")
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script> tag would
    # be refused, rightly: the console allows no inline script).
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
    )
    return [
        {
            "id": item["id"],
            "impact": item["impact"],
            "help": item["help"],
            "targets": [node["target"] for node in item["nodes"]][:5],
        }
        for item in json.loads(result)["violations"]
        if item["impact"] in impacts
    ]
