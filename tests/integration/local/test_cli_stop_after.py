"""`videogen render SCRIPT --stop-after images`: the stills' storyboard beside the script's name, no video."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from videogen.media import storyboard
from videogen_local import cli

SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 2s\n\n## Noon\nGulls circle the lamp room.\nDuration: 2s\n"


@pytest.mark.slow  # a render, if only of the images, with the command's own local cloud
def test_render_stop_after_images_writes_the_storyboard_and_no_video(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VIDEOGEN_HOME", str(tmp_path / "home"))
    script = tmp_path / "story.md"
    script.write_text(SCRIPT, encoding="utf-8")
    output = tmp_path / "out" / "story.mp4"

    code = cli.main(
        ["render", str(script), "-o", str(output), "--stop-after", "images", "--resolution", "480p",
         "--provider", "local", "--voice", "none", "--no-music"]
    )  # fmt: skip

    assert code == 0, capsys.readouterr().err
    sheet = tmp_path / "out" / "story.storyboard.jpg"
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["story.storyboard.jpg"]
    with Image.open(sheet) as image:
        assert image.format == "JPEG"
        assert image.size == (1600, storyboard.sheet_layout(2, (854, 480)).height)
    assert "story.storyboard.jpg" in capsys.readouterr().err


def test_render_refuses_an_unknown_stop_after(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["render", str(tmp_path / "story.md"), "--stop-after", "video"])

    assert exited.value.code == 2
    assert "invalid choice: 'video'" in capsys.readouterr().err
