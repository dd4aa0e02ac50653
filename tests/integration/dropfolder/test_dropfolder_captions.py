"""Caption settings in a script reach the burned-in picture through the whole render (the real ASL)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.support.dropfolder import SCRIPT, DropBucket
from videogen.media.ffmpeg import ffmpeg_exe


def _frame(drop: DropBucket, key: str, folder: Path) -> Image.Image:
    """The frame at 0.3 s (the first scene, its caption showing) of the video at ``key``."""
    video, still = folder / "video.mp4", folder / "still.png"
    folder.mkdir()
    video.write_bytes(drop.read(key))
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-ss", "0.3", "-i", str(video), "-frames:v", "1", str(still)],
        check=True,
    )
    return Image.open(still).convert("L")


@pytest.mark.slow
def test_caption_settings_from_front_matter_move_or_remove_the_burned_in_captions(
    drop: DropBucket, tmp_path: Path
) -> None:
    # Given the same script (same seed: same pictures) with captions at the top, and with none burned in
    top = SCRIPT.replace(
        "voice: none\n", "voice: none\nseed: 7\ncaption_position: top\ncaption_outline: box\n"
    )
    off = SCRIPT.replace("voice: none\n", "voice: none\nseed: 7\ncaptions: false\n")
    drop.put("inbox/alice/top.md", top)
    drop.put("inbox/alice/off.md", off)

    # When both have rendered
    drop.wait_for("outbox/alice/top/result.json")
    drop.wait_for("outbox/alice/off/result.json")

    # Then they differ at the top of the frame, where one has its caption, at the bottom, where its scene
    # title went to make room, and nowhere between
    with_top = _frame(drop, "outbox/alice/top/video.mp4", tmp_path / "top")
    without = _frame(drop, "outbox/alice/off/video.mp4", tmp_path / "off")
    width, height = without.size
    # (a pixel "changed" when it differs by more than a compression artefact would)
    changed = ImageChops.difference(with_top, without).point(lambda value: 255 if value > 40 else 0)
    top_band = ImageStat.Stat(changed.crop((0, 0, width, height // 3))).mean[0] / 255
    middle = ImageStat.Stat(changed.crop((0, height // 3, width, 2 * height // 3))).mean[0] / 255
    bottom_band = ImageStat.Stat(changed.crop((0, 2 * height // 3, width, height))).mean[0] / 255
    assert top_band > 0.01
    assert bottom_band > 0.002
    assert middle < 0.001
    # and the subtitle files are written either way
    for name in ("top", "off"):
        assert "The sea wakes up." in drop.read(f"outbox/alice/{name}/subtitles.srt").decode()
