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

from videogen.domain.limits import MAX_MUSIC_BYTES, MAX_PICTURE_BYTES


class VideoGeneratorException(Exception):  # noqa: N818 - the seed's public name
    """Base class of every error videogen raises on purpose."""

    error_code: ClassVar[str] = "VIDEOGEN_ERROR"
    status_code: ClassVar[int] = 500
    #: Whether retrying the same call later may succeed (the state machine retries on these).
    retryable: ClassVar[bool] = False
    #: What a person is told when the error arrives without a message of its own (a render's end).
    default_message: ClassVar[str] = "The render failed."

    def __init_subclass__(
        cls, *, code: str | None = None, status: int | None = None, retryable: bool | None = None
    ) -> None:
        """A subclass states on its class line only what differs from its parent: its ``code``, the HTTP
        ``status`` it maps to, whether it is ``retryable``; the rest it inherits."""
        super().__init_subclass__()
        if code is not None:
            cls.error_code = code
        if status is not None:
            cls.status_code = status
        if retryable is not None:
            cls.retryable = retryable

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        """The public form of the error, as the API envelope and error reports carry it."""
        return {"code": self.error_code, "message": self.message, "details": self.details}


class ResourceNotFoundException(VideoGeneratorException, code="RESOURCE_NOT_FOUND", status=404):
    """The resource does not exist, or belongs to someone else (never revealed)."""


class ResourceConflictException(VideoGeneratorException, code="RESOURCE_CONFLICT", status=409):
    """The request conflicts with the resource's current state (a concurrent write, a running render)."""


class RenderSupersededException(ResourceConflictException, code="RENDER_SUPERSEDED"):
    """A render step of a render that is no longer the project's current one (a newer render was claimed,
    or this one has ended): it stops, and writes nothing."""


class UploadNotReceivedException(ResourceConflictException, code="UPLOAD_NOT_RECEIVED"):
    """A file was to be uploaded first, and has not arrived (or its upload expired)."""


class PreconditionFailedException(ResourceConflictException, code="PRECONDITION_FAILED", status=412):
    """An ``If-Match`` precondition did not hold: the caller's copy is stale."""


class ValidationException(VideoGeneratorException, code="BAD_REQUEST", status=400):
    """The request is malformed (bad JSON, a bad cursor, a bad header)."""


class PayloadTooLargeException(ValidationException, code="PAYLOAD_TOO_LARGE", status=413):
    """The request or one of its fields is larger than videogen accepts."""


class InvalidMusicException(ValidationException, code="INVALID_MUSIC", status=422):
    """A music file that cannot be used: not audio, too long or too large (the message says which)."""

    @classmethod
    def too_large(cls, size: int) -> InvalidMusicException:
        """The music file is over the size limit (declared, stored or on disk: one message for all)."""
        return cls(
            f"The music file is {size / 2**20:.1f} MB; the limit is {MAX_MUSIC_BYTES // 2**20} MB.",
            {"size_bytes": size, "max_bytes": MAX_MUSIC_BYTES},
        )


class InvalidWebhookException(ValidationException, code="INVALID_WEBHOOK", status=422):
    """A webhook URL videogen will not deliver to: its message says what to change, ``details["reason"]``
    names the rule (``scheme``, ``credentials``, ``refused_address``...), for clients to tell them apart."""


class InvalidCursorException(ValidationException, code="INVALID_CURSOR"):
    """A pagination cursor that this listing did not hand out."""


class RenderTooLargeException(ValidationException, code="RENDER_TOO_LARGE", status=422):
    """The render would cost more than one render may: too many seconds at too many pixels."""


class UnknownVoiceException(ValidationException, code="INVALID_VOICE", status=422):
    """The ``voice`` setting names no voice videogen offers; ``details.valid`` lists the ones it does."""

    def __init__(self, value: str, valid: list[str]) -> None:
        shown = ", ".join(valid) if valid else "none installed"
        super().__init__(
            f"Unknown voice {value!r}. Valid voices: {shown}.", {"voice": value, "valid": list(valid)}
        )


class UnsafeInboxKeyException(ValidationException, code="INVALID_INBOX_KEY"):
    """An inbox key that must not be acted on at all; ``details["reason"]`` says why."""


class InboxFolderException(ValidationException, code="INVALID_INBOX_KEY"):
    """A script in a subfolder of the owner's inbox folder: only the folder itself is read."""


class MusicNotFoundException(ValidationException, code="MUSIC_NOT_FOUND", status=422):
    """A script names a music file that is not where it says (the drop folder: beside the script)."""


class InvalidPictureException(ValidationException, code="INVALID_PICTURE", status=422):
    """A scene picture that cannot be used: not JPEG, PNG or WebP, animated, damaged, too large or too
    small; ``details["reason"]`` names the rule (``not_an_image``, ``unsupported_type``, ``animated``,
    ``too_many_pixels``, ``too_small``, ``extreme_shape``, ``too_large``, ``damaged``), for clients to tell
    them apart."""

    @classmethod
    def too_large(cls, size: int) -> InvalidPictureException:
        """The picture file is over the size limit (declared, stored or on disk: one message for all)."""
        return cls(
            f"The picture is {size / 2**20:.1f} MB; the limit is {MAX_PICTURE_BYTES // 2**20} MB.",
            {"reason": "too_large", "size_bytes": size, "max_bytes": MAX_PICTURE_BYTES},
        )


class PictureNotFoundException(ValidationException, code="PICTURE_NOT_FOUND", status=422):
    """A scene's picture is not there: a script names a file that is not beside it, or a scene waits for a
    picture that was never uploaded. ``details`` name the scene and the file."""


class ScriptParsingException(VideoGeneratorException, code="SCRIPT_PARSE_ERROR", status=422):
    """The script cannot be read; details carry the line, column, offending text and a hint."""


class NarrationTooLongException(ScriptParsingException, code="NARRATION_TOO_LONG"):
    """A scene's narration does not fit the duration the script fixed for it (a script error, 422)."""

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


class ImageGenerationException(VideoGeneratorException, code="IMAGE_GENERATION_FAILED"):
    """An image could not be generated (content filter, provider error, bad image data)."""


class ProviderUnavailableException(
    ImageGenerationException, code="PROVIDER_UNAVAILABLE", status=503, retryable=True
):
    """A provider failed in a way that may pass (5xx, timeout, connection reset): worth a retry."""


class ContentFilteredException(ImageGenerationException, code="CONTENT_FILTERED", status=422):
    """The provider refused the prompt or filtered its result. Retrying the same prompt will not help."""


class VideoAssemblyException(VideoGeneratorException, code="VIDEO_ASSEMBLY_FAILED"):
    """The video could not be assembled from its media."""


class UnreadableMediaException(VideoAssemblyException):
    """ffmpeg ran and found no media in a file: the file's fault, where a missing or failing ffmpeg is ours.

    Same code as its parent (a render reports VIDEO_ASSEMBLY_FAILED either way); the type lets a check of
    an upload refuse the file for this, and for this only.
    """


class VoiceSynthesisException(VideoGeneratorException, code="VOICE_SYNTHESIS_FAILED"):
    """The narration could not be synthesized (a provider error that retrying will not fix)."""


class VoiceUnavailableException(
    VoiceSynthesisException, code="VOICE_PROVIDER_UNAVAILABLE", status=503, retryable=True
):
    """The voice provider failed in a way that may pass (5xx, timeout, connection): worth a retry."""


class RenderTimedOutException(VideoGeneratorException, code="RENDER_TIMED_OUT", status=504):
    """The render ran past a time limit (a step's function timeout, or the whole execution's) and was
    stopped."""

    default_message = "The render took too long and was stopped; retry, or make the video shorter."


class RenderAbortedException(VideoGeneratorException, code="RENDER_ABORTED", status=409):
    """The render's execution was stopped before it finished (by hand, or by a deployment)."""

    default_message = "The render was stopped before it finished; start it again."


class RenderCrashedException(VideoGeneratorException, code="RENDER_CRASHED"):
    """The render's execution ended without recording why (a failure outside every Catch)."""

    default_message = "The render stopped unexpectedly; retry, or report the request id."


class StorageException(VideoGeneratorException, code="STORAGE_ERROR", retryable=True):
    """DynamoDB or S3 failed in a way the caller cannot fix."""


class AuthenticationException(VideoGeneratorException, code="UNAUTHENTICATED", status=401):
    """No identity, or one that cannot be verified."""


class AuthorizationException(VideoGeneratorException, code="FORBIDDEN", status=403):
    """An identity without the right to do this."""


class ConfigurationException(VideoGeneratorException, code="CONFIGURATION_ERROR"):
    """videogen is not configured for what was asked (a provider without credentials)."""


class ProviderAccessException(ConfigurationException, code="PROVIDER_ACCESS_DENIED"):
    """An image provider will not serve us: its key or role is missing or refused, or the account cannot pay.

    A render with another image provider configured falls back to it (pipeline.images); the same provider
    will not accept the call later either, so the state machine does not retry it.
    """


class BudgetExceededException(VideoGeneratorException, code="BUDGET_EXCEEDED", status=402):
    """The render's estimated cost would exceed what remains of the owner's monthly budget; details carry
    ``estimate_usd``, ``budget_usd``, ``spent_usd`` and ``remaining_usd``."""


class RateLimitException(VideoGeneratorException, code="RATE_LIMITED", status=429, retryable=True):
    """Too many requests; ``retry_after`` says how many seconds to wait."""

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
