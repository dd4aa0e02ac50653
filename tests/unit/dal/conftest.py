"""Fixtures of the data-access error tests: each module's client replaced by a real one under Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.stub import Stubber
from pynamodb.connection.base import Connection

from tests.support.stubs import aws_client
from videogen.dal import executions, functions, storage


def _stubbed(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The S3 client of dal.storage, stubbed."""
    client = aws_client("s3", config=Config(signature_version="s3v4"))
    monkeypatch.setattr(storage, "s3_client", lambda: client)
    yield from _stubbed(client)


@pytest.fixture
def sfn(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The Step Functions client of dal.executions, stubbed."""
    client = aws_client("stepfunctions")
    monkeypatch.setattr(executions, "sfn_client", lambda: client)
    yield from _stubbed(client)


@pytest.fixture
def lambda_(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The Lambda client of dal.functions, stubbed."""
    client = aws_client("lambda")
    monkeypatch.setattr(functions, "lambda_client", lambda: client)
    yield from _stubbed(client)


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The DynamoDB client under every PynamoDB model of the table, stubbed."""
    client = aws_client("dynamodb")
    monkeypatch.setattr(Connection, "client", property(lambda _: client))
    yield from _stubbed(client)
