"""A render's manifest on the local cloud: what made every scene and the video, as an asset; and
`videogen render --from-manifest`, which makes the same video again (byte for byte with the local
provider) and asks a seeded cloud provider for exactly the same images."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import boto3
import pytest

from tests.support.api import ApiCaller, wait_for_render
from tests.support.cloud import module_cloud_fixture
from videogen.domain import layout
from videogen.domain.manifest import RenderManifest
from videogen_local.cloud import LocalCloud

pytestmark = pytest.mark.slow

SCRIPT = "## Dawn\nThe harbour wakes.\n\n## Gulls\nGulls follow the boats out to sea.\n"
FIXED = "## Dawn\nThe harbour wakes.\nDuration: 1s\n\n## Gulls\nGulls follow the boats.\nDuration: 1s\n"

manifest_cloud = module_cloud_fixture()


def _object(cloud: LocalCloud, key: str) -> bytes:
    s3 = boto3.client("s3", region_name="us-east-1")
    return bytes(s3.get_object(Bucket=cloud.buckets["MediaBucket"], Key=key)["Body"].read())


def test_a_render_records_how_every_scene_and_the_video_were_made(
    manifest_cloud: LocalCloud, tmp_path: Path
) -> None:
    api = ApiCaller(manifest_cloud, "owner-manifest")
    settings = {"resolution": "480p", "fps": 24, "seed": 42, "style": "ink"}
    created = api.post("/projects", {"title": "Harbour", "script": SCRIPT, "settings": settings}).body
    assert api.post(f"/projects/{created['id']}/renders").status == 202
    assert wait_for_render(api, created["id"], timeout=120)["status"] == "COMPLETED"

    listed = {item["id"]: item for item in api.get(f"/projects/{created['id']}/assets").body["items"]}
    assert listed["manifest"]["content_type"] == "application/json"
    document = json.loads(_object(manifest_cloud, layout.manifest_key(created["id"], "000001")))
    manifest = RenderManifest.model_validate(document)

    assert manifest.format == "videogen.render-manifest/1"
    assert (manifest.project_id, manifest.render_id) == (created["id"], "000001")
    assert manifest.script.text == SCRIPT
    assert manifest.script.sha256 == hashlib.sha256(SCRIPT.encode()).hexdigest()
    assert manifest.settings["seed"] == 42
    assert manifest.settings["style"] == "ink"
    assert manifest.ffmpeg_version is not None
    assert manifest.ffmpeg_version.startswith("ffmpeg version")
    assert manifest.encoding is not None
    assert (manifest.encoding.width, manifest.encoding.height, manifest.encoding.fps) == (854, 480, 24)
    assert manifest.encoding.threads == 3  # fixed: the same pixels on any machine
    assert manifest.segments
    assert sorted({n for segment in manifest.segments for n in segment.scenes}) == [1, 2]
    video = _object(manifest_cloud, layout.output_keys(created["id"], "000001")["video"])
    assert manifest.outputs["video"].sha256 == hashlib.sha256(video).hexdigest()
    assert manifest.outputs["video"].bytes == len(video)
    srt = _object(manifest_cloud, layout.output_keys(created["id"], "000001")["subtitles_srt"])
    assert manifest.outputs["subtitles_srt"].sha256 == hashlib.sha256(srt).hexdigest()
    ends = [
        record.start + record.duration
        for record in manifest.scenes
        if record.start is not None and record.duration
    ]
    assert manifest.duration == pytest.approx(max(ends), abs=0.05)
    scenes = api.get(f"/projects/{created['id']}/scenes").body["items"]
    for scene, record in zip(scenes, manifest.scenes, strict=True):
        assert record.number == scene["number"]
        assert record.narration == scene["narration"]
        assert record.image is not None
        assert record.image.provider == "local"
        assert record.image.seed == (42 + scene["number"] * 7919) % 4_294_967_296
        assert record.image.style == "ink"
        assert (record.image.width, record.image.height) == (854, 480)
        stored = _object(manifest_cloud, record.image.cache_key)
        assert record.image.image_sha256 == hashlib.sha256(stored).hexdigest()
        assert record.voice is not None
        assert record.sentences
        assert record.sentences[0].text.startswith(scene["narration"].split()[0])
        assert record.duration is not None
        assert record.duration > record.narration_seconds  # type: ignore[operator]
    states = [step.state for step in manifest.steps]
    for state in ("PrepareRender", "GenerateImage", "SynthesizeNarration", "RenderSegment", "ConcatVideo"):
        assert state in states
    assert all(step.seconds >= 0 for step in manifest.steps)
