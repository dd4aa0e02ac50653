"""Ingest (S3 ObjectCreated under inbox/): a dropped script becomes a project and its render, exactly once."""

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.typing import LambdaContext

from videogen.handlers import config_with_table, handles
from videogen.ingest.inbox import DroppedObject
from videogen.ingest.service import ingest_object

settings = config_with_table()
# S3's id of the upload request: the same id its access logs and CloudTrail show.
S3_REQUEST_ID = 'Records[0].responseElements."x-amz-request-id"'


@handles(S3Event, correlation_id_path=S3_REQUEST_ID)
def lambda_handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    results = []
    # s3:TestEvent (sent when notifications are configured) has no records.
    records = event.records if event.get("Records") else ()
    for record in records:
        if not record.event_name.startswith("ObjectCreated:"):
            continue
        obj = record.s3.get_object
        dropped = DroppedObject(
            bucket=record.s3.bucket.name,
            raw_key=obj["key"],
            size=obj.get("size"),
            etag=obj.etag,
            version_id=obj.version_id,
            sequencer=obj.get("sequencer"),
        )
        results.append(asdict(ingest_object(dropped, settings, context.aws_request_id)))
    return {"results": results}
