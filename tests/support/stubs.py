"""AWS clients answered by botocore's Stubber: a data-access function runs through the real client (its
parameter and response models, its error parsing) with no socket and no AWS account."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber


def aws_client(service: str, **options: Any) -> Any:
    """A real boto3 client with throwaway credentials, which never signs in anywhere: every call it makes
    must be answered by a Stubber (or refused by ``unreachable``)."""
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return session.client(service, **options)


def unreachable(client: Any, operation: str) -> None:
    """Make one operation of a client fail as a dropped connection does (a BotoCoreError, not an answer),
    which a Stubber cannot express."""

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url=client.meta.endpoint_url)

    client.meta.events.register_first(f"before-call.*.{operation}", refuse)


def client_error(stubber: Stubber, operation: str, code: str, status: int = 400) -> None:
    """Queue an error answer: the service refused the next call of ``operation`` with ``code``."""
    stubber.add_client_error(operation, service_error_code=code, http_status_code=status)
