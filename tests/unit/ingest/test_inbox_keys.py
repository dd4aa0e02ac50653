"""Inbox keys: decoding, owners, script names, and every name the drop folder refuses."""

from __future__ import annotations

import re

import pytest

from videogen.domain.enums import ScriptFormat
from videogen.exceptions import InboxFolderException, ScriptParsingException, UnsafeInboxKeyException
from videogen.ingest.inbox import DroppedObject, parse_inbox_key


@pytest.mark.parametrize(
    ("raw_key", "owner", "file_name", "script_name", "script_format"),
    [
        ("inbox/alice/story.md", "alice", "story.md", "story", ScriptFormat.MARKDOWN),
        ("inbox/alice/my+story.txt", "alice", "my story.txt", "my story", ScriptFormat.TEXT),
        ("inbox/alice/a%2Bb.fountain", "alice", "a+b.fountain", "a+b", ScriptFormat.FOUNTAIN),
        (
            "inbox/alice/caf%C3%A9+%E2%80%94+nuit.json",
            "alice",
            "café — nuit.json",
            "café — nuit",
            ScriptFormat.JSON,
        ),
        (
            "inbox/us-east-1%3A7c9e6679-7425-40de/s.md",
            "us-east-1:7c9e6679-7425-40de",
            "s.md",
            "s",
            ScriptFormat.MARKDOWN,
        ),
        (
            "inbox/alice%40example.com/Story.MD",
            "alice@example.com",
            "Story.MD",
            "Story",
            ScriptFormat.MARKDOWN,
        ),
        ("inbox/alice/wait...md", "alice", "wait...md", "wait..", ScriptFormat.MARKDOWN),
        ("inbox/alice/v1.2.markdown", "alice", "v1.2.markdown", "v1.2", ScriptFormat.MARKDOWN),
    ],
)
def test_safe_keys_decode_to_an_owner_and_a_script_name(
    raw_key: str, owner: str, file_name: str, script_name: str, script_format: ScriptFormat
) -> None:
    found = parse_inbox_key(raw_key)

    assert found is not None
    assert (found.owner, found.file_name, found.script_name) == (owner, file_name, script_name)
    assert found.outbox_prefix == f"outbox/{owner}/{script_name}/"
    assert found.title == script_name
    assert found.check() is script_format


@pytest.mark.parametrize(
    ("raw_key", "reason"),
    [
        ("outbox/alice/story.md", "outside_inbox"),
        ("projects/alice/story.md", "outside_inbox"),
        ("/inbox/alice/story.md", "absolute_path"),
        ("%2Finbox%2Falice%2Fstory.md", "absolute_path"),
        ("inbox/alice/../bob/story.md", "path_traversal"),
        ("inbox/alice/..%2Fbob%2Fstory.md", "path_traversal"),
        ("inbox/../alice/story.md", "path_traversal"),
        ("inbox/alice/./story.md", "path_traversal"),
        ("inbox/alice/%252e%252e/story.md", "encoded_path"),
        ("inbox/alice/%252E%252E%252Fstory.md", "encoded_path"),
        ("inbox/alice/a%255cb.md", "encoded_path"),
        ("inbox/story.md", "no_owner_folder"),
        ("inbox//story.md", "empty_segment"),
        ("inbox/alice//story.md", "empty_segment"),
        ("inbox/al+ice/story.md", "invalid_owner"),
        ("inbox/.alice/story.md", "invalid_owner"),
        ("inbox/alice/a%5Cb.md", "backslash"),
        ("inbox/alice/a%00b.md", "control_character"),
        ("inbox/alice/a%0Ab.md", "control_character"),
        ("inbox/alice/" + "x" * 101 + ".md", "name_too_long"),
        ("inbox/alice/.git/story.md", "hidden_folder"),
    ],
)
def test_unsafe_keys_are_refused_with_a_reason(raw_key: str, reason: str) -> None:
    with pytest.raises(UnsafeInboxKeyException) as caught:
        parse_inbox_key(raw_key)

    assert caught.value.details == {"reason": reason}
    assert caught.value.error_code == "INVALID_INBOX_KEY"


@pytest.mark.parametrize(
    "raw_key", ["inbox/alice/", "inbox/alice/drafts/", "inbox/alice/.DS_Store", "inbox/alice/._a.md"]
)
def test_folder_markers_and_hidden_files_are_not_scripts(raw_key: str) -> None:
    assert parse_inbox_key(raw_key) is None


def test_a_script_in_a_subfolder_is_refused_but_can_be_answered_in_its_own_folder() -> None:
    found = parse_inbox_key("inbox/alice/season+1/ep1.md")

    assert found is not None
    assert found.outbox_prefix == "outbox/alice/season 1/ep1/"
    with pytest.raises(InboxFolderException) as caught:
        found.check()
    assert caught.value.details == {"reason": "nested_folder", "key": "inbox/alice/season 1/ep1.md"}


@pytest.mark.parametrize("name", ["notes.docx", "README", "story.md.bak"])
def test_an_unknown_extension_stays_in_the_name_and_fails_as_the_parser_fails(name: str) -> None:
    found = parse_inbox_key(f"inbox/alice/{name}")

    assert found is not None
    assert found.script_name == name  # never the folder of a real script with the same stem
    with pytest.raises(ScriptParsingException) as caught:
        found.check()
    assert caught.value.details["reason"] == "unsupported_format"
    assert (caught.value.details["line"], caught.value.details["column"]) == (1, 1)


def _dropped(**changes: str | None) -> DroppedObject:
    values: dict[str, str | None] = {
        "raw_key": "inbox/alice/my+story.md",
        "etag": '"0123456789abcdef0123456789abcdef"',
        "version_id": None,
        "sequencer": "0055AED6DCD90281E5",
    }
    values.update(changes)
    return DroppedObject(
        bucket="media",
        raw_key=str(values["raw_key"]),
        size=10,
        etag=str(values["etag"]),
        version_id=values["version_id"],
        sequencer=values["sequencer"],
    )


def test_every_delivery_of_one_upload_names_the_same_project() -> None:
    first = _dropped().project_id()

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert _dropped().project_id() == first
    assert (
        _dropped(raw_key="inbox/alice/my%20story.md").project_id() == first
    )  # the same key, encoded otherwise
    assert _dropped(etag="0123456789abcdef0123456789abcdef").project_id() == first  # quotes or not
    assert _dropped(version_id="null").project_id() == first  # what an unversioned bucket may send


@pytest.mark.parametrize(
    "change",
    [
        {"etag": '"fedcba9876543210fedcba9876543210"'},
        {"version_id": "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"},
        {"sequencer": "0055AED6DCD90281F0"},
        {"raw_key": "inbox/bob/my+story.md"},
    ],
)
def test_a_different_upload_names_a_different_project(change: dict[str, str]) -> None:
    assert _dropped(**change).project_id() != _dropped().project_id()


@pytest.mark.parametrize(
    ("raw_key", "picture"),
    [
        ("inbox/alice/harbour.jpg", True),
        ("inbox/alice/photos/2024/Harbour.JPEG", True),
        ("inbox/alice/stray.gif", True),  # no script may name it, but it is no script either
        ("inbox/alice/photos/scan.heic", True),
        ("inbox/alice/harbour.md", False),
        ("inbox/alice/harbour.mp3", False),
        ("inbox/alice/jpg", False),
    ],
)
def test_image_files_in_any_folder_are_pictures_kept_for_their_script(raw_key: str, picture: bool) -> None:
    found = parse_inbox_key(raw_key)

    assert found is not None and found.is_picture is picture
