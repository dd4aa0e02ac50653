"""GenerateImage: one scene's picture, from the cache when the same request was paid for before, else from
the first of the project's image providers that can draw it (logic.fallback); with a record of how it was
made beside it (domain.provenance.ImageProvenance)."""

from __future__ import annotations

import hashlib
import time

from aws_lambda_powertools.metrics import MetricUnit

from videogen.config import Config
from videogen.dal import projects, scenes, storage
from videogen.domain import layout
from videogen.domain.enums import ImageProviderName
from videogen.domain.models import Scene
from videogen.domain.provenance import (
    USER_PICTURE_MODEL,
    USER_PICTURE_PROVIDER,
    ImageProvenance,
    SceneFallback,
    SkippedProvider,
)
from videogen.exceptions import (
    ConfigurationException,
    PictureNotFoundException,
    ProviderAccessException,
    RateLimitException,
    ResourceNotFoundException,
)
from videogen.logic.fallback import draw_in_order
from videogen.logic.images import cache_key, image_identities, image_request, provider_config
from videogen.observability import emit_metric, logger, metrics, tracer
from videogen.providers.base import GeneratedImage, ImageProvider, ImageRequest
from videogen.providers.catalog import ProviderIdentity
from videogen.providers.imaging import styled_prompt
from videogen.providers.registry import get_image_provider


def provider_for(name: ImageProviderName | str, settings: Config) -> ImageProvider:
    """The image provider called ``name``, with credentials from the environment or SSM (GenerateImage only).

    Raises:
        ProviderAccessException: the provider has no credentials (or they cannot be read).
        ConfigurationException: the provider is unknown or misconfigured.
    """
    api_key = settings.stability_api_key
    if name == ImageProviderName.STABILITY and not api_key and settings.stability_api_key_parameter:
        from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - 95 ms, SSM keys only

        try:
            api_key = str(
                parameters.get_parameter(settings.stability_api_key_parameter, decrypt=True, max_age=300)
            )
        except parameters.exceptions.GetParameterError as exc:
            raise ProviderAccessException(
                "The Stability API key parameter cannot be read.", {"provider": "stability"}
            ) from exc
    return get_image_provider(name, config=provider_config(settings, api_key))


def timed_generate(provider: ImageProvider, request: ImageRequest) -> GeneratedImage:
    """``provider.generate``, with its latency and throttles published per provider."""
    started = time.perf_counter()
    try:
        return provider.generate(request)
    except RateLimitException:
        emit_metric("ProviderThrottles", MetricUnit.Count, 1, provider=provider.name)
        raise
    finally:
        elapsed_ms = (time.perf_counter() - started) * 1000
        emit_metric("ProviderLatency", MetricUnit.Milliseconds, elapsed_ms, provider=provider.name)


def _draw(
    identity: ProviderIdentity, request: ImageRequest, scene_number: int, settings: Config
) -> GeneratedImage:
    """Build the provider ``identity`` names and draw the request with it (one call of the chain)."""
    provider = provider_for(identity.name, settings)
    with tracer.provider.in_subsegment(f"## {provider.name}.generate") as subsegment:
        subsegment.put_annotation("provider", provider.name)
        subsegment.put_annotation("scene", str(scene_number))
        return timed_generate(provider, request)


def provenance_of(
    identity: ProviderIdentity,
    request: ImageRequest,
    key: str,
    data: bytes,
    content_type: str,
    *,
    cached: bool,
    fallback: list[SkippedProvider] | None = None,
    motifs: str | None = None,
) -> ImageProvenance:
    """The record of how the image ``data`` stored at ``key`` was made."""
    return ImageProvenance(
        provider=identity.name,
        model=identity.model,
        seed=request.seed,
        prompt=styled_prompt(request),
        negative_prompt=request.negative_prompt,
        style=request.style,
        width=request.width,
        height=request.height,
        cache_key=key,
        image_sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        fallback=list(fallback or []),
        motifs=motifs,
        generated_at=projects.now(),
        cached=cached,
    )


def _put_provenance(bucket: str, record: ImageProvenance) -> None:
    storage.put_bytes(
        bucket,
        layout.image_provenance_key(record.cache_key),
        record.model_dump_json(indent=2).encode("utf-8"),
        layout.PROVENANCE_CONTENT_TYPE,
    )


def cached_provenance(
    bucket: str, identity: ProviderIdentity, request: ImageRequest, key: str
) -> ImageProvenance:
    """The record of a cached image: the one stored beside it, or (an image stored before records were
    written) a new one, made from the image's bytes and stored."""
    record_key = layout.image_provenance_key(key)
    try:
        stored = storage.read_object(bucket, record_key)[0]
    except ResourceNotFoundException:
        stored = None
    if stored is not None:
        try:
            return ImageProvenance.model_validate_json(stored)
        except ValueError:
            # A record this code cannot read (another format): described afresh for the scene, left as is.
            logger.warning("Unreadable image provenance record", extra={"key": record_key})
    data, content_type = storage.read_object(bucket, key)
    record = provenance_of(identity, request, key, data, content_type, cached=True)
    if stored is None:
        _put_provenance(bucket, record)
    return record


def _use_picture(scene_set: str, render_id: str, scene: Scene, key: str, settings: Config) -> str:
    """Record the user's picture (at ``key``) as the scene's image: nothing is drawn.

    Raises:
        PictureNotFoundException: the stored picture is gone (attach it again).
    """
    project_id, scene_number = scene.project_id, scene.number
    if not storage.object_exists(settings.media_bucket, key):
        raise PictureNotFoundException(
            f"Scene {scene_number}'s picture is no longer stored: attach it again (PUT "
            f"/v1/projects/{project_id}/scenes/{scene_number}/picture), or remove it to draw the scene.",
            {"scene": scene_number},
        )
    scenes.mark_image(
        project_id, scene_set, scene_number, key, provider=USER_PICTURE_PROVIDER, model=USER_PICTURE_MODEL
    )
    projects.add_scene_done(project_id, render_id, scene_number)
    logger.info("Scene shows the user's picture", extra={"scene": scene_number})
    return key


@tracer.capture_method
def generate_scene_image(
    project_id: str, render_id: str, scene_number: int, settings: Config, *, deadline: float | None = None
) -> str:
    """Make sure the scene has its image; returns the image's S3 key.

    The cache of every provider of the project's list is looked at first, in order: a stored image costs
    nothing, whoever drew it. Otherwise the providers are tried in order (logic.fallback).

    Args:
        deadline: a ``time.monotonic()`` time by which the invocation ends; no provider call starts too
            close to it (None: no limit).

    Raises:
        ContentFilteredException: the provider refused the prompt (no fallback: the prompt must change).
        ProviderUnavailableException, RateLimitException, ProviderAccessException: no provider could draw
            the image (retryable but the last), naming each provider and its reason.
    """
    project = projects.get_project_any_owner(project_id)
    if not project.scene_set:
        raise ConfigurationException("The project has no scenes to draw.")
    scene = scenes.get_scene(project_id, project.scene_set, scene_number)
    if scene.picture_key is not None:
        return _use_picture(project.scene_set, render_id, scene, scene.picture_key, settings)
    request = image_request(project, scene)
    chain = image_identities(project, settings)
    keys = [cache_key(project_id, identity.name, identity.model, request) for identity in chain]
    tracer.put_annotation("provider", chain[0].name)
    tracer.put_annotation("scene", str(scene_number))
    bucket = settings.media_bucket
    stored = next(
        (
            (identity, key)
            for identity, key in zip(chain, keys, strict=True)
            if storage.object_exists(bucket, key)
        ),
        None,
    )
    if stored is not None:
        identity, key = stored
        record = cached_provenance(bucket, identity, request, key)
        metrics.add_metric(name="ImagesCached", unit=MetricUnit.Count, value=1)
        logger.info("Image cached", extra={"scene": scene_number, "provider": identity.name})
    else:
        drawn = draw_in_order(
            chain,
            lambda identity: _draw(identity, request, scene_number, settings),
            scene=scene_number,
            deadline=deadline,
        )
        image, identity = drawn.value, drawn.identity
        key = keys[chain.index(identity)]
        record = provenance_of(
            identity,
            request,
            key,
            image.data,
            image.content_type,
            cached=False,
            fallback=drawn.skipped,
            motifs=image.motifs,
        )
        # The record first: an image in the cache always has its record (a step that stops between the two
        # writes draws again, and writes both).
        _put_provenance(bucket, record)
        storage.put_bytes(bucket, key, image.data, image.content_type)
        metrics.add_metric(name="ImagesGenerated", unit=MetricUnit.Count, value=1)
        for skipped in drawn.skipped:
            emit_metric("ProviderFallbacks", MetricUnit.Count, 1, provider=skipped.provider)
        logger.info(
            "Image generated",
            extra={
                "scene": scene_number,
                "provider": identity.name,
                "skipped": [f"{entry.provider}:{entry.code}" for entry in drawn.skipped],
            },
        )
    scenes.mark_image(
        project_id,
        project.scene_set,
        scene_number,
        key,
        provider=record.provider,
        model=record.model,
        fallback=record.fallback,
    )
    fallback = SceneFallback.of(scene_number, record.provider, record.fallback) if record.fallback else None
    projects.add_scene_done(project_id, render_id, scene_number, fallback)
    return key
