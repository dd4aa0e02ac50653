"""Local API keys and the videogen command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from videogen import cli
from videogen.local.keys import KeyStore


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
