"""Background music on the API: a presigned upload, checked by the InspectMusic function, then attached."""

from __future__ import annotations

import base64
import json
import wave
from pathlib import Path
from typing import Any

import pytest

from tests.support.api import ApiCaller
from tests.support.cloud import bucket_keys, force_status
from tests.support.uploads import store_as_posted
from videogen.domain.enums import ProjectStatus
from videogen.domain.limits import MAX_MUSIC_BYTES
from videogen.media.ffmpeg import BASE_ARGS, run_ffmpeg

SCRIPT = "## Dawn\nThe harbour wakes.\n"


def _project(api: ApiCaller) -> str:
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": {"voice": "none"}})
    assert created.status == 201, created.body
    return str(created.body["id"])


def _offer(api: ApiCaller, project_id: str, **overrides: Any) -> dict[str, Any]:
    body = {"filename": "thème du port.mp3", "content_type": "audio/mpeg", "size": 20_000, **overrides}
    result = api.post(f"/projects/{project_id}/music/uploads", body)
    assert result.status == 201, result.body
    return dict(result.body)


def _upload(api: ApiCaller, offer: dict[str, Any], data: bytes) -> None:
    store_as_posted(api.cloud, offer, data)


@pytest.fixture(scope="module")
def mp3(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("music") / "tune.mp3"
    run_ffmpeg(
        [*BASE_ARGS, "-f", "lavfi", "-i", "sine=f=330:r=22050:d=3", "-c:a", "libmp3lame", "-b:a", "48k",
         str(path)]
    )  # fmt: skip
    return path.read_bytes()


def _long_wav(path: Path, seconds: int) -> bytes:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(4000)
        wav.writeframes(bytes([128]) * (4000 * seconds))
    return path.read_bytes()


def test_upload_offer_is_a_presigned_post_whose_policy_pins_key_type_and_size(api: ApiCaller) -> None:
    project_id = _project(api)

    offer = _offer(api, project_id)

    fields = offer["fields"]
    assert fields["key"] == f"uploads/{project_id}/{offer['upload_id']}"
    assert fields["Content-Type"] == "audio/mpeg"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, MAX_MUSIC_BYTES] in policy["conditions"]
    assert {"Content-Type": "audio/mpeg"} in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    assert offer["max_bytes"] == MAX_MUSIC_BYTES
    assert 0 < offer["expires_in"] <= 900


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"size": MAX_MUSIC_BYTES + 10 * 2**20}, "60.0 MB; the limit is 50 MB"),
        ({"content_type": "text/plain"}, "is not an audio type"),
        ({"content_type": "video/mp4"}, "is not an audio type"),
        ({"content_type": "audio/mpeg; rate=44100"}, "is not an audio type"),
    ],
)
def test_upload_offer_for_too_large_or_not_audio_is_422_invalid_music(
    api: ApiCaller, overrides: dict[str, Any], message: str
) -> None:
    project_id = _project(api)
    body = {"filename": "song.mp3", "content_type": "audio/mpeg", "size": 1000, **overrides}

    result = api.post(f"/projects/{project_id}/music/uploads", body)

    assert result.status == 422
    assert result.error_code == "INVALID_MUSIC"
    assert message in result.body["error"]["message"]


def test_attach_checks_the_file_and_makes_it_the_projects_music(api: ApiCaller, mp3: bytes) -> None:
    project_id = _project(api)
    offer = _offer(api, project_id)
    _upload(api, offer, mp3)

    attached = api.put(f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]})

    assert attached.status == 200, attached.body
    assert attached.body["id"] == "music"
    assert attached.body["filename"] == "thème du port.mp3"
    assert attached.body["content_type"] == "audio/mpeg"
    assert attached.body["size"] == len(mp3)
    assert attached.body["duration"] == pytest.approx(3.0, abs=0.1)
    listed = api.get(f"/projects/{project_id}/assets").body["items"]
    assert [(a["id"], a["kind"]) for a in listed] == [("music", "music")]
    asset = api.get(f"/projects/{project_id}/assets/music").body
    assert (asset["filename"], asset["duration"], asset["size"]) == (
        "thème du port.mp3",
        attached.body["duration"],
        len(mp3),
    )
    keys = bucket_keys(api.cloud)
    assert f"projects/{project_id}/music/{offer['upload_id']}" in keys
    assert not [key for key in keys if key.startswith("uploads/")]  # the staged upload is moved


def test_a_new_track_replaces_the_old_one_and_its_file(api: ApiCaller, mp3: bytes) -> None:
    project_id = _project(api)
    first, second = _offer(api, project_id), _offer(api, project_id, filename="second.mp3")
    for offer in (first, second):
        _upload(api, offer, mp3)
        assert api.put(f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]}).status == 200

    music = api.get(f"/projects/{project_id}/assets/music").body

    assert music["filename"] == "second.mp3"
    music_keys = [key for key in bucket_keys(api.cloud) if "/music/" in key]
    assert music_keys == [f"projects/{project_id}/music/{second['upload_id']}"]


def test_attach_of_a_file_that_is_not_audio_is_422_and_deletes_it(api: ApiCaller) -> None:
    project_id = _project(api)
    offer = _offer(api, project_id)
    _upload(api, offer, b"<html>not a song</html>\n" * 100)

    result = api.put(f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]})

    assert result.status == 422
    assert result.error_code == "INVALID_MUSIC"
    assert "not an audio file" in result.body["error"]["message"]
    assert bucket_keys(api.cloud) == []
    assert api.get(f"/projects/{project_id}/assets/music").status == 404


def test_attach_when_inspect_music_has_no_ffmpeg_is_a_500_and_keeps_the_upload(
    api: ApiCaller, mp3: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a good file, and an InspectMusic whose FFMPEG_BINARY names nothing (a broken deployment)
    project_id = _project(api)
    offer = _offer(api, project_id)
    _upload(api, offer, mp3)
    monkeypatch.setenv("FFMPEG_BINARY", str(tmp_path / "opt" / "bin" / "ffmpeg"))

    result = api.put(f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]})

    # Then the check failed on our side: not a verdict on the file, which stays for a retry
    assert result.status == 500, result.body
    assert result.error_code != "INVALID_MUSIC"
    assert bucket_keys(api.cloud) == [f"uploads/{project_id}/{offer['upload_id']}"]
    assert api.get(f"/projects/{project_id}/assets/music").status == 404


def test_attach_of_music_over_30_minutes_is_422_naming_its_length(api: ApiCaller, tmp_path: Path) -> None:
    project_id = _project(api)
    offer = _offer(api, project_id, content_type="audio/wav")
    _upload(api, offer, _long_wav(tmp_path / "long.wav", 31 * 60))

    result = api.put(f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]})

    assert result.status == 422
    assert result.error_code == "INVALID_MUSIC"
    assert "lasts 31:00; the limit is 30 minutes" in result.body["error"]["message"]
    assert result.body["error"]["details"]["max_seconds"] == 1800


def test_attach_before_the_upload_arrived_is_409_upload_not_received(api: ApiCaller) -> None:
    project_id = _project(api)
    offer = _offer(api, project_id)

    result = api.put(f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]})

    assert result.status == 409
    assert result.error_code == "UPLOAD_NOT_RECEIVED"
    assert "POST the file to the upload URL first" in result.body["error"]["message"]


def test_attach_with_a_malformed_upload_id_is_422(api: ApiCaller) -> None:
    project_id = _project(api)

    result = api.put(f"/projects/{project_id}/music", {"upload_id": "../../projects/x"})

    assert result.status == 422
    assert result.error_code == "VALIDATION_ERROR"


def test_music_cannot_change_while_a_render_runs(api: ApiCaller, mp3: bytes) -> None:
    project_id = _project(api)
    offer = _offer(api, project_id)
    _upload(api, offer, mp3)
    force_status(project_id, ProjectStatus.RENDERING.value)

    attach = api.put(f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]})
    new_offer = api.post(
        f"/projects/{project_id}/music/uploads",
        {"filename": "a.mp3", "content_type": "audio/mpeg", "size": 10},
    )
    removal = api.delete(f"/projects/{project_id}/music")

    assert [attach.status, new_offer.status, removal.status] == [409, 409, 409]


def test_delete_removes_the_music_and_its_file(api: ApiCaller, mp3: bytes) -> None:
    project_id = _project(api)
    offer = _offer(api, project_id)
    _upload(api, offer, mp3)
    api.put(f"/projects/{project_id}/music", {"upload_id": offer["upload_id"]})

    first, second = api.delete(f"/projects/{project_id}/music"), api.delete(f"/projects/{project_id}/music")

    assert (first.status, second.status) == (204, 204)  # removing what is not there is no error
    assert api.get(f"/projects/{project_id}/assets/music").status == 404
    assert [key for key in bucket_keys(api.cloud) if "/music/" in key] == []


def test_another_owners_project_has_no_music_routes(api: ApiCaller, mp3: bytes) -> None:
    project_id = _project(api)
    mallory = api.as_owner("owner-mallory")

    offer = mallory.post(
        f"/projects/{project_id}/music/uploads",
        {"filename": "a.mp3", "content_type": "audio/mpeg", "size": 9},
    )
    attach = mallory.put(f"/projects/{project_id}/music", {"upload_id": "0" * 32})

    assert (offer.status, attach.status) == (404, 404)


def test_deleting_the_project_removes_its_music_and_unattached_uploads(api: ApiCaller, mp3: bytes) -> None:
    project_id = _project(api)
    attached, pending = _offer(api, project_id), _offer(api, project_id)
    _upload(api, attached, mp3)
    assert api.put(f"/projects/{project_id}/music", {"upload_id": attached["upload_id"]}).status == 200
    _upload(api, pending, mp3)

    assert api.delete(f"/projects/{project_id}").status == 204

    assert bucket_keys(api.cloud) == []


def test_upload_file_names_lose_folders_and_control_characters(api: ApiCaller) -> None:
    project_id = _project(api)

    offer = _offer(api, project_id, filename="C:\\Users\\me\\Music\\my\x07 song.mp3")
    blank = _offer(api, project_id, filename="folder/\x01")

    assert offer["fields"]["x-amz-meta-filename"] == "my%20song.mp3"
    assert blank["fields"]["x-amz-meta-filename"] == "music"
