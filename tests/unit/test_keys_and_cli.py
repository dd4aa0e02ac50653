"""Local API keys and the videogen command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from videogen_local import cli
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
