"""A script dropped into the inbox becomes a video in the outbox, via S3's notification and the real ASL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.build import both_ways
from tests.support.dropfolder import SCRIPT, DropBucket
from tests.support.images import refuse_prompts
from videogen.media.probe import probe
from videogen_local.cloud import LocalCloud

OUTBOX_FILES = ["result.json", "subtitles.srt", "subtitles.vtt", "thumbnail.jpg", "video.mp4"]


@pytest.mark.slow
@both_ways
def test_dropped_markdown_script_yields_the_full_outbox_with_a_playable_mp4(
    drop: DropBucket, cloud: LocalCloud, tmp_path: Path
) -> None:
    # Given a Markdown script whose name has a space, a plus and an accent (keys arrive URL-encoded)
    drop.put("inbox/alice/Harbour night+1 é.md", SCRIPT)
    folder = "outbox/alice/Harbour night+1 é/"

    # When its render has finished
    drop.wait_for(folder + "result.json")

    # Then the outbox holds every file, and result.json describes them
    assert drop.keys(folder) == [folder + name for name in OUTBOX_FILES]
    (project,) = drop.projects()
    project_id = project["id"]["S"]
    result = drop.json(folder + "result.json")
    assert result["status"] == "COMPLETED"
    assert result["project_id"] == project_id
    assert result["render_id"] == "000001"
    assert result["title"] == "Harbour"
    assert result["video"]["width"] == 854
    assert result["video"]["height"] == 480
    assert result["video"]["fps"] == 24
    assert [(s["number"], s["title"], s["duration_seconds"]) for s in result["scenes"]] == [
        (1, "Dawn", 1.0),
        (2, "Gulls", 1.0),
    ]
    assert set(result["assets"]) == {"video", "subtitles_srt", "subtitles_vtt", "thumbnail"}
    for name, asset in result["assets"].items():
        assert asset["key"].startswith(folder)
        assert asset["size"] == drop.size(asset["key"]) == drop.size(asset["render_key"]), name
        assert asset["render_key"] == f"projects/{project_id}/renders/000001/{asset['key'][len(folder) :]}"

    # and the MP4 plays: H.264 at the project's size and rate, as long as result.json says
    video = tmp_path / "video.mp4"
    video.write_bytes(drop.read(folder + "video.mp4"))
    info = probe(video)
    assert (info.width, info.height, info.video_codec) == (854, 480, "h264")
    assert info.fps == pytest.approx(24, abs=0.01)
    assert info.duration == pytest.approx(result["video"]["duration_seconds"], abs=0.1)
    assert 1.4 <= info.duration <= 2.1  # two 1 s scenes joined by a cross-fade
    assert "Gulls follow the boats out." in drop.read(folder + "subtitles.srt").decode()
    assert drop.read(folder + "subtitles.vtt").startswith(b"WEBVTT")
    assert drop.read(folder + "thumbnail.jpg")[:3] == b"\xff\xd8\xff"

    # and the project is alice's like any other: the API shows it, COMPLETED, with its outbox
    # The outbox is written before the project says COMPLETED: give that last write a moment.
    alice = ApiCaller(cloud, "alice")
    body = wait_for_render(alice, project_id, timeout=10)
    assert body["status"] == "COMPLETED", body["error"]
    assert body["title"] == "Harbour"
    assert project["outbox_prefix"]["S"] == folder
    assert ApiCaller(cloud, "bob").get(f"/projects/{project_id}").status == 404


def test_broken_script_yields_error_json_with_the_apis_code_message_line_and_column(
    drop: DropBucket, api: ApiCaller
) -> None:
    script = "## Dawn\nThe sea wakes up.\nDuration: 45s\n"

    drop.put("inbox/alice/broken.md", script)

    document = drop.json("outbox/alice/broken/error.json")
    answer = api.post("/projects", {"title": "broken", "script": script}).body["error"]
    assert answer["code"] == "SCRIPT_PARSE_ERROR"
    assert document["error"]["code"] == answer["code"]
    assert document["error"]["message"] == answer["message"]
    assert document["error"]["details"] == answer["details"]
    assert (document["error"]["line"], document["error"]["column"]) == (3, answer["details"]["column"])
    assert document["error"]["details"]["reason"] == "duration_out_of_range"
    assert document["source"] == "inbox/alice/broken.md"
    assert (document["status"], document["project_id"]) == ("FAILED", None)
    assert drop.keys("outbox/") == ["outbox/alice/broken/error.json"]
    assert drop.projects() == []
    assert drop.executions() == []


@pytest.mark.slow
def test_a_failed_render_answers_with_error_json_and_removes_the_earlier_result(
    drop: DropBucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = "outbox/alice/harbour/"
    # Given a first version that failed to parse, then a fixed one that rendered
    drop.put("inbox/alice/harbour.md", "## Dawn\nDuration: soon\n")
    assert drop.keys(folder) == [folder + "error.json"]
    drop.put("inbox/alice/harbour.md", SCRIPT)
    drop.wait_for(folder + "result.json")
    drop.wait_for_renders()
    assert drop.keys(folder) == [folder + name for name in OUTBOX_FILES]  # the old error.json is gone

    # When a changed version fails while rendering (the provider refuses one scene's image)
    refuse_prompts(monkeypatch, containing="Gulls")
    drop.put("inbox/alice/harbour.md", SCRIPT.replace("The sea wakes up.", "The sea wakes up, grey."))
    drop.wait_for_renders()

    # Then the folder holds only its error, with the failed project's ids; the re-upload was a new project
    assert drop.keys(folder) == [folder + "error.json"]
    document = drop.json(folder + "error.json")
    assert document["error"]["code"] == "CONTENT_FILTERED"
    assert document["error"]["message"] == "The image provider refused the prompt of the scene 'Gulls'."
    assert "line" not in document["error"]
    projects = {item["id"]["S"]: item["status"]["S"] for item in drop.projects()}
    assert sorted(projects.values()) == ["COMPLETED", "FAILED"]
    failed = next(project_id for project_id, status in projects.items() if status == "FAILED")
    assert (document["project_id"], document["render_id"]) == (failed, "000001")
    assert sorted(execution["name"] for execution in drop.executions()) == sorted(
        f"{project_id}-000001" for project_id in projects
    )
