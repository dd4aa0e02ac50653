"""InspectMusic: decode an uploaded file with ffmpeg and say whether it can be a project's music.

The API cannot run ffmpeg (it keeps its imports light), so it invokes this step synchronously before it
accepts an upload. A file that is not usable is an answer, not a failure: the result carries the same
error code and message the API returns as a 422, and the function does not count an error. A check that
cannot be made (no ffmpeg, S3 failing) is a failure: it raises, and the API answers with a 500, not with
a verdict on a file nobody looked at.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from videogen.config import Config
from videogen.dal import storage
from videogen.exceptions import InvalidMusicException
from videogen.media.audio import validate_music
from videogen.media.workdir import render_workdir
from videogen.observability import logger, tracer


@tracer.capture_method
def inspect_music(key: str, settings: Config, work_base: Path) -> dict[str, Any]:
    """Download the upload at ``key`` and check it with ``validate_music``.

    Returns:
        {"valid": True, "duration": seconds, "size": bytes} or
        {"valid": False, "error": {"code", "message", "details"}}.

    Raises:
        VideoAssemblyException: ffmpeg is missing or could not be run.
        StorageException: the upload could not be downloaded.
    """
    with render_workdir(work_base, f"music-{uuid.uuid4().hex}") as work:
        local = work / "upload"
        storage.download_file(settings.media_bucket, key, local)
        size = local.stat().st_size
        try:
            duration = validate_music(local)
        except InvalidMusicException as exc:
            logger.info("Music upload refused", extra={"reason": exc.message, "size": size})
            return {"valid": False, "error": exc.to_dict()}
    logger.info("Music upload accepted", extra={"duration": duration, "size": size})
    return {"valid": True, "duration": round(duration, 3), "size": size}
