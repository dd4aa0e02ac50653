"""Every function, with its layers, fits Lambda's 250 MiB unzipped limit, measured on `sam build` output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.paths import TEMPLATE
from videogen_local import build as build_sizes
from videogen_local.template import Template, TemplateError

FUNCTION_TYPE = "AWS::Serverless::Function"
LAYER_TYPE = "AWS::Serverless::LayerVersion"


def _functions(template: Path) -> set[str]:
    return set(Template.load(template).resources_of_type(FUNCTION_TYPE))


def test_every_function_and_layer_of_the_template_has_a_build_folder_and_no_other(build_dir: Path) -> None:
    expected = set(Template.load(TEMPLATE).resources_of_type(FUNCTION_TYPE, LAYER_TYPE))

    folders = {path.name for path in build_dir.iterdir() if path.is_dir()}

    assert folders == expected


def test_built_template_has_the_functions_of_template_yaml(build_dir: Path) -> None:
    # A build older than a function added to (or removed from) template.yaml measures the wrong set.
    assert _functions(build_dir / "template.yaml") == _functions(TEMPLATE)


def test_each_function_with_its_layers_fits_lambdas_unzipped_limit(build_dir: Path) -> None:
    rows = build_sizes.measure(Template.load(TEMPLATE), build_dir)

    assert {row.name for row in rows} == _functions(TEMPLATE)
    over = {row.name: row.total for row in rows if row.total > build_sizes.LAMBDA_UNZIPPED_LIMIT}
    assert not over, f"over {build_sizes.LAMBDA_UNZIPPED_LIMIT:,} bytes:\n{build_sizes.format_table(rows)}"


def test_function_layers_are_globals_then_own() -> None:
    layers = Template.load(TEMPLATE).function_layers()

    assert layers["ApiFunction"] == ["SharedLayer"]
    for ffmpeg_user in ("RenderSegmentFunction", "MixAudioFunction", "ConcatVideoFunction"):
        assert layers[ffmpeg_user] == ["SharedLayer", "FfmpegLayer"]
    assert layers["PlanSegmentsFunction"] == ["SharedLayer"]
    # Pillow comes with its own requirements.txt; it runs no ffmpeg.
    assert layers["MakeStoryboardFunction"] == ["SharedLayer"]
    assert layers["InspectMusicFunction"] == ["SharedLayer", "FfmpegLayer"]


def test_measure_adds_each_layer_to_each_function_that_has_it(tmp_path: Path) -> None:
    # Given a template with a global layer, a function-level layer, and folders of known sizes
    (tmp_path / "template.yaml").write_text(
        """
Globals:
  Function:
    Layers: [!Ref Shared]
Resources:
  Shared: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: shared/}}
  Tool: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: tool/}}
  Plain: {Type: AWS::Serverless::Function, Properties: {CodeUri: plain/}}
  Heavy:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: heavy/, Layers: [!Ref Tool], Description: !Sub "${AWS::StackName} heavy"}
""",
        encoding="utf-8",
    )
    build = tmp_path / "build"
    for folder, sizes in {"Shared": [100, 20], "Tool": [3000], "Plain": [5], "Heavy": [40]}.items():
        (build / folder / "sub").mkdir(parents=True)
        for index, size in enumerate(sizes):
            (build / folder / "sub" / f"f{index}").write_bytes(b"x" * size)
    (build / "Shared" / "link").symlink_to("sub/f0")

    # When the sizes are measured
    rows = {row.name: row for row in build_sizes.measure(Template.load(tmp_path / "template.yaml"), build)}

    # Then each function counts its own files plus each of its layers' (a symlink as itself, no directory)
    shared = 120 + len("sub/f0")
    assert rows["Plain"].layers == (("Shared", shared),)
    assert rows["Plain"].total == 5 + shared
    assert rows["Heavy"].layers == (("Shared", shared), ("Tool", 3000))
    assert rows["Heavy"].total == 40 + shared + 3000
    assert rows["Heavy"].margin == build_sizes.LAMBDA_UNZIPPED_LIMIT - rows["Heavy"].total
    table = build_sizes.format_table(list(rows.values())).splitlines()
    assert table[0].split()[0] == "function"
    assert table[2].startswith("Heavy") and table[2].endswith("Shared, Tool")


def test_measure_fails_on_a_missing_build_folder(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: fn/}}\n", encoding="utf-8"
    )

    with pytest.raises(build_sizes.BuildError, match="Fn is missing"):
        build_sizes.measure(Template.load(tmp_path / "template.yaml"), tmp_path / "build")


def test_a_layer_not_in_the_template_is_refused(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Layers: [arn:aws:lambda:us-east-1:123456789012:layer:x:1]}\n",
        encoding="utf-8",
    )

    with pytest.raises(TemplateError, match="Fn: layer"):
        Template.load(tmp_path / "template.yaml").function_layers()
