"""The web console in a real browser (Debian's Chromium, driven by Playwright) on `videogen serve`.

The main journey signs in with the printed one-time link, writes a script with a mistake (and sees the
line:column marker), fixes it, creates the project, renders it, watches the progress reach COMPLETED, and
plays the video with its captions track. Others check ownership, the sign-in page's messages, the retry
banner, conflicts (412), axe-core at both widths, and the page weight.
"""

from __future__ import annotations

import json
import math
import os
import struct
import wave
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from tests.support.api import ApiCaller
from tests.support.cloud import force_status
from tests.support.cognito_fake import cognito_fake
from tests.support.http import serving
from tests.support.waiting import wait_until
from videogen.domain.console import ConsoleConfig
from videogen_local.browser import VIEWPORTS, axe_violations, chromium, chromium_path
from videogen_local.cloud import LocalCloud
from videogen_local.console import LocalConsole
from videogen_local.server import LocalApiServer

if chromium_path() is None:
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)", pytrace=False)
    pytest.skip("Chromium is not installed: `make test` installs it", allow_module_level=True)

BROKEN = "## Dawn\nThe sea wakes up.\nDuration: 45s\n\n## Noon\nGulls circle the lamp room.\n"
FIXED = BROKEN.replace("Duration: 45s", "Duration: 3s")
OWNER, OTHER = "owner-alice", "owner-bob"


@pytest.fixture
def server(cloud: LocalCloud) -> Iterator[LocalApiServer]:
    with serving(cloud) as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as started:
        yield started


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    yield opened
    context.close()
    # No script error, and no CSP refusal, on any page a test visited.
    assert errors == [], errors


def _sign_in(page: Any, server: LocalApiServer, owner: str = OWNER) -> None:
    page.goto(server.signin_url(owner))
    page.wait_for_selector("#project-list")
    assert "token=" not in page.url  # the secret left the address bar and the history
    assert page.inner_text("#who") == f"Signed in as {owner}"


def _create(page: Any, script: str, **settings: str) -> str:
    page.goto(page.url.split("#")[0] + "#/new")
    page.fill("#script", script)
    page.wait_for_selector("#script-summary")
    if settings:
        page.click("summary")
        for name, value in settings.items():
            page.select_option(f"#setting-{name}", value)
    page.click("#create")
    page.wait_for_selector("#storyboard .scene")
    return str(page.url.rsplit("/", 1)[-1])


@pytest.mark.slow
def test_write_fix_render_and_play_a_video_in_the_browser(page: Any, server: LocalApiServer) -> None:
    # Given the one-time link `videogen serve` printed
    _sign_in(page, server)

    # When a script with a mistake is typed, the editor marks its line and column
    page.click("text=New project")
    page.fill("#script", BROKEN)
    problem = page.wait_for_selector("#script-problem")
    assert problem.inner_text().startswith("Line 3, column 11: ")
    assert "1 to 30 seconds" in problem.inner_text()
    marker = page.wait_for_selector("#script-marker")
    assert (marker.get_attribute("data-line"), marker.get_attribute("data-column")) == ("3", "11")
    assert marker.inner_text() == "45s"
    assert page.get_attribute("#script", "aria-invalid") == "true"

    # ... and once fixed, it says what the script makes
    page.fill("#script", FIXED)
    assert page.wait_for_selector("#script-summary").inner_text().startswith("2 scenes")
    assert page.query_selector("#script-marker") is None

    # When the project is created with settings from the form, rendered, and watched
    page.fill("#title", "Lighthouse")
    page.click("summary")
    page.select_option("#setting-resolution", "480p")
    page.select_option("#setting-voice", "none")
    page.click("#create")
    page.wait_for_selector("#storyboard .scene")
    assert page.inner_text("h1") == "Lighthouse"
    assert page.locator("#storyboard .scene").count() == 2
    page.click("#render")
    page.wait_for_selector("#progress-text")  # the live progress shows while it renders

    # Then it reaches COMPLETED, with a still on every card, and the video plays with its captions
    page.wait_for_selector("#project-status .badge.completed", timeout=180_000)
    assert page.locator("#storyboard .scene img").count() == 2
    page.wait_for_selector("#video")
    assert page.locator("#video track[kind=captions]").count() == 1
    page.evaluate("() => { const v = document.getElementById('video'); v.muted = true; return v.play(); }")
    wait_until(
        lambda: page.evaluate("() => document.getElementById('video').currentTime") > 0.5,
        timeout=30,
        what="the video to play",
    )
    # The captions track loads its WebVTT cues (the narration's words, in time).
    page.evaluate("() => { document.getElementById('video').textTracks[0].mode = 'hidden'; }")
    cues = wait_until(
        lambda: page.evaluate(
            "() => Array.from(document.getElementById('video').textTracks[0].cues || [], c => c.text)"
        ),
        timeout=10,
        what="the captions' cues to load",
    )
    assert "The sea wakes up." in " ".join(cues)
    for kind in ("video", "subtitles_srt", "subtitles_vtt", "thumbnail", "manifest"):
        assert page.locator(f"#download-{kind}").count() == 1, kind
    settings = page.evaluate(
        "async () => (await (await fetch('/v1/projects/' + location.hash.split('/').pop(), "
        "{headers: {Authorization: 'Bearer ' + JSON.parse(localStorage.getItem('videogen.session')).token}}"
        ")).json()).settings"
    )
    assert (settings["resolution"], settings["voice"]) == ("480p", "none")


def test_another_owner_sees_neither_the_project_nor_its_page(
    browser: Any, page: Any, server: LocalApiServer
) -> None:
    _sign_in(page, server, OWNER)
    project_id = _create(page, FIXED)
    title = page.inner_text("h1")

    other = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
    _sign_in(other, server, OTHER)
    assert title not in other.inner_text("#project-list")
    other.goto(other.url.split("#")[0] + f"#/projects/{project_id}")
    alert = other.wait_for_selector("main .error[role=alert]")
    assert "RESOURCE_NOT_FOUND" in alert.inner_text()
    assert "request id" in alert.inner_text()  # the envelope's request id, to quote
    other.context.close()


def test_a_used_or_wrong_link_lands_on_the_sign_in_page_with_a_message(
    page: Any, server: LocalApiServer
) -> None:
    link = server.signin_url(OWNER)
    page.goto(link)
    page.wait_for_selector("#project-list")
    page.click("#sign-out")
    assert "signed out" in page.wait_for_selector("#signin-message").inner_text()

    page.goto(link)  # used once already
    message = page.wait_for_selector("#signin-message").inner_text()
    assert "expired or was already used" in message
    page.goto(server.console_url + "?token=not-a-token")
    assert "expired or was already used" in page.wait_for_selector("#signin-message").inner_text()

    # An API key signs in instead; a wrong one says so.
    page.fill("#api-key", "vg_wrong")
    page.click("button[type=submit]")
    assert "not valid" in page.wait_for_selector("#signin-status.error").inner_text()
    key = server.gateway.keys.add(OWNER)
    page.fill("#api-key", key)
    page.click("button[type=submit]")
    page.wait_for_selector("#project-list")


def test_an_ended_session_returns_to_sign_in(page: Any, server: LocalApiServer) -> None:
    _sign_in(page, server)
    session = json.loads(page.evaluate("() => localStorage.getItem('videogen.session')"))["token"]
    server.gateway.sessions.sign_out(session)  # as if the server had restarted

    page.reload()
    assert "session has ended" in page.wait_for_selector("#signin-message").inner_text()


def test_a_network_error_shows_a_retry_banner_not_a_blank_page(page: Any, server: LocalApiServer) -> None:
    _sign_in(page, server)
    page.route("**/v1/projects?*", lambda route: route.abort("connectionrefused"))
    page.reload()
    banner = page.wait_for_selector("#banner:not([hidden])")
    assert "Cannot reach videogen" in banner.inner_text()
    assert page.inner_text("h1") == "Projects"  # the page stays, with its heading

    page.unroute("**/v1/projects?*")
    page.click("#banner button")
    page.wait_for_selector("#project-list li")
    assert page.is_hidden("#banner")


def test_a_scene_changed_elsewhere_is_never_overwritten(
    page: Any, server: LocalApiServer, cloud: LocalCloud
) -> None:
    _sign_in(page, server)
    project_id = _create(page, FIXED)
    page.click("#scene-1 button.edit")
    page.fill("#narration-1", "Mine, from the browser.")
    # Meanwhile someone else changes the same scene.
    elsewhere = ApiCaller(cloud, OWNER).patch(f"/projects/{project_id}/scenes/1", {"narration": "Theirs."})
    assert elsewhere.status == 200

    page.click("#scene-1 button[type=submit]")
    conflict = page.wait_for_selector("#conflict-1")
    assert "changed elsewhere" in conflict.inner_text()
    assert ApiCaller(cloud, OWNER).get(f"/projects/{project_id}/scenes/1").body["narration"] == "Theirs."

    page.click("#conflict-1 button")
    assert "Theirs." in page.wait_for_selector("#scene-1 .narration").inner_text()
    page.click("#scene-1 button.edit")
    page.fill("#narration-1", "Mine, again.")
    page.click("#scene-1 button[type=submit]")
    page.wait_for_selector("#scene-1 .narration:has-text('Mine, again.')")
    assert ApiCaller(cloud, OWNER).get(f"/projects/{project_id}/scenes/1").body["narration"] == "Mine, again."


def test_music_upload_shows_its_length_and_removes(page: Any, server: LocalApiServer, tmp_path: Any) -> None:
    track = tmp_path / "theme.wav"
    with wave.open(str(track), "wb") as wav:  # 3 s of a 330 Hz tone
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 330 * n / 22050)))
                for n in range(3 * 22050)
            )
        )
    _sign_in(page, server)
    _create(page, FIXED)
    page.set_input_files("#music-file", str(track))
    name = page.wait_for_selector("#music-name").inner_text()
    assert name.startswith("theme.wav · 3 s")
    page.click("#music-remove")
    page.wait_for_selector("#music-status:has-text('Music removed.')")
    assert page.query_selector("#music-name") is None


def test_a_scene_waiting_for_its_picture_takes_an_upload_and_gives_it_back(
    page: Any, server: LocalApiServer, tmp_path: Any
) -> None:
    # Given a script whose second scene names a picture the API cannot read beside it
    photo = tmp_path / "boats.jpg"
    Image.new("RGB", (640, 360), (230, 20, 200)).save(photo, "JPEG")
    _sign_in(page, server)
    _create(page, "## Dawn\nThe harbour wakes.\n\n## Boats\nPicture: boats.jpg\nBoats leave.\n")
    assert "Waiting for your picture “boats.jpg”" in page.wait_for_selector("#picture-2").inner_text()
    assert page.query_selector("#picture-1") is None
    # and the render's dry run says why it cannot start yet
    waiting = page.wait_for_selector("#estimate:has-text('Cannot render yet')").inner_text()
    assert "scene 2 ('boats.jpg')" in waiting

    # When the user uploads it to the scene
    page.set_input_files("#picture-file-2", str(photo))

    # Then the scene shows it, and can give it back to generated images
    page.wait_for_selector("#picture-2:has-text('Your picture: boats.jpg')")
    ready = page.wait_for_selector("#estimate:has-text('Next render')").inner_text()
    assert "1 image to draw" in ready  # scene 1's; scene 2 shows the picture
    page.click("#picture-remove-2")
    page.wait_for_selector("#scene-2 .notice:has-text('drawn from its image prompt')")
    assert page.query_selector("#picture-2") is None


def test_delete_asks_first_and_then_removes_the_project(page: Any, server: LocalApiServer) -> None:
    _sign_in(page, server)
    project_id = _create(page, FIXED)
    page.click("#delete")
    page.click("#confirm button[value=cancel]")
    assert project_id in page.url
    page.click("#delete")
    page.click("#confirm-ok")
    page.wait_for_selector("#project-list")
    assert "Deleted" in page.inner_text(".notice")
    assert page.locator(f"a[href='#/projects/{project_id}']").count() == 0


def test_the_list_filters_by_status_and_pages_by_cursor(
    page: Any, server: LocalApiServer, cloud: LocalCloud
) -> None:
    api = ApiCaller(cloud, OWNER)
    for number in range(23):
        assert api.post("/projects", {"title": f"Project {number:02d}", "script": FIXED}).status == 201
    _sign_in(page, server)
    titles = page.locator("#project-list .title")
    assert titles.count() == 20
    assert titles.first.inner_text() == "Project 22"  # newest first
    page.click("#load-more")
    wait_until(lambda: titles.count() == 23, what="the second page")
    assert page.query_selector("#load-more") is None

    page.select_option("#status-filter", "COMPLETED")
    page.wait_for_selector("#project-list .empty")
    assert "No completed projects" in page.inner_text("#project-list")


def test_a_projects_script_and_settings_are_edited_and_a_stale_edit_is_refused(
    page: Any, server: LocalApiServer, cloud: LocalCloud
) -> None:
    # Given a project, opened for editing: its script, format and settings are filled in
    _sign_in(page, server)
    project_id = _create(page, FIXED)
    page.click("#edit-project")
    page.wait_for_selector("#script-summary")  # the script is checked as soon as the page opens
    assert page.input_value("#script") == FIXED
    assert page.input_value("#setting-resolution") == "720p"

    # When the script gets a third scene, the title and the resolution change, and it is saved
    page.fill("#script", FIXED + "\n## Dusk\nThe lamp is lit.\n")
    page.wait_for_selector("#script-summary:has-text('3 scenes')")
    page.fill("#title", "Harbour, longer")
    page.select_option("#setting-resolution", "480p")
    page.click("#create")

    # Then the project page shows the new scenes, and the API the new values
    page.wait_for_selector("#scene-3")
    assert "replaced the old ones" in page.inner_text(".notice")
    stored = ApiCaller(cloud, OWNER).get(f"/projects/{project_id}").body
    assert (stored["title"], stored["scene_count"], stored["settings"]["resolution"]) == (
        "Harbour, longer",
        3,
        "480p",
    )

    # And an edit of a copy that another writer changed meanwhile is refused, not applied
    page.click("#edit-project")
    page.wait_for_selector("#script-summary")
    assert ApiCaller(cloud, OWNER).patch(f"/projects/{project_id}", {"title": "Theirs"}).status == 200
    page.fill("#title", "Mine")
    page.click("#create")
    assert "changed elsewhere" in page.wait_for_selector("#edit-conflict").inner_text()
    assert ApiCaller(cloud, OWNER).get(f"/projects/{project_id}").body["title"] == "Theirs"


def test_the_list_shows_a_render_ending_without_a_reload(
    page: Any, server: LocalApiServer, cloud: LocalCloud
) -> None:
    # Given a project that is rendering (its status set directly: no render runs) when the list opens
    created = ApiCaller(cloud, OWNER).post("/projects", {"title": "Harbour", "script": FIXED})
    project_id = created.body["id"]
    force_status(project_id, "RENDERING")
    _sign_in(page, server)
    assert page.inner_text(f"#project-{project_id} .badge") == "Rendering"

    # When it ends
    force_status(project_id, "COMPLETED")

    # Then its badge says so, the page never reloaded
    page.wait_for_selector(f"#project-{project_id} .badge:has-text('Completed')", timeout=15_000)


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_every_page_passes_axe_and_fits_the_width(browser: Any, server: LocalApiServer, width: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[width])
    page = context.new_page()
    found: dict[str, list[dict[str, Any]]] = {}
    page.goto(server.console_url + "#/signin")
    page.wait_for_selector("#api-key")
    found["sign-in"] = axe_violations(page)
    _sign_in(page, server)
    project_id = _create(page, FIXED)
    found["project"] = axe_violations(page)
    page.click("#scene-1 button.edit")
    found["scene editor"] = axe_violations(page)
    page.goto(server.console_url + f"#/projects/{project_id}/edit")
    page.wait_for_selector("#script-summary")
    found["project editor"] = axe_violations(page)
    page.goto(server.console_url + "#/")
    page.wait_for_selector("#project-list li")
    found["projects"] = axe_violations(page)
    page.goto(server.console_url + "#/new")
    page.fill("#script", BROKEN)
    page.wait_for_selector("#script-problem")
    page.click("summary")
    found["new project"] = axe_violations(page)
    assert {name: violations for name, violations in found.items() if violations} == {}
    # Nothing scrolls sideways at either width.
    page.goto(server.console_url + f"#/projects/{project_id}")
    page.wait_for_selector("#storyboard .scene")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_the_first_load_is_small_and_needs_nothing_but_the_server(
    browser: Any, server: LocalApiServer
) -> None:
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}
    elsewhere: list[str] = []

    def seen(response: Any) -> None:
        if not response.url.startswith(server.console_url):
            elsewhere.append(response.url)
        elif response.url.endswith((".js", ".css")):
            sizes[response.url] = len(response.body())

    page.on("response", seen)
    page.goto(server.signin_url(OWNER))
    page.wait_for_selector("#project-list")
    page.goto(server.console_url + "#/new")
    page.wait_for_selector("#script")
    assert elsewhere == []  # no CDN, no font service: the console works offline
    assert sum(sizes.values()) < 150 * 1024, sizes
    context.close()


def test_a_dropped_or_opened_file_fills_the_editor_and_picks_its_format(
    page: Any, server: LocalApiServer, tmp_path: Any
) -> None:
    _sign_in(page, server)
    page.goto(server.console_url + "#/new")
    fountain = tmp_path / "night-train.fountain"
    fountain.write_text("INT. TRAIN - NIGHT\n\nThe last train hums through the dark.\n", encoding="utf-8")
    page.set_input_files("#script-file", str(fountain))
    assert page.wait_for_selector("#script-summary").inner_text().startswith("1 scene")
    assert page.input_value("#script-format") == "fountain"
    assert page.input_value("#title") == "night-train"

    # A file dropped on the editor (the browser's drop event, with the file in its DataTransfer).
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(['{"scenes": [{"narration": "One."}, {"narration": "Two."}]}'],
                                    'two.json', {type: 'application/json'}));
            document.querySelector('.editor').dispatchEvent(
                new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
        }"""
    )
    page.wait_for_selector("#script-summary:has-text('2 scenes')")
    assert page.input_value("#script-format") == "json"


def test_a_failed_render_shows_its_code_message_and_what_to_do(page: Any, server: LocalApiServer) -> None:
    _sign_in(page, server)
    # Narration far longer than the one second the scene is given: the render fails on its length.
    script = (
        "## Rush\n"
        + "This sentence takes far longer than one second to say out loud. " * 3
        + "\nDuration: 1s\n"
    )
    _create(page, script)
    page.click("#render")
    failure = page.wait_for_selector("#render-error", timeout=120_000)
    text = failure.inner_text()
    assert "NARRATION_TOO_LONG" in text
    assert "Shorten the scene's narration" in text
    assert page.is_visible("#project-status .badge.failed")
    assert page.is_enabled("#render")  # it can be fixed and rendered again


def test_the_keyboard_reaches_everything_and_focus_follows_the_page(
    page: Any, server: LocalApiServer
) -> None:
    _sign_in(page, server)
    first = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"
    assert page.evaluate(f'() => document.querySelector("{first}").className') == "skip"
    page.focus(".skip")  # shown when focused, and it leads to the content
    assert page.evaluate("() => document.querySelector('.skip').getBoundingClientRect().left") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.wait_for_timeout(300)  # a route change would re-render and move focus to the heading
    assert page.evaluate("() => [document.activeElement.id, location.hash]") == ["main", "#/"]
    page.goto(server.console_url + "#/new")
    page.wait_for_selector("#script")
    assert page.evaluate("() => document.activeElement.tagName") == "H1"  # a route change moves focus
    # Title → format → file → script, in reading order, each with a visible focus ring.
    page.focus("#title")
    order = []
    for _ in range(3):
        page.keyboard.press("Tab")
        order.append(page.evaluate("() => document.activeElement.id"))
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", order[-1]
    assert order == ["script-format", "script-file", "script"]


def test_deployed_sign_in_goes_through_the_hosted_ui_with_pkce(page: Any, server: LocalApiServer) -> None:
    """The deployed console's sign-in, against a fake of Cognito's Hosted UI: the authorization code with
    PKCE, the ID token as the API's bearer (checked as API Gateway's Cognito authorizer checks it), and
    signing out through the Hosted UI's /logout."""
    redirect = server.console_url
    with cognito_fake(redirect_uris=[redirect]) as cognito:
        config = ConsoleConfig.model_validate({"api_base": "/v1", "auth": cognito.auth_config(redirect)})
        gateway = server.gateway
        gateway.console = LocalConsole(gateway.console.root, gateway.sessions, config)

        def authorizer(headers: dict[str, str]) -> str | None:
            value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
            try:
                return str(cognito.verify(value.partition(" ")[2])["sub"])
            except ValueError:
                return None

        gateway._authorize = authorizer  # type: ignore[method-assign]  # API Gateway's Cognito authorizer

        page.goto(server.console_url)
        page.click("main button:has-text('Sign in')")
        page.wait_for_url(f"{cognito.base_url}/**")
        page.fill("#username", "alice@example.com")
        page.fill("#password", "Correct-Horse-1")
        page.click("button:has-text('Sign in')")
        page.wait_for_selector("#project-list")

        assert page.inner_text("#who") == "Signed in as alice@example.com"
        assert "code=" not in page.url and "state=" not in page.url
        # One code exchange, accepted: the fake checked the verifier against the S256 challenge.
        assert cognito.token_requests == [("authorization_code", 200)]
        project_id = _create(page, FIXED)  # the API took the ID token as the caller
        owner = ApiCaller(gateway.cloud, cognito.sub("alice@example.com"))
        assert owner.get(f"/projects/{project_id}").status == 200

        # An ID token about to expire is renewed with the refresh token before the next call.
        page.evaluate(
            "() => { const s = JSON.parse(localStorage.getItem('videogen.session'));"
            " s.expiresAt = Date.now() + 30000;"
            " localStorage.setItem('videogen.session', JSON.stringify(s)); }"
        )
        page.goto(server.console_url + "#/")
        page.wait_for_selector("#project-list li")
        assert cognito.token_requests[-1] == ("refresh_token", 200)
        renewed = page.evaluate(
            "() => JSON.parse(localStorage.getItem('videogen.session')).expiresAt - Date.now()"
        )
        assert renewed > 3000 * 1000

        page.click("#sign-out")
        page.wait_for_selector("main button:has-text('Sign in')")
        assert cognito.signed_out
