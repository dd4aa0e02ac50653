"""``videogen image`` draws one picture and says what it drew; the gallery and the recognition figure."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from videogen.providers.illustrator.lexicon import Style
from videogen_local.cli import main
from videogen_local.gallery import ASPECTS, PROMPTS
from videogen_local.illustrator_checks import recognition_rate


def test_image_command_writes_the_png_and_prints_its_motifs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "pictures" / "volcano.png"

    status = main(
        [
            "image",
            "A volcano erupting at dusk",
            "--style",
            "ink",
            "--seed",
            "4",
            "--aspect",
            "9:16",
            "-o",
            str(output),
        ]
    )

    assert status == 0
    with Image.open(io.BytesIO(output.read_bytes())) as image:
        assert image.size == (720, 1280)
        motifs = image.info["videogen:motifs"]
    assert motifs == "subjects=lava,volcano; setting=exterior/mountain; time=dusk; style=ink"
    assert capsys.readouterr().out == f"{output} 720x1280: {motifs}\n"


def test_image_command_takes_an_exact_size(tmp_path: Path) -> None:
    output = tmp_path / "small.png"

    assert main(["image", "a cat", "--size", "16x2048", "-o", str(output)]) == 0

    with Image.open(output) as image:
        assert image.size == (16, 2048)


@pytest.mark.parametrize("size", ["15x100", "100x2049", "big", "0x0"])
def test_image_command_refuses_a_size_out_of_range(
    size: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["image", "a cat", "--size", size, "-o", str(tmp_path / "x.png")])

    assert status == 2
    assert "--size" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_the_gallery_covers_48_prompts_over_every_style_and_aspect() -> None:
    assert len(PROMPTS) == 48
    assert {index % len(Style) for index in range(len(PROMPTS))} == set(range(len(Style)))
    assert {index % len(ASPECTS) for index in range(len(PROMPTS))} == set(range(len(ASPECTS)))


def test_at_least_95_percent_of_prompts_naming_one_subject_list_it() -> None:
    rate, missed = recognition_rate(100)

    assert rate >= 0.95, missed
