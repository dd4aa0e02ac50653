"""The media bucket's layout and the one list of a render's outputs."""

from __future__ import annotations

import pytest

from videogen.domain import layout
from videogen.domain.enums import AssetKind
from videogen.domain.music import find_music
from videogen.exceptions import MusicNotFoundException

PROJECT_ID = "0123456789abcdef0123456789abcdef"
UPLOAD_ID = "f" * 32


def test_every_key_of_a_project_is_under_its_prefix() -> None:
    prefix = layout.project_prefix(PROJECT_ID)

    owned = [
        layout.music_key(PROJECT_ID, UPLOAD_ID),
        layout.image_key(PROJECT_ID, "ab" * 16),
        *layout.narration_keys(PROJECT_ID, 3),
        *layout.narration_cache_keys(PROJECT_ID, "cd" * 32),
        layout.manifest_key(PROJECT_ID, "000002"),
        *layout.output_keys(PROJECT_ID, "000002").values(),
    ]

    assert prefix == f"projects/{PROJECT_ID}/"
    assert all(key.startswith(prefix) for key in owned)
    assert len(set(owned)) == len(owned)
    assert layout.upload_key(PROJECT_ID, UPLOAD_ID) == f"uploads/{PROJECT_ID}/{UPLOAD_ID}"
    assert not layout.upload_key(PROJECT_ID, UPLOAD_ID).startswith(layout.PROJECTS_PREFIX)


def test_narration_keys_are_the_scenes_and_the_caches() -> None:
    assert layout.narration_keys(PROJECT_ID, 3) == (
        f"projects/{PROJECT_ID}/scenes/0003/narration.wav",
        f"projects/{PROJECT_ID}/scenes/0003/narration.json",
    )
    assert layout.narration_cache_keys(PROJECT_ID, "a" * 64) == (
        f"projects/{PROJECT_ID}/narration/{'a' * 32}.wav",
        f"projects/{PROJECT_ID}/narration/{'a' * 32}.json",
    )


def test_render_outputs_are_one_file_each_in_the_render_folder() -> None:
    render = layout.render_prefix(PROJECT_ID, "000002")

    assert [o.name for o in layout.RENDER_OUTPUTS] == ["video", "subtitles_srt", "subtitles_vtt", "thumbnail"]
    assert [o.asset_id for o in layout.RENDER_OUTPUTS] == [
        "video",
        "subtitles-srt",
        "subtitles-vtt",
        "thumbnail",
    ]
    assert [o.suffix for o in layout.RENDER_OUTPUTS] == [".mp4", ".srt", ".vtt", ".jpg"]
    assert all(o.kind is AssetKind(o.name) for o in layout.RENDER_OUTPUTS)
    assert len({o.file_name for o in layout.RENDER_OUTPUTS}) == len(layout.RENDER_OUTPUTS)
    assert layout.output_keys(PROJECT_ID, "000002") == {
        "video": f"{render}video.mp4",
        "subtitles_srt": f"{render}subtitles.srt",
        "subtitles_vtt": f"{render}subtitles.vtt",
        "thumbnail": f"{render}thumbnail.jpg",
    }
    assert layout.OUTPUTS["subtitles_vtt"].content_type == "text/vtt"


def test_find_music_takes_the_named_file_else_the_first_audio_file_of_the_scripts_name() -> None:
    files = {"story.ogg", "story.wav", "theme.mp3"}

    assert find_music("story", "theme.mp3", files.__contains__, "inbox/alice/") == "theme.mp3"
    assert find_music("story", None, files.__contains__, "inbox/alice/") == "story.wav"
    assert find_music("other", None, files.__contains__, "inbox/alice/") is None


def test_find_music_refuses_a_named_file_that_is_not_there() -> None:
    with pytest.raises(MusicNotFoundException) as caught:
        find_music("story", "missing.mp3", lambda name: False, "inbox/alice/")

    assert caught.value.message == (
        "The script names the music 'missing.mp3', which is not in inbox/alice/: put the music there first, "
        "then the script."
    )
    assert caught.value.details == {"music": "missing.mp3"}
