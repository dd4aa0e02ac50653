"""`videogen render SCRIPT --estimate`: the plan and price as a table, exit 0, and no render started."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from videogen.dal import executions
from videogen.domain import costs
from videogen.media.segments import segment_size
from videogen_local import cli

SCRIPT = "## Dawn\nThe harbour wakes.\nDuration: 4s\n\n## Noon\nGulls circle the lamp room.\nDuration: 5s\n"


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Executions the command starts (none may run: it is recorded instead)."""
    monkeypatch.setenv("VIDEOGEN_HOME", str(tmp_path / "home"))
    names: list[str] = []

    def start(state_machine_arn: str | None, name: str, payload: dict[str, Any]) -> str:
        names.append(name)
        return executions.execution_arn(state_machine_arn or "arn:aws:states:::stateMachine:x", name)

    monkeypatch.setattr(executions, "start", start)
    return names


def test_render_estimate_prints_the_plan_and_price_and_renders_nothing(
    tmp_path: Path, started: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "story.md"
    script.write_text(SCRIPT, encoding="utf-8")
    output = tmp_path / "story.mp4"

    code = cli.main(
        ["render", str(script), "-o", str(output), "--estimate", "--provider", "local", "--voice", "none"]
    )

    out = capsys.readouterr().out
    expected = costs.estimate(
        costs.RenderShape(
            scenes=2,
            images_to_generate=2,
            images_cached=0,
            narration_seconds=0.0,
            narration_characters=0,
            video_seconds=9.0,
            segments=costs.segment_count(2, segment_size(1280, 720)),
            segments_reused=0,
            width=1280,
            height=720,
            image_provider="local",
            voice_provider="none",
        )
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Plan: 2 scenes, 9.0 s of video at 1280x720"
    assert "  images:     2 to generate, 0 cached (local)" in lines
    assert f"  Step Functions: {expected.state_transitions} state transitions" in lines
    rows = {line.split()[0]: line.split() for line in lines if line[:1].isalpha()}
    seconds = (
        costs.SECONDS.render_per_video_second_720p * 9.0
        + costs.SECONDS.render_per_invocation * expected.shape.segments
    )
    assert rows["RenderSegment"][1:4] == [str(expected.shape.segments), f"{seconds:.2f}", "3008"]
    assert rows["total"] == ["total", f"{expected.total_usd:.6f}"]
    assert lines[-1] == "Nothing was rendered (--estimate)."
    assert started == []
    assert not output.exists()


def test_render_estimate_of_a_render_too_large_says_why_and_exits_1(
    tmp_path: Path, started: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "epic.md"
    script.write_text(
        "".join(f"## S{n}\nThe sea.\nDuration: 30s\n\n" for n in range(1, 22)), encoding="utf-8"
    )

    code = cli.main(["render", str(script), "--estimate", "--resolution", "1080p", "--voice", "none"])

    assert code == 1
    assert "RENDER_TOO_LARGE" in capsys.readouterr().err
    assert started == []
