"""Background music end to end: a presigned POST to the local S3, PUT /music, a render that mixes it, and
`videogen render` picking up the track beside a script."""

from __future__ import annotations

import base64
import io
import json
import shutil
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.build import both_ways
from tests.support.http import create_over_http, http, music_upload_offer
from tests.support.paths import ROOT
from videogen.media.audio import SILENCE_LUFS, TARGET_LUFS, measure_loudness
from videogen.media.probe import probe
from videogen_local.api_keys import KeyStore
from videogen_local.cloud import LocalCloud
from videogen_local.demo import form_body, post_form
from videogen_local.render import music_beside, run_render_command
from videogen_local.server import LocalApiGateway, LocalApiServer

MUSIC = ROOT / "examples" / "lighthouse.ogg"
SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 1.5s\n\n## Boats\nBoats leave.\nDuration: 1.5s\n"
SETTINGS = {"resolution": "480p", "fps": 24, "aspect_ratio": "1:1", "voice": "none"}


@pytest.mark.slow
@both_ways
def test_music_uploaded_through_a_presigned_post_is_mixed_into_the_render(
    server: LocalApiServer, tmp_path: Path
) -> None:
    key, created = create_over_http(
        server, "alice", {"title": "Harbour", "script": SCRIPT, "settings": SETTINGS}
    )
    base = server.base_url
    data = MUSIC.read_bytes()

    # Given a presigned POST form, the file goes straight to (local) S3, then the API checks and attaches it.
    status, offer = http(
        f"{base}/projects/{created['id']}/music/uploads",
        "POST",
        {"filename": "lighthouse.ogg", "content_type": "audio/ogg", "size": len(data)},
        key,
    )
    assert status == 201
    assert post_form(offer["url"], offer["fields"], "lighthouse.ogg", data, "audio/ogg") == 204
    status, music = http(
        f"{base}/projects/{created['id']}/music", "PUT", {"upload_id": offer["upload_id"]}, key
    )
    assert status == 200, music
    assert music["duration"] == pytest.approx(24.0, abs=0.1)
    assert http(music["download_url"])[1] == data

    # When the project renders,
    assert http(f"{base}/projects/{created['id']}/renders", "POST", key=key)[0] == 202
    project = wait_for_render(ApiCaller(server.gateway.cloud, "alice"), created["id"])

    # then the video carries the music (there is no voice), trimmed to the video and at the target loudness.
    assert project["status"] == "COMPLETED", project.get("error")
    assets = {a["id"]: a for a in http(f"{base}/projects/{created['id']}/assets", key=key)[1]["items"]}
    video = tmp_path / "video.mp4"
    video.write_bytes(http(assets["video"]["download_url"])[1])
    info = probe(video)
    assert info.has_audio and info.audio_codec == "aac"
    assert 2.5 <= info.duration <= 3.1
    assert abs(measure_loudness(video) - TARGET_LUFS) <= 1.0


def test_local_s3_enforces_the_upload_policy(server: LocalApiServer) -> None:
    key = KeyStore().add("alice")
    project_id, offer = music_upload_offer(server, key)
    policy = json.loads(base64.b64decode(offer["fields"]["policy"]))

    wrong_type = post_form(
        offer["url"], {**offer["fields"], "Content-Type": "text/html"}, "a.mp3", b"x", "text/html"
    )
    other_key = post_form(
        offer["url"], {**offer["fields"], "key": f"projects/{project_id}/x"}, "a", b"x", "a/b"
    )
    empty = post_form(offer["url"], offer["fields"], "a.mp3", b"", "audio/mpeg")

    assert ["content-length-range", 1, 50 * 2**20] in policy["conditions"]
    assert (wrong_type, other_key, empty) == (403, 403, 403)


def test_local_s3_refuses_a_file_over_the_policys_limit(cloud: LocalCloud) -> None:
    from videogen.dal import storage

    bucket = cloud.buckets["MediaBucket"]
    post = storage.presigned_post(bucket, "uploads/x", content_type="audio/mpeg", max_bytes=10, expires_in=60)
    gateway = LocalApiGateway(cloud, KeyStore())
    body, form_type = form_body(post.fields, "a.mp3", b"x" * 11, "audio/mpeg")

    answer = gateway.s3.receive(f"/_s3/{bucket}", {"Content-Type": form_type}, body)

    assert answer["statusCode"] == 400
    assert "<Code>EntityTooLarge</Code>" in answer["body"]


def test_music_beside_takes_the_named_file_else_the_one_of_the_scripts_name(tmp_path: Path) -> None:
    script = tmp_path / "story.md"
    script.write_text("## A\nHello.\n", encoding="utf-8")
    assert music_beside(script, None) is None
    (tmp_path / "story.wav").write_bytes(b"RIFF")
    assert music_beside(script, None) == tmp_path / "story.wav"
    (tmp_path / "theme.mp3").write_bytes(b"ID3")
    assert music_beside(script, "theme.mp3") == tmp_path / "theme.mp3"


def _render(*args: Any, **kwargs: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err):
        code = run_render_command(*args, stream=out, **kwargs)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_videogen_render_mixes_the_music_beside_the_script(tmp_path: Path) -> None:
    script = tmp_path / "story.md"
    script.write_text(
        "---\nvoice: none\nresolution: 480p\naspect_ratio: 9:16\n---\n" + SCRIPT, encoding="utf-8"
    )
    shutil.copy(MUSIC, tmp_path / "story.ogg")

    code, out, err = _render(script, tmp_path / "story.mp4", {})
    silent_code, _, _ = _render(script, tmp_path / "silent.mp4", {}, find_music_beside=False)

    assert (code, silent_code) == (0, 0), err
    assert f"Music: {tmp_path / 'story.ogg'}" in out
    assert abs(measure_loudness(tmp_path / "story.mp4") - TARGET_LUFS) <= 1.0
    assert measure_loudness(tmp_path / "silent.mp4") <= SILENCE_LUFS


def test_videogen_render_refuses_music_that_is_not_audio_or_not_there(tmp_path: Path) -> None:
    script = tmp_path / "story.md"
    script.write_text("---\nvoice: none\nmusic: theme.mp3\n---\n" + SCRIPT, encoding="utf-8")
    notes = tmp_path / "notes.mp3"
    notes.write_text("not music\n", encoding="utf-8")

    missing = _render(script, tmp_path / "a.mp4", {})
    not_audio = _render(script, tmp_path / "b.mp4", {}, music=notes)
    bad_voice = _render(script, tmp_path / "c.mp4", {"voice": "klingon"})

    assert missing[0] == 2 and f"'theme.mp3', which is not in {tmp_path}/" in missing[2]
    assert not_audio[0] == 2 and "is not an audio file" in not_audio[2]
    assert bad_voice[0] == 2 and "--voice: Unknown voice 'klingon'" in bad_voice[2]
    assert not list(tmp_path.glob("*.mp4"))
