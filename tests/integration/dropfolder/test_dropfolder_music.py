"""Music in the drop folder: an audio file beside the script (by its name, or the one `music:` names) is
checked and mixed in; a missing or unusable one gets an error.json, and an audio file alone is no error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.dropfolder import SCRIPT, DropBucket
from tests.support.paths import ROOT
from videogen.media.audio import SILENCE_LUFS, TARGET_LUFS, measure_loudness

MUSIC = (ROOT / "examples" / "lighthouse.ogg").read_bytes()


def _loudness(drop: DropBucket, key: str, tmp_path: Path) -> float:
    video = tmp_path / key.replace("/", "-")
    video.write_bytes(drop.read(key))
    return measure_loudness(video)


@pytest.mark.slow
def test_music_beside_the_script_by_name_or_by_setting_is_mixed_in(drop: DropBucket, tmp_path: Path) -> None:
    # Given music uploaded first: one with the script's name, one that a second script names
    drop.put("inbox/alice/harbour.ogg", MUSIC)
    drop.put("inbox/alice/theme.ogg", MUSIC)

    # When the scripts arrive (two at a time: an owner may run two renders at once)
    drop.put("inbox/alice/harbour.md", SCRIPT)
    drop.put("inbox/alice/named.md", SCRIPT.replace("voice: none\n", "voice: none\nmusic: theme.ogg\n"))
    for name in ("harbour", "named"):
        drop.wait_for(f"outbox/alice/{name}/result.json")
    drop.wait_for_renders()
    drop.put("inbox/alice/silent.md", SCRIPT)
    drop.wait_for("outbox/alice/silent/result.json")

    # Then the videos with music carry it at the target loudness; the other stays silent
    assert abs(_loudness(drop, "outbox/alice/harbour/video.mp4", tmp_path) - TARGET_LUFS) <= 1.0
    assert abs(_loudness(drop, "outbox/alice/named/video.mp4", tmp_path) - TARGET_LUFS) <= 1.0
    assert _loudness(drop, "outbox/alice/silent/video.mp4", tmp_path) <= SILENCE_LUFS
    # and the music files themselves were no scripts: no error.json for them
    assert [key for key in drop.keys("outbox/") if key.endswith("error.json")] == []


def test_a_script_naming_music_that_is_not_there_gets_error_json(drop: DropBucket) -> None:
    drop.put("inbox/alice/lonely.md", SCRIPT.replace("voice: none\n", "voice: none\nmusic: missing.mp3\n"))

    drop.wait_for("outbox/alice/lonely/error.json")

    error = drop.json("outbox/alice/lonely/error.json")["error"]
    assert error["code"] == "MUSIC_NOT_FOUND"
    assert "'missing.mp3', which is not in inbox/alice/" in error["message"]
    assert drop.executions() == []


@pytest.mark.parametrize("named", ["../bob/theme.mp3", "sub/theme.mp3"])
def test_music_outside_the_scripts_folder_is_refused(drop: DropBucket, named: str) -> None:
    drop.put("inbox/alice/sneaky.md", SCRIPT.replace("voice: none\n", f"voice: none\nmusic: {named}\n"))

    drop.wait_for("outbox/alice/sneaky/error.json")

    error = drop.json("outbox/alice/sneaky/error.json")["error"]
    assert error["code"] == "MUSIC_NOT_FOUND"
    assert "without folders" in error["message"]
    assert drop.executions() == []


def test_music_that_is_not_audio_gets_error_json_and_no_render(drop: DropBucket) -> None:
    drop.put("inbox/alice/fake.mp3", b"<html>this is no song</html>\n" * 20)

    drop.put("inbox/alice/fake.md", SCRIPT)
    drop.wait_for("outbox/alice/fake/error.json")

    error = drop.json("outbox/alice/fake/error.json")["error"]
    assert error["code"] == "INVALID_MUSIC"
    assert "not an audio file" in error["message"]
    assert drop.executions() == []
    assert drop.keys("uploads/") == []
