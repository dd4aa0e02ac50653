"""What reaches the ingest function, and what it does with names and files it will not render."""

from __future__ import annotations

import logging
from typing import Any

import boto3
import pytest

from tests.support.cloud import module_cloud_fixture
from tests.support.dropfolder import SCRIPT, DropBucket
from tests.support.logs import LogCapture
from videogen.domain.layout import RENDER_OUTPUTS
from videogen.domain.limits import MAX_SCRIPT_BYTES
from videogen.logic.outbox import ERROR_FILE, RESULT_FILE
from videogen_local.cloud import LocalCloud

#: One local cloud for this module: none of its tests makes a project, each looks at its own keys.
cloud = module_cloud_fixture()


def test_the_bucket_notifies_ingest_of_inbox_objects_only_as_the_template_declares(cloud: LocalCloud) -> None:
    (spec,) = [
        props
        for function, _, props in cloud.function_for_event("S3")
        if function.logical_id == "IngestFunction"
    ]
    rules = spec["Filter"]["S3Key"]["Rules"]
    assert rules == [{"Name": "prefix", "Value": "inbox/"}]
    assert spec["Events"] == "s3:ObjectCreated:*"

    s3 = boto3.client("s3", region_name="us-east-1")
    configurations = s3.get_bucket_notification_configuration(Bucket=cloud.buckets["MediaBucket"])
    assert configurations["LambdaFunctionConfigurations"] == [
        {
            "Id": "IngestFunctionInboxObjectCreated",
            "LambdaFunctionArn": cloud.functions["IngestFunction"].arn,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "inbox/"}]}},
        }
    ]


def test_output_uploads_do_not_trigger_ingestion(
    drop: DropBucket, ingest_calls: list[dict[str, Any]]
) -> None:
    # Objects wherever the service writes: the outbox (each file it publishes) and a project's renders
    for name in [*(output.file_name for output in RENDER_OUTPUTS), RESULT_FILE, ERROR_FILE, "story.md"]:
        drop.put(f"outbox/alice/story/{name}", SCRIPT)
    drop.put("projects/0123456789abcdef0123456789abcdef/renders/000001/script.md", SCRIPT)
    drop.put("inboxes/alice/story.md", SCRIPT)  # a prefix filter is a string prefix: "inbox/" needs the slash
    assert ingest_calls == []

    # while an inbox upload does, once: the error.json it writes into the outbox triggers nothing more
    drop.put("inbox/alice/notes.docx", b"PK\x03\x04")
    assert len(ingest_calls) == 1
    assert ingest_calls[0]["Records"][0]["s3"]["object"]["key"] == "inbox/alice/notes.docx"
    assert "outbox/alice/notes.docx/error.json" in drop.keys("outbox/alice/notes.docx/")
    assert drop.projects() == []


ANSWERED = [
    pytest.param(
        "inbox/alice/notes.docx",
        b"PK\x03\x04",
        "notes.docx",
        "SCRIPT_PARSE_ERROR",
        id="unsupported-extension",
    ),
    pytest.param("inbox/alice/README", b"## A\nB\n", "README", "SCRIPT_PARSE_ERROR", id="no-extension"),
    pytest.param(
        "inbox/alice/season 1/ep1.md",
        SCRIPT.encode(),
        "season 1/ep1",
        "INVALID_INBOX_KEY",
        id="nested-folder",
    ),
    pytest.param("inbox/alice/empty.md", b"", "empty", "SCRIPT_PARSE_ERROR", id="empty-file"),
    pytest.param("inbox/alice/blank.txt", b"  \n\n", "blank", "SCRIPT_PARSE_ERROR", id="blank-file"),
    pytest.param(
        "inbox/alice/huge.md",
        b"## A\n" + b"x" * MAX_SCRIPT_BYTES,
        "huge",
        "PAYLOAD_TOO_LARGE",
        id="over-100-kb",
    ),
    pytest.param(
        "inbox/alice/latin1.md",
        "## Café\nÀ bientôt.\n".encode("latin-1"),
        "latin1",
        "SCRIPT_PARSE_ERROR",
        id="not-utf8",
    ),
]


@pytest.mark.parametrize(("key", "body", "script_name", "code"), ANSWERED)
def test_refused_files_with_a_safe_name_get_an_error_json_and_no_project(
    drop: DropBucket, key: str, body: bytes, script_name: str, code: str
) -> None:
    folder = f"outbox/alice/{script_name}/"

    drop.put(key, body)

    assert drop.keys(folder) == [folder + ERROR_FILE]
    document = drop.json(folder + ERROR_FILE)
    assert document["error"]["code"] == code
    assert document["error"]["message"]
    assert document["source"] == key
    assert document["project_id"] is None
    assert drop.projects() == []
    assert drop.executions() == []


def test_error_json_of_a_file_that_is_not_utf8_points_at_the_bad_byte(drop: DropBucket) -> None:
    drop.put("inbox/alice/latin1.md", "## Café\nÀ bientôt.\n".encode("latin-1"))

    error = drop.json("outbox/alice/latin1/error.json")["error"]
    assert error["details"]["reason"] == "invalid_utf8"
    assert (error["line"], error["column"]) == (1, 7)  # the "é" of "Café"


def test_error_json_of_a_file_over_100_kb_gives_its_size_like_the_api(drop: DropBucket) -> None:
    body = b"## A\n" + b"x" * MAX_SCRIPT_BYTES
    drop.put("inbox/alice/huge.md", body)

    error = drop.json("outbox/alice/huge/error.json")["error"]
    assert error["details"] == {"limit_bytes": MAX_SCRIPT_BYTES, "size_bytes": len(body)}


UNANSWERED = [
    pytest.param("inbox/alice/../bob/story.md", "path_traversal", id="dot-dot"),
    pytest.param("inbox/alice/%2e%2e/story.md", "encoded_path", id="encoded-dot-dot"),
    pytest.param("inbox/alice/..%2fbob%2fstory.md", "encoded_path", id="encoded-slash"),
    pytest.param("inbox//alice/story.md", "empty_segment", id="empty-owner"),
    pytest.param("inbox/story.md", "no_owner_folder", id="no-owner-folder"),
    pytest.param("inbox/bad owner!/story.md", "invalid_owner", id="bad-owner"),
    pytest.param("inbox/alice/a\\b.md", "backslash", id="backslash"),
    pytest.param("inbox/alice/.hidden/story.md", "hidden_folder", id="hidden-folder"),
]


@pytest.mark.parametrize(("key", "reason"), UNANSWERED)
def test_unsafe_keys_are_only_logged_and_make_no_project(
    drop: DropBucket, logs: LogCapture, key: str, reason: str
) -> None:
    before = drop.keys()

    drop.put(key, SCRIPT)

    refused = [entry for entry in logs.entries() if entry["message"] == "Inbox object refused"]
    assert [(entry["level"], entry["reason"]) for entry in refused] == [("WARNING", reason)]
    assert drop.keys() == sorted([*before, key])  # nothing written but the upload itself
    assert drop.projects() == []


@pytest.mark.parametrize("key", ["inbox/alice/.DS_Store", "inbox/alice/._story.md", "inbox/alice/drafts/"])
def test_hidden_files_and_folder_markers_are_skipped_with_a_warning(
    drop: DropBucket, logs: LogCapture, key: str
) -> None:
    before = drop.keys()

    drop.put(key, b"")

    (entry,) = [entry for entry in logs.entries() if entry["message"].startswith("Inbox object ignored")]
    assert (entry["level"], entry["key"]) == ("WARNING", key)
    assert drop.keys() == sorted([*before, key])
    assert drop.projects() == []


def test_a_failing_ingest_handler_is_logged_not_swallowed(
    drop: DropBucket, cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(logical_id: str, event: dict[str, Any]) -> Any:
        raise RuntimeError("ingest exploded")

    monkeypatch.setattr(cloud, "invoke", broken)
    with caplog.at_level(logging.ERROR, logger="videogen_local"):
        drop.put("inbox/alice/story.md", SCRIPT)  # the upload itself succeeds, as on S3

    (record,) = [record for record in caplog.records if record.name == "videogen_local"]
    assert "IngestFunction failed on an S3 event" in record.getMessage()
    assert record.exc_info is not None and str(record.exc_info[1]) == "ingest exploded"


def test_events_of_another_bucket_are_refused(drop: DropBucket, cloud: LocalCloud, logs: LogCapture) -> None:
    event = drop.event_for("inbox/alice/story.md", "0123456789abcdef0123456789abcdef", size=10)
    event["Records"][0]["s3"]["bucket"]["name"] = "someone-elses-bucket"

    (result,) = cloud.invoke("IngestFunction", event)["results"]

    assert (result["outcome"], result["error_code"]) == ("refused", "INVALID_INBOX_KEY")
    (entry,) = [entry for entry in logs.entries() if entry["message"] == "Inbox object refused"]
    assert entry["reason"] == "other_bucket"
    assert drop.projects() == []


def test_test_events_and_other_event_types_are_no_work(drop: DropBucket, cloud: LocalCloud) -> None:
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": drop.name}
    removed = drop.event_for("inbox/alice/story.md", "0123456789abcdef0123456789abcdef", size=10)
    removed["Records"][0]["eventName"] = "ObjectRemoved:Delete"

    assert cloud.invoke("IngestFunction", test_event) == {"results": []}
    assert cloud.invoke("IngestFunction", removed) == {"results": []}
    assert drop.projects() == []
