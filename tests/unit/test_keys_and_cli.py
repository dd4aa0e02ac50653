"""Local API keys and the videogen command line."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from videogen_local import cli, process
from videogen_local.api_keys import KeyStore


def test_added_key_maps_to_its_owner_and_is_stored_only_as_a_hash(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)

    key = store.add("alice")

    assert key.startswith("vg_")
    assert store.owner_of(key) == "alice"
    assert store.owner_of(key + "x") is None
    stored = (tmp_path / "keys.json").read_text()
    assert key not in stored
    assert json.loads(stored)["keys"][next(iter(json.loads(stored)["keys"]))]["owner"] == "alice"
    assert (tmp_path / "keys.json").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("owner", ["", "has space", "../../etc", "x" * 200])
def test_invalid_owner_is_refused(tmp_path: Path, owner: str) -> None:
    with pytest.raises(ValueError, match="owner id"):
        KeyStore(tmp_path).add(owner)


def test_keys_add_prints_only_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VIDEOGEN_HOME", str(tmp_path))

    assert cli.main(["keys", "add", "bob"]) == 0

    printed = capsys.readouterr().out.strip()
    assert printed.startswith("vg_")
    assert "\n" not in printed
    assert KeyStore(tmp_path).owner_of(printed) == "bob"
    assert cli.main(["keys", "list"]) == 0
    assert capsys.readouterr().out.split() == ["bob"]


def test_keys_add_with_bad_owner_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VIDEOGEN_HOME", str(tmp_path))

    assert cli.main(["keys", "add", "no spaces please"]) == 2
    assert "owner id" in capsys.readouterr().err


def _render_overrides(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> dict[str, object]:
    """The settings overrides ``videogen render`` hands to the render, with the render itself replaced."""
    from videogen_local import render

    seen: dict[str, object] = {}

    def fake_render(
        script: Path, output: Path | None, overrides: dict[str, object], *_: object, **__: object
    ) -> int:
        seen.update(overrides)
        return 0

    monkeypatch.setattr(render, "run_render_command", fake_render)
    assert cli.main(["render", "story.md", *argv]) == 0
    return seen


def test_render_caption_flags_become_settings_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = [
        "--no-captions",
        "--caption-position",
        "top",
        "--caption-size",
        "large",
        "--caption-outline",
        "box",
    ]

    overrides = _render_overrides(monkeypatch, argv)

    assert overrides == {
        "captions": False,
        "caption_position": "top",
        "caption_size": "large",
        "caption_outline": "box",
    }
    assert _render_overrides(monkeypatch, ["--captions"]) == {"captions": True}
    assert _render_overrides(monkeypatch, []) == {}


def test_render_refuses_an_unknown_caption_position(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        _render_overrides(monkeypatch, ["--caption-position", "left"])

    assert exited.value.code == 2
    assert "'bottom', 'middle', 'top'" in capsys.readouterr().err


def _run_command_process(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False, env=env
    )


def test_the_command_process_collects_less_often_than_python_by_default() -> None:
    result = _run_command_process(
        "import gc\n"
        "from videogen_local.process import COLLECTOR_THRESHOLDS, tune_collector\n"
        "default = gc.get_threshold()\n"
        "tune_collector()\n"
        "print(default, gc.get_threshold() == COLLECTOR_THRESHOLDS)\n"
    )

    default, tuned = result.stdout.rsplit(" ", 1)
    assert tuned.strip() == "True"
    assert all(
        ours > theirs
        for ours, theirs in zip(process.COLLECTOR_THRESHOLDS, ast.literal_eval(default), strict=True)
    )


def test_the_command_exits_with_its_status_its_heap_frozen_and_its_exit_handlers_run() -> None:
    result = _run_command_process(
        "import atexit, gc, sys\n"
        "from videogen_local.process import exit_with\n"
        "atexit.register(lambda: print('frozen' if gc.get_freeze_count() else 'not frozen'))\n"
        "sys.stdout.write('buffered ')\n"
        "exit_with(3)\n"
    )

    assert result.returncode == 3
    assert result.stdout == "buffered frozen\n"


def test_the_console_script_runs_the_command_through_run() -> None:
    scripts = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["scripts"]

    assert scripts["videogen"] == "videogen_local.cli:run"
