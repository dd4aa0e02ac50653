"""The error hierarchy raised by videogen's logic and mapped once, at the edge, to responses.

Every exception carries a stable ``error_code`` (what clients match on), the HTTP ``status_code`` it maps
to, a ``message`` a person can act on, and structured ``details``. Nothing here may carry internals: the
message and details are shown to callers as they are.

Every error videogen raises on purpose is declared here, and only here: :data:`ERRORS` is the catalogue
of them by class name. A Lambda function reports a raised exception by its class name (``errorType``),
which is the name the state machine's Retry lists match and RecordFailure looks up with
:func:`error_class`; a class declared elsewhere would be unknown to a function that never imported its
module (tests/unit/test_error_catalogue.py checks that none is).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final

from videogen.domain.limits import MAX_MUSIC_BYTES


class VideoGeneratorException(Exception):  # noqa: N818 - the seed's public name
    """Base class of every error videogen raises on purpose."""

    error_code: ClassVar[str] = "VIDEOGEN_ERROR"
    status_code: ClassVar[int] = 500
    #: Whether retrying the same call later may succeed (the state machine retries on these).
    retryable: ClassVar[bool] = False
    #: What a person is told when the error arrives without a message of its own (a render's end).
    default_message: ClassVar[str] = "The render failed."

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        """The public form of the error, as the API envelope and error reports carry it."""
        return {"code": self.error_code, "message": self.message, "details": self.details}


class ResourceNotFoundException(VideoGeneratorException):
    """The resource does not exist, or belongs to someone else (never revealed)."""

    error_code = "RESOURCE_NOT_FOUND"
    status_code = 404


class ResourceConflictException(VideoGeneratorException):
    """The request conflicts with the resource's current state (a concurrent write, a running render)."""

    error_code = "RESOURCE_CONFLICT"
    status_code = 409


class RenderSupersededException(ResourceConflictException):
    """A render step of a render that is no longer the project's current one (a newer render was claimed,
    or this one has ended): it stops, and writes nothing."""

    error_code = "RENDER_SUPERSEDED"
    status_code = 409


class UploadNotReceivedException(ResourceConflictException):
    """A file was to be uploaded first, and has not arrived (or its upload expired)."""

    error_code = "UPLOAD_NOT_RECEIVED"
    status_code = 409


class PreconditionFailedException(ResourceConflictException):
    """An ``If-Match`` precondition did not hold: the caller's copy is stale."""

    error_code = "PRECONDITION_FAILED"
    status_code = 412


class ValidationException(VideoGeneratorException):
    """The request is malformed (bad JSON, a bad cursor, a bad header)."""

    error_code = "BAD_REQUEST"
    status_code = 400


class PayloadTooLargeException(ValidationException):
    """The request or one of its fields is larger than videogen accepts."""

    error_code = "PAYLOAD_TOO_LARGE"
    status_code = 413


class InvalidMusicException(ValidationException):
    """A music file that cannot be used: not audio, too long or too large (the message says which)."""

    error_code = "INVALID_MUSIC"
    status_code = 422

    @classmethod
    def too_large(cls, size: int) -> InvalidMusicException:
        """The music file is over the size limit (declared, stored or on disk: one message for all)."""
        return cls(
            f"The music file is {size / 2**20:.1f} MB; the limit is {MAX_MUSIC_BYTES // 2**20} MB.",
            {"size_bytes": size, "max_bytes": MAX_MUSIC_BYTES},
        )


class InvalidCursorException(ValidationException):
    """A pagination cursor that this listing did not hand out."""

    error_code = "INVALID_CURSOR"


class RenderTooLargeException(ValidationException):
    """The render would cost more than one render may: too many seconds at too many pixels."""

    error_code = "RENDER_TOO_LARGE"
    status_code = 422


class UnknownVoiceException(ValidationException):
    """The ``voice`` setting names no voice videogen offers; ``details.valid`` lists the ones it does."""

    error_code = "INVALID_VOICE"
    status_code = 422

    def __init__(self, value: str, valid: list[str]) -> None:
        shown = ", ".join(valid) if valid else "none installed"
        super().__init__(
            f"Unknown voice {value!r}. Valid voices: {shown}.", {"voice": value, "valid": list(valid)}
        )


class UnsafeInboxKeyException(ValidationException):
    """An inbox key that must not be acted on at all; ``details["reason"]`` says why."""

    error_code = "INVALID_INBOX_KEY"


class InboxFolderException(ValidationException):
    """A script in a subfolder of the owner's inbox folder: only the folder itself is read."""

    error_code = "INVALID_INBOX_KEY"


class MusicNotFoundException(ValidationException):
    """A script names a music file that is not where it says (the drop folder: beside the script)."""

    error_code = "MUSIC_NOT_FOUND"
    status_code = 422


class ScriptParsingException(VideoGeneratorException):
    """The script cannot be read; details carry the line, column, offending text and a hint."""

    error_code = "SCRIPT_PARSE_ERROR"
    status_code = 422


class NarrationTooLongException(ScriptParsingException):
    """A scene's narration does not fit the duration the script fixed for it (a script error, 422)."""

    error_code = "NARRATION_TOO_LONG"
    status_code = 422

    def __init__(self, scene: int, narration_seconds: float, available_seconds: float) -> None:
        over = narration_seconds - available_seconds
        super().__init__(
            f"Scene {scene}'s narration lasts {narration_seconds:.2f} s but only {available_seconds:.2f} s "
            f"are available: it is {over:.2f} s too long. Shorten the narration or lengthen the scene.",
            {
                "scene": scene,
                "narration_seconds": round(narration_seconds, 3),
                "available_seconds": round(available_seconds, 3),
                "over_by_seconds": round(over, 3),
            },
        )
        self.scene = scene
        self.over_by = over


class ImageGenerationException(VideoGeneratorException):
    """An image could not be generated (content filter, provider error, bad image data)."""

    error_code = "IMAGE_GENERATION_FAILED"
    status_code = 500


class ProviderUnavailableException(ImageGenerationException):
    """A provider failed in a way that may pass (5xx, timeout, connection reset): worth a retry."""

    error_code = "PROVIDER_UNAVAILABLE"
    status_code = 503
    retryable = True


class ContentFilteredException(ImageGenerationException):
    """The provider refused the prompt or filtered its result. Retrying the same prompt will not help."""

    error_code = "CONTENT_FILTERED"
    status_code = 422


class VideoAssemblyException(VideoGeneratorException):
    """The video could not be assembled from its media."""

    error_code = "VIDEO_ASSEMBLY_FAILED"
    status_code = 500


class UnreadableMediaException(VideoAssemblyException):
    """ffmpeg ran and found no media in a file: the file's fault, where a missing or failing ffmpeg is ours.

    Same code as its parent (a render reports VIDEO_ASSEMBLY_FAILED either way); the type lets a check of
    an upload refuse the file for this, and for this only.
    """


class VoiceSynthesisException(VideoGeneratorException):
    """The narration could not be synthesized (a provider error that retrying will not fix)."""

    error_code = "VOICE_SYNTHESIS_FAILED"
    status_code = 500


class VoiceUnavailableException(VoiceSynthesisException):
    """The voice provider failed in a way that may pass (5xx, timeout, connection): worth a retry."""

    error_code = "VOICE_PROVIDER_UNAVAILABLE"
    status_code = 503
    retryable = True


class RenderTimedOutException(VideoGeneratorException):
    """The render ran past a time limit (a step's function timeout, or the whole execution's) and was
    stopped."""

    error_code = "RENDER_TIMED_OUT"
    status_code = 504
    default_message = "The render took too long and was stopped; retry, or make the video shorter."


class RenderAbortedException(VideoGeneratorException):
    """The render's execution was stopped before it finished (by hand, or by a deployment)."""

    error_code = "RENDER_ABORTED"
    status_code = 409
    default_message = "The render was stopped before it finished; start it again."


class RenderCrashedException(VideoGeneratorException):
    """The render's execution ended without recording why (a failure outside every Catch)."""

    error_code = "RENDER_CRASHED"
    status_code = 500
    default_message = "The render stopped unexpectedly; retry, or report the request id."


class StorageException(VideoGeneratorException):
    """DynamoDB or S3 failed in a way the caller cannot fix."""

    error_code = "STORAGE_ERROR"
    status_code = 500
    retryable = True


class AuthenticationException(VideoGeneratorException):
    """No identity, or one that cannot be verified."""

    error_code = "UNAUTHENTICATED"
    status_code = 401


class AuthorizationException(VideoGeneratorException):
    """An identity without the right to do this."""

    error_code = "FORBIDDEN"
    status_code = 403


class ConfigurationException(VideoGeneratorException):
    """videogen is not configured for what was asked (a provider without credentials)."""

    error_code = "CONFIGURATION_ERROR"
    status_code = 500


class RateLimitException(VideoGeneratorException):
    """Too many requests; ``retry_after`` says how many seconds to wait."""

    error_code = "RATE_LIMITED"
    status_code = 429
    retryable = True

    def __init__(self, message: str, retry_after: int = 1, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, {**(details or {}), "retry_after": retry_after})
        self.retry_after = retry_after


#: Every error class above, by class name: the name a Lambda function reports a raised exception by.
ERRORS: Final[Mapping[str, type[VideoGeneratorException]]] = MappingProxyType(
    {
        name: value
        for name, value in dict(globals()).items()
        if isinstance(value, type)
        and issubclass(value, VideoGeneratorException)
        and value.__module__ == __name__
    }
)


def error_class(name: str) -> type[VideoGeneratorException] | None:
    """The error class called ``name`` (a Step Functions error name, a Lambda ``errorType``), if it is one."""
    return ERRORS.get(name)
