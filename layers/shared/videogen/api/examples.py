"""Request and response examples of the OpenAPI document, one set per body model and per error status.

Plain JSON, so importing them costs the API function nothing at cold start; a test validates every
example against the model it illustrates, so they cannot drift from the schemas.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponseContentModel

Examples = dict[str, Any]

PROJECT_ID = "3f2b8c1d9e4a4b6f8a7c5d3e2f1a0b9c"
REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
_SCRIPT = "## Dawn\nThe sea wakes up.\n\n## Noon\nGulls circle the lamp room.\nDuration: 4s\n"
_SETTINGS = {
    "aspect_ratio": "16:9",
    "resolution": "720p",
    "fps": 30,
    "image_provider": "local",
    "style": "watercolor, soft light",
    "seed": 7,
    "voice": "local:en_US-joe-medium",
    "captions": True,
    "caption_position": "bottom",
    "caption_size": "medium",
    "caption_outline": "box",
}
_SUMMARY = {
    "id": PROJECT_ID,
    "title": "The lighthouse keeper",
    "status": "COMPLETED",
    "settings": _SETTINGS,
    "script_format": "md",
    "scene_count": 2,
    "version": 3,
    "created_at": "2025-05-01T09:30:00.000Z",
    "updated_at": "2025-05-01T09:34:12.500Z",
}
_PROJECT = {
    **_SUMMARY,
    "script": _SCRIPT,
    "error": None,
    "progress": None,
    "render": {
        "id": "000001",
        "stop_after": None,
        "outputs": ["storyboard", "manifest", "video", "subtitles-srt", "subtitles-vtt", "thumbnail"],
    },
}
_SCENE = {
    "number": 2,
    "title": "Noon",
    "narration": "Gulls circle the lamp room.",
    "image_prompt": "Gulls circle the lamp room",
    "image_prompt_explicit": False,
    "duration": 4.0,
    "transition": "fade",
    "line": 4,
    "image_stale": False,
    "version": 1,
    "updated_at": "2025-05-01T09:30:00.000Z",
}
_VIDEO = {
    "id": "video",
    "kind": "video",
    "content_type": "video/mp4",
    "size": 1843200,
    "scene_number": None,
    "render_id": "000001",
    "created_at": "2025-05-01T09:34:12.000Z",
    "download_url": f"https://media.s3.amazonaws.com/projects/{PROJECT_ID}/renders/000001/video.mp4"
    "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-Signature=...",
    "expires_in": 900,
}
_VERSIONS = {"videogen": "0.1.0", "python": "3.13.0", "powertools": "3.37.0"}


def _example(summary: str, value: Any) -> dict[str, Any]:
    return {"summary": summary, "value": value}


def _one(summary: str, value: Any) -> Examples:
    return {"example": _example(summary, value)}


# ---------------------------------------------------------------- request bodies
CREATE_PROJECT: Examples = {
    "markdown": _example(
        "A Markdown script: '## Heading' starts a scene",
        {
            "title": "The lighthouse keeper",
            "script": _SCRIPT,
            "settings": {"resolution": "720p", "style": "watercolor, soft light"},
        },
    ),
    "fountain": _example(
        "A screenplay in Fountain, vertical, without narration",
        {
            "title": "Night train",
            "script": "INT. TRAIN - NIGHT\n\nThe last train hums through the dark.\n",
            "script_format": "fountain",
            "settings": {"aspect_ratio": "9:16", "voice": "none"},
        },
    ),
}
UPDATE_PROJECT: Examples = {
    "retitle": _example(
        "A new title and a higher resolution", {"title": "The keeper", "settings": {"resolution": "1080p"}}
    ),
}
UPDATE_SCENE: Examples = {
    "retime": _example(
        "New narration, a fixed duration and another transition",
        {"narration": "Gulls circle the lamp room, crying.", "duration": 5, "transition": "dissolve"},
    ),
}

START_RENDER: Examples = {
    "video": _example("The whole video (the same as no body)", {}),
    "images": _example(
        "The stills and the storyboard only, to approve the pictures first", {"stop_after": "images"}
    ),
}

UPLOAD_MUSIC: Examples = {
    "mp3": _example(
        "An MP3 of 4.2 MB", {"filename": "harbour-theme.mp3", "content_type": "audio/mpeg", "size": 4404019}
    ),
}
ATTACH_MUSIC: Examples = {
    "upload": _example("The upload just posted", {"upload_id": "9d1c4e7a2b3f4c5d8e9f0a1b2c3d4e5f"}),
}

SCENE_WITH_PICTURE: Examples = _one(
    "The scene shows the user's photo",
    {
        **_SCENE,
        "image_provider": "user",
        "image_model": "picture",
        "picture_name": "harbour-at-dawn.jpg",
        "picture_sha256": "5f1c0a4e9b7d3c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a",
        "version": 2,
    },
)
UPLOAD_PICTURE: Examples = {
    "jpeg": _example(
        "A 3.1 MB photo for scene 2",
        {"filename": "harbour-at-dawn.jpg", "content_type": "image/jpeg", "size": 3250585},
    ),
}
ATTACH_PICTURE: Examples = {
    "upload": _example("The upload just posted", {"upload_id": "4f0b2c9e8d7a6b5c4d3e2f1a0b9c8d7e"}),
}

CHECK_SCRIPT: Examples = {
    "markdown": _example("A Markdown script as it is being written", {"script": _SCRIPT}),
    "broken": _example(
        "A scene whose duration is out of range (answered valid false, with the line)",
        {"script": "## Dawn\nThe sea wakes up.\nDuration: 45s\n", "settings": {"voice": "none"}},
    ),
}

CREATE_WEBHOOK: Examples = {
    "completed": _example(
        "Be told when renders complete or fail",
        {"url": "https://hooks.example.com/videogen", "events": ["render.completed", "render.failed"]},
    ),
}
_WEBHOOK = {
    "id": "wh_4f1c2a9b8e7d6c5b4a392817",
    "url": "https://hooks.example.com/videogen",
    "events": ["render.completed", "render.failed"],
    "created_at": "2025-05-01T09:30:00.000Z",
}
_DELIVERY = {
    "id": "dl_1746092052000_3f9a1c2b7d4e",
    "event_id": "evt_9b2e61f0c3d84a7b95e1f2a3b4c5d6e7",
    "type": "render.completed",
    "status": "delivered",
    "created_at": "2025-05-01T09:34:12.000Z",
    "delivered_at": "2025-05-01T09:34:43.000Z",
    "attempts": [
        {"at": "2025-05-01T09:34:12.000Z", "status_code": 500, "latency_ms": 84.2, "error": "HTTP 500"},
        {"at": "2025-05-01T09:34:43.000Z", "status_code": 200, "latency_ms": 61.0, "error": None},
    ],
}

# ---------------------------------------------------------------- response bodies, by model name
RESPONSES: dict[str, Examples] = {
    "ScriptCheckResponse": {
        "valid": _example(
            "Two scenes",
            {
                "valid": True,
                "script_format": "md",
                "title": None,
                "scene_count": 2,
                "estimated_seconds": 6.13,
                "scenes": [
                    {
                        "number": 1,
                        "title": "Dawn",
                        "line": 1,
                        "narration_chars": 17,
                        "image_prompt": "Dawn. The sea wakes up.",
                        "estimated_seconds": 2.13,
                    },
                    {
                        "number": 2,
                        "title": "Noon",
                        "line": 4,
                        "narration_chars": 27,
                        "image_prompt": "Noon. Gulls circle the lamp room.",
                        "estimated_seconds": 4.0,
                    },
                ],
                "settings": _SETTINGS,
                "problem": None,
            },
        ),
        "invalid": _example(
            "A duration out of range",
            {
                "valid": False,
                "script_format": "md",
                "title": None,
                "scene_count": 0,
                "estimated_seconds": 0,
                "scenes": [],
                "settings": None,
                "problem": {
                    "code": "SCRIPT_PARSE_ERROR",
                    "message": 'line 3: "Duration: 45s" \u2014 a scene lasts 1 to 30 seconds',
                    "reason": "duration_out_of_range",
                    "line": 3,
                    "column": 11,
                    "text": "Duration: 45s",
                    "hint": "use 1s to 30s, or split the scene in two",
                },
            },
        ),
    },
    "SettingsResponse": _one(
        "Two of the settings",
        {
            "fields": [
                {
                    "name": "aspect_ratio",
                    "kind": "choice",
                    "description": "Frame shape: 16:9, 9:16 or 1:1.",
                    "default": "16:9",
                    "choices": ["16:9", "9:16", "1:1"],
                    "minimum": None,
                    "maximum": None,
                    "max_length": None,
                    "max_items": None,
                    "nullable": False,
                },
                {
                    "name": "seed",
                    "kind": "integer",
                    "description": "Seed for the image model; the same seed repeats the same images.",
                    "default": None,
                    "choices": [],
                    "minimum": 0,
                    "maximum": 4294967295,
                    "max_length": None,
                    "max_items": None,
                    "nullable": True,
                },
            ],
            "script_formats": ["md", "txt", "fountain", "json"],
            "project_statuses": ["DRAFT", "QUEUED", "RENDERING", "COMPLETED", "FAILED"],
        },
    ),
    "WebhookResponse": _one("A webhook", _WEBHOOK),
    "WebhookCreatedResponse": _one(
        "A new webhook and its secret",
        {**_WEBHOOK, "secret": "whsec_kV3Xo2Jm0mXh1Yp9bQ7tC4uN8rL5sA6dE2fG1hI0jK"},
    ),
    "WebhookListResponse": _one("The caller's webhooks", {"items": [_WEBHOOK]}),
    "DeliveryResponse": _one("Delivered on the second attempt", _DELIVERY),
    "DeliveryListResponse": _one("Recent deliveries", {"items": [_DELIVERY]}),
    "ProjectResponse": _one("A rendered project", _PROJECT),
    "ProjectListResponse": _one(
        "A first page with more to come", {"items": [_SUMMARY], "next_cursor": "eyJpIjoiQnlPd25lciJ9"}
    ),
    "SceneResponse": _one("A scene with a fixed duration", _SCENE),
    "SceneListResponse": _one("The only page", {"items": [_SCENE], "next_cursor": None}),
    "AssetResponse": _one("The video", _VIDEO),
    "AssetListResponse": _one("Some of a project's files", {"items": [_VIDEO]}),
    "MusicUploadResponse": _one(
        "A presigned POST form",
        {
            "upload_id": "9d1c4e7a2b3f4c5d8e9f0a1b2c3d4e5f",
            "url": "https://media.s3.amazonaws.com/",
            "fields": {
                "Content-Type": "audio/mpeg",
                "x-amz-meta-filename": "harbour-theme.mp3",
                "key": f"uploads/{PROJECT_ID}/9d1c4e7a2b3f4c5d8e9f0a1b2c3d4e5f",
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "x-amz-credential": "ASIA.../20250501/us-east-1/s3/aws4_request",
                "x-amz-date": "20250501T093000Z",
                "policy": "eyJleHBpcmF0aW9uIjogIjIwMjUtMDUtMDFUMDk6NDU6MDBaIn0=",
                "x-amz-signature": "...",
            },
            "expires_in": 900,
            "max_bytes": 52428800,
        },
    ),
    "PictureUploadResponse": _one(
        "A presigned POST form",
        {
            "upload_id": "4f0b2c9e8d7a6b5c4d3e2f1a0b9c8d7e",
            "url": "https://media.s3.amazonaws.com/",
            "fields": {
                "Content-Type": "image/jpeg",
                "x-amz-meta-filename": "harbour-at-dawn.jpg",
                "key": f"uploads/{PROJECT_ID}/4f0b2c9e8d7a6b5c4d3e2f1a0b9c8d7e",
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "x-amz-credential": "ASIA.../20250501/us-east-1/s3/aws4_request",
                "x-amz-date": "20250501T093000Z",
                "policy": "eyJleHBpcmF0aW9uIjogIjIwMjUtMDUtMDFUMDk6NDU6MDBaIn0=",
                "x-amz-signature": "...",
            },
            "expires_in": 900,
            "max_bytes": 20971520,
        },
    ),
    "MusicResponse": _one(
        "A track of 3 minutes 12 seconds",
        {
            "id": "music",
            "filename": "harbour-theme.mp3",
            "content_type": "audio/mpeg",
            "size": 4404019,
            "duration": 192.05,
            "created_at": "2025-05-01T09:31:02.000Z",
            "download_url": f"https://media.s3.amazonaws.com/projects/{PROJECT_ID}/music/"
            "9d1c4e7a2b3f4c5d8e9f0a1b2c3d4e5f?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900",
            "expires_in": 900,
        },
    ),
    "RenderEstimateResponse": _one(
        "Two scenes at 720p, one image cached, one drawn by Stability",
        {
            "project_id": PROJECT_ID,
            "plan": {
                "stop_after": None,
                "scenes": 2,
                "images_to_generate": 1,
                "images_cached": 1,
                "image_provider": "stability",
                "voice_provider": "local",
                "narration_seconds": 3.2,
                "narration_characters": 48,
                "video_seconds": 9.4,
                "width": 1280,
                "height": 720,
                "segments": 1,
                "segments_reused": 0,
                "state_transitions": 19,
                "states": {
                    "PrepareRender": 1,
                    "ImagesAndNarration": 1,
                    "GenerateImages": 1,
                    "GenerateImage": 1,
                    "NarrateScenes": 1,
                    "SynthesizeNarration": 2,
                    "StoryboardAndVideo": 1,
                    "MakeStoryboard": 1,
                    "StopAfterImages": 1,
                    "ImagesOnly": 0,
                    "PlanSegments": 1,
                    "SegmentsAndSoundtrack": 1,
                    "RenderSegments": 1,
                    "SegmentStored": 1,
                    "ReuseSegment": 0,
                    "RenderSegment": 1,
                    "MixAudio": 1,
                    "ConcatVideo": 1,
                    "FinishRender": 1,
                    "RenderSucceeded": 1,
                },
                "functions": [
                    {
                        "function": "RenderSegment",
                        "invocations": 1,
                        "seconds": 4.23,
                        "memory_mb": 3008,
                        "gb_seconds": 12.425625,
                    }
                ],
                "gb_seconds": 25.849625,
                "s3_put_requests": 12,
                "s3_get_requests": 14,
            },
            "items": [
                {"item": "images (stability)", "quantity": 1, "unit": "image", "unit_usd": 0.03, "usd": 0.03},
                {
                    "item": "Step Functions",
                    "quantity": 19,
                    "unit": "state transition",
                    "unit_usd": 0.000025,
                    "usd": 0.000475,
                },
            ],
            "total_usd": 0.030973,
            "currency": "USD",
        },
    ),
    "RenderResponse": _one(
        "A queued render",
        {
            "id": "000001",
            "project_id": PROJECT_ID,
            "status": "QUEUED",
            "execution_arn": "arn:aws:states:us-east-1:123456789012:execution:videogen-render:"
            f"{PROJECT_ID}-000001",
        },
    ),
}
_OK = {"status": "ok", "detail": None}
HEALTH_STATUS_OK: Examples = _one("Everything answers", {"status": "ok"})
HEALTH_STATUS_DEGRADED: Examples = _one("A dependency does not answer", {"status": "degraded"})
HEALTH_OK: Examples = _one(
    "Everything answers",
    {
        "status": "ok",
        "version": "0.1.0",
        "versions": _VERSIONS,
        "dependencies": {"dynamodb": _OK, "s3": _OK, "stepfunctions": _OK},
    },
)
HEALTH_DEGRADED: Examples = _one(
    "The bucket does not answer",
    {
        "status": "degraded",
        "version": "0.1.0",
        "versions": _VERSIONS,
        "dependencies": {
            "dynamodb": _OK,
            "s3": {"status": "error", "detail": "The media bucket does not answer."},
            "stepfunctions": _OK,
        },
    },
)

# ---------------------------------------------------------------- errors, by status
_ERRORS: dict[int, tuple[str, str, dict[str, Any]]] = {
    400: ("INVALID_JSON", "The request body is not valid JSON.", {}),
    402: (
        "BUDGET_EXCEEDED",
        "This render is estimated at $0.3123, but only $0.1500 of your $5.00 budget for 2025-05 (UTC) "
        "remains. Render fewer or shorter scenes, a lower resolution or the local image provider "
        "(POST /renders?dry_run=true shows the price), or wait for next month.",
        {"estimate_usd": 0.312301, "budget_usd": 5.0, "spent_usd": 4.85, "remaining_usd": 0.15},
    ),
    401: ("UNAUTHENTICATED", "Sign in: send a valid bearer token in the Authorization header.", {}),
    403: (
        "FORBIDDEN",
        "The stability provider is for members of the paid-providers group; ask an administrator.",
        {"provider": "stability", "allowed": ["local"], "group": "paid-providers"},
    ),
    404: ("RESOURCE_NOT_FOUND", f"Project '{PROJECT_ID}' does not exist.", {"project_id": PROJECT_ID}),
    409: (
        "RESOURCE_CONFLICT",
        "A render of this project is queued or running; wait for it to finish.",
        {"project_id": PROJECT_ID},
    ),
    412: (
        "PRECONDITION_FAILED",
        "The project changed since you read it: fetch it again and retry with the new ETag.",
        {"expected_version": 2, "current_version": 3},
    ),
    413: (
        "PAYLOAD_TOO_LARGE",
        "The script is larger than 100 KB; split it into several projects.",
        {"field": "script", "limit_bytes": 102400, "size_bytes": 120000},
    ),
    415: (
        "UNSUPPORTED_MEDIA_TYPE",
        "Request bodies are JSON: send Content-Type: application/json (not text/plain).",
        {},
    ),
    422: (
        "VALIDATION_ERROR",
        "settings.fps: Input should be 24, 25 or 30",
        {"errors": [{"field": "settings.fps", "problem": "Input should be 24, 25 or 30"}]},
    ),
    429: (
        "RATE_LIMITED",
        "You have 2 renders queued or running, the most allowed at once: retry when one has finished.",
        {"limit": "running_renders", "maximum": 2, "retry_after": 30},
    ),
    500: (
        "INTERNAL_ERROR",
        "Something went wrong on our side. Retry later, quoting the request id if it persists.",
        {},
    ),
    503: ("STORAGE_ERROR", "Could not read the project.", {}),
}


def error_examples(status: int) -> Examples:
    """The example error envelope of a status."""
    code, message, details = _ERRORS[status]
    body = {"error": {"code": code, "message": message, "details": details, "request_id": REQUEST_ID}}
    return _one(code, body)


def with_examples(
    content: OpenAPIResponseContentModel, examples: Examples | None
) -> OpenAPIResponseContentModel:
    """A response content entry carrying examples (unchanged when there are none)."""
    return {**content, "examples": examples} if examples else content
