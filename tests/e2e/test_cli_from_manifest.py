"""`videogen render --from-manifest`: the same video again, byte for byte with the local provider and
voice, and the same requests to a seeded cloud provider (a fake Stability on loopback). Each render runs
the command's own local cloud, as a user's would."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.stability_fake import KEY, FakeStability, serving_stability
from videogen.domain.manifest import RenderManifest
from videogen.media.probe import decoded_frames
from videogen.pipeline import images
from videogen.providers.registry import ProviderConfig
from videogen_local import cli

pytestmark = pytest.mark.slow

FIXED = "## Dawn\nThe harbour wakes.\nDuration: 1s\n\n## Gulls\nGulls follow the boats.\nDuration: 1s\n"


def _render(arguments: list[str], home: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("VIDEOGEN_HOME", str(home))
    return cli.main(["render", *arguments])


def assert_same_frames(actual: Path, expected: Path, shown: int = 6) -> None:
    """Fails, naming the stream and frames (pts) that differ, unless both decode to the same frames."""
    got, wanted = decoded_frames(actual), decoded_frames(expected)
    if got == wanted:
        return
    kinds = {"0": "video", "1": "audio"}
    differing = [(left, right) for left, right in zip(got, wanted, strict=False) if left != right]
    summary: dict[str, list[int]] = {}
    for left, _ in differing:
        stream, _dts, pts, *_ = (field.strip() for field in left.split(","))
        summary.setdefault(kinds.get(stream, stream), []).append(int(pts))
    lines = [
        f"{actual.parent.name}/{actual.name} decodes to other frames than {expected.parent.name}/"
        f"{expected.name}: "
        f"{len(got)} frames against {len(wanted)}; differing (stream: pts) "
        + "; ".join(f"{kind}: {_ranges(pts)}" for kind, pts in summary.items()),
        "first differences (stream, dts, pts, duration, size, md5), this run then the first:",
    ]
    for left, right in differing[:shown]:
        lines += [f"  {left}", f"  {right}"]
    pytest.fail("\n".join(lines), pytrace=False)


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 7 as "1-3, 7"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def test_from_manifest_makes_the_same_local_video_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "harbour.md"
    script.write_text(FIXED, encoding="utf-8")
    first = tmp_path / "first" / "harbour.mp4"
    assert (
        _render(
            [str(script), "-o", str(first), "--resolution", "480p", "--voice", "none"],
            tmp_path / "a",
            monkeypatch,
        )
        == 0
    )
    manifest = first.with_suffix(".manifest.json")
    capsys.readouterr()

    again = tmp_path / "again" / "harbour.mp4"
    code = _render(["--from-manifest", str(manifest), "-o", str(again)], tmp_path / "b", monkeypatch)

    assert code == 0, capsys.readouterr().err
    said = capsys.readouterr().err
    # The same pictures and sound, bit for bit, however busy the machine (x264's threaded lookahead, which
    # made the last frames of a segment differ under load, is off: media.assemble._x264_args).
    assert_same_frames(again, first)
    if again.read_bytes() == first.read_bytes():
        assert "Reproduced byte for byte" in said
    else:
        assert "Reproduced frame for frame and sample for sample" in said
    recorded = RenderManifest.model_validate_json(manifest.read_bytes())
    remade = RenderManifest.model_validate_json(again.with_suffix(".manifest.json").read_bytes())
    assert [s.image.image_sha256 for s in remade.scenes if s.image] == [
        s.image.image_sha256 for s in recorded.scenes if s.image
    ]


@pytest.fixture
def stability(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStability]:
    """A fake Stability (drawing a plain picture) that GenerateImage's Stability provider is pointed at."""
    with serving_stability() as (fake, base_url):
        config = images.provider_config

        def with_fake(settings: Any, api_key: str | None = None) -> ProviderConfig:
            return dataclasses.replace(config(settings, KEY), stability_base_url=base_url)

        monkeypatch.setattr(images, "provider_config", with_fake)
        yield fake


def test_from_manifest_asks_a_seeded_cloud_provider_for_the_same_images(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stability: FakeStability,
) -> None:
    script = tmp_path / "harbour.md"
    script.write_text(FIXED, encoding="utf-8")
    first = tmp_path / "first" / "harbour.mp4"
    options = [
        "--resolution",
        "480p",
        "--voice",
        "none",
        "--provider",
        "stability",
        "--seed",
        "7",
        "--style",
        "ink",
    ]
    assert _render([str(script), "-o", str(first), *options], tmp_path / "a", monkeypatch) == 0
    asked_first = [dict(request.fields) for request in stability.received]
    stability.received.clear()

    code = _render(
        ["--from-manifest", str(first.with_suffix(".manifest.json")), "-o", str(tmp_path / "again.mp4")],
        tmp_path / "b",
        monkeypatch,
    )

    assert code == 0, capsys.readouterr().err
    asked_again = [dict(request.fields) for request in stability.received]
    assert len(asked_first) == 2
    key = lambda fields: json.dumps(fields, sort_keys=True)  # noqa: E731 - a sort key
    assert sorted(asked_again, key=key) == sorted(asked_first, key=key)
    manifest = RenderManifest.model_validate_json(first.with_suffix(".manifest.json").read_bytes())
    recorded = {(s.image.prompt, s.image.seed) for s in manifest.scenes if s.image}
    assert {(fields["prompt"], int(fields["seed"])) for fields in asked_first} == recorded
    assert {s.image.provider for s in manifest.scenes if s.image} == {"stability"}
