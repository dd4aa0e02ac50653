"""Stability AI's v2beta REST API (Stable Image Core, Ultra, SD 3.5) as an image provider, on the stdlib."""

from __future__ import annotations

import email.utils
import http.client
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from email.message import Message
from typing import IO, Final, override

from videogen.exceptions import (
    ConfigurationException,
    ContentFilteredException,
    ImageGenerationException,
    ProviderUnavailableException,
    VideoGeneratorException,
)
from videogen.observability import logger
from videogen.providers import stability
from videogen.providers.base import GeneratedImage, ImageRequest
from videogen.providers.catalog import STABILITY_REST_MODEL
from videogen.providers.imaging import fitted_result

#: Largest response body read: a 4 MP PNG is ~10 MB; more than this is not an image we want in memory.
MAX_RESPONSE_BYTES: Final = 50 * 1024 * 1024
#: Error bodies are small JSON documents; only this much is read from one.
MAX_ERROR_BYTES: Final = 64 * 1024

#: Models served by their own endpoint; the SD 3.x family shares ``/sd3`` and names the model in the form.
_OWN_ENDPOINT_MODELS: Final = frozenset({"core", "ultra"})
_SD3_PREFIX: Final = "sd3"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Turns every redirect into an error: urllib would otherwise replay the Authorization header."""

    @override
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> None:
        return None


def endpoint_path(model: str) -> str:
    """The v2beta path that serves ``model``."""
    if model in _OWN_ENDPOINT_MODELS:
        return f"/v2beta/stable-image/generate/{model}"
    if model.startswith(_SD3_PREFIX):
        return "/v2beta/stable-image/generate/sd3"
    raise ConfigurationException(
        "Unknown Stability REST model", {"model": model, "supported": ["core", "ultra", "sd3*"]}
    )


def build_form_fields(request: ImageRequest, model: str) -> dict[str, str]:
    """The multipart form fields of one text-to-image request."""
    fields = {name: str(value) for name, value in stability.stable_image_parameters(request).items()}
    if model.startswith(_SD3_PREFIX):
        fields["model"] = model
    return fields


def encode_multipart(fields: Mapping[str, str], boundary: str | None = None) -> tuple[bytes, str]:
    """Encode text fields as multipart/form-data (RFC 7578).

    Returns:
        The body and the Content-Type header value that names its boundary.
    """
    boundary = boundary or f"videogen-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode("utf-8")
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def parse_retry_after(
    value: str | None, default: int = stability.DEFAULT_RETRY_AFTER, now: float | None = None
) -> int:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); at least 1."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return max(1, int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    seconds = when.timestamp() - (time.time() if now is None else now)
    return max(1, math.ceil(seconds))


def _error_name(body: bytes) -> str:
    """The ``name`` of Stability's JSON error body, if it is a plain identifier; never the whole body."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "unknown"
    name = payload.get("name") if isinstance(payload, dict) else None
    if isinstance(name, str) and 0 < len(name) <= 64 and name.replace("_", "").isalnum():
        return name
    return "unknown"


def error_for_status(status: int, headers: Mapping[str, str], body: bytes) -> VideoGeneratorException:
    """Map a non-200 response from the v2beta API to videogen's exception (``headers`` keys lower-case)."""
    name = _error_name(body)
    details = {"provider": stability.NAME, "status": status, "provider_error": name}
    if status == 429:
        return stability.rate_limited(parse_retry_after(headers.get("retry-after")), details)
    if status == 403 and name == "content_moderation":
        # v2beta answers a moderated prompt with 403, not with a filtered image.
        return ContentFilteredException("Stability AI's content filter refused the prompt", details)
    if status in (401, 403):
        return stability.key_refused(details)
    if status == 402:
        return stability.no_credits(details)
    if status == 404:
        return ConfigurationException("The Stability AI endpoint does not exist: check the base URL", details)
    if status >= 500:
        return stability.unavailable(details)
    return ImageGenerationException(f"Stability AI rejected the request ({name})", details)


def _validate_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; refuses schemes and hosts that would leak the API key."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme == "https" and parts.hostname:
        return base_url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and stability.is_loopback(parts.hostname):
        return base_url.rstrip("/")
    raise ConfigurationException(
        "The Stability base URL must be https (plain http only to a local test server)",
        {"base_url": f"{parts.scheme}://{parts.hostname or ''}"},
    )


def _lower_keys(headers: Message) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def _read_capped(response: http.client.HTTPResponse | urllib.error.HTTPError, limit: int) -> bytes:
    data = response.read(limit + 1)
    if len(data) > limit:
        raise ImageGenerationException("Stability AI's response is too large", {"max_bytes": limit})
    return data


class StabilityRestProvider:
    """Draws scene images with Stability AI's v2beta Stable Image API."""

    name = stability.NAME

    def __init__(
        self,
        api_key: str | None,
        base_url: str = "https://api.stability.ai",
        model: str = STABILITY_REST_MODEL,
        timeout: float = 60,
    ) -> None:
        self._api_key = stability.require_key(api_key)
        self.model = model
        self._url = _validate_base_url(base_url) + endpoint_path(model)
        self._timeout = timeout
        self._opener = urllib.request.build_opener(_RefuseRedirects())

    def __repr__(self) -> str:
        return f"StabilityRestProvider(url={self._url!r}, model={self.model!r})"

    def generate(self, request: ImageRequest) -> GeneratedImage:
        """Generate one image and fit it to exactly the requested size.

        Raises:
            ContentFilteredException: Stability's moderation refused the prompt or the image.
            RateLimitException: throttled (429), with Retry-After.
            ProviderUnavailableException: 5xx, a timeout or a connection failure.
            ProviderAccessException: a bad key (401/403) or no credits (402).
            ConfigurationException: a wrong URL (404).
            ImageGenerationException: Stability rejected the request (400/413/422) or sent no image.
        """
        body, content_type = encode_multipart(build_form_fields(request, self.model))
        http_request = urllib.request.Request(
            self._url,
            data=body,
            method="POST",
            headers={
                "authorization": f"Bearer {self._api_key}",
                "accept": "image/*",
                "content-type": content_type,
                "stability-client-id": "videogen",
            },
        )
        try:
            with self._opener.open(http_request, timeout=self._timeout) as response:
                status = response.status
                headers = _lower_keys(response.headers)
                data = _read_capped(response, MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as exc:
            with exc:
                try:
                    error_body = _read_capped(exc, MAX_ERROR_BYTES)
                except (OSError, http.client.HTTPException, ImageGenerationException):
                    error_body = b""
                error = error_for_status(exc.code, _lower_keys(exc.headers), error_body)
            logger.warning(
                "Stability REST request failed",
                extra={"status": exc.code, "provider_error": error.details.get("provider_error")},
            )
            raise error from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            # URLError wraps refused connections and DNS failures; a socket timeout during read surfaces as
            # TimeoutError (an OSError); a dropped connection as RemoteDisconnected/IncompleteRead.
            raise ProviderUnavailableException(
                "Stability AI could not be reached",
                {"provider": stability.NAME, "reason": type(exc).__name__},
            ) from exc

        return self._image_from_response(status, headers, data, request)

    def _image_from_response(
        self, status: int, headers: Mapping[str, str], data: bytes, request: ImageRequest
    ) -> GeneratedImage:
        finish_reason = headers.get("finish-reason", "SUCCESS").strip().upper()
        details = {"provider": stability.NAME, "status": status, "finish_reason": finish_reason}
        if finish_reason == "CONTENT_FILTERED":
            raise stability.image_filtered(details)
        if finish_reason != "SUCCESS":
            # "ERROR": the generation itself failed on Stability's side.
            raise stability.generation_failed(details)
        if not headers.get("content-type", "").startswith("image/"):
            raise stability.no_image(details)
        return fitted_result(data, request, self.name, self.model)
