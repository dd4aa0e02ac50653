"""`make demo`'s last step: the web console photographed, page by page, at a phone's and a desktop's width.

The pictures land in out/console/<page>-<width>.png, signed in as the owner of the demo's projects, so the
project page shows a rendered example with its storyboard and video.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from videogen_local.browser import VIEWPORTS, chromium
from videogen_local.server import LocalApiServer

BROKEN_SCRIPT = "## Dawn\nThe sea wakes up.\nDuration: 45s\n\n## Noon\nGulls circle the lamp room.\n"


def _shoot(page: Any, folder: Path, name: str, width: str) -> Path:
    # A full-page picture shows the storyboard's lower cards too: load their lazy stills first.
    page.evaluate(
        "() => document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })"
    )
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
    path = folder / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def photograph_console(
    server: LocalApiServer, owner: str, project_id: str | None, folder: Path
) -> list[Path]:
    """Screenshots of every console page at both widths; the project page shows ``project_id``."""
    folder.mkdir(parents=True, exist_ok=True)
    taken = []
    with chromium() as browser:
        for width, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.goto(server.console_url + "#/signin")
            page.wait_for_selector("#api-key")
            taken.append(_shoot(page, folder, "sign-in", width))
            page.goto(server.signin_url(owner))
            page.wait_for_selector("#project-list li")
            taken.append(_shoot(page, folder, "projects", width))
            page.goto(server.console_url + "#/new")
            page.fill("#script", BROKEN_SCRIPT)
            page.wait_for_selector("#script-marker")
            taken.append(_shoot(page, folder, "new-project-error", width))
            page.fill("#script", BROKEN_SCRIPT.replace("45s", "3s"))
            page.wait_for_selector("#script-summary")
            page.click("summary")
            taken.append(_shoot(page, folder, "new-project", width))
            if project_id:
                page.goto(server.console_url + f"#/projects/{project_id}")
                page.wait_for_selector("#storyboard .scene img")
                page.wait_for_function(
                    "() => { const v = document.getElementById('video'); return v && v.readyState >= 2; }"
                )
                taken.append(_shoot(page, folder, "project", width))
                page.click("#scene-1 button.edit")
                taken.append(_shoot(page, folder, "scene-edit", width))
            context.close()
    return taken
