"""GenerateImage: one scene's picture, from the cache when the same request was paid for before."""

from __future__ import annotations

import hashlib
import json
import time
import zlib

from aws_lambda_powertools.metrics import MetricUnit

from videogen.config import Config
from videogen.dal import projects, scenes, storage
from videogen.domain import layout
from videogen.domain.models import Project, Scene
from videogen.exceptions import ConfigurationException, RateLimitException
from videogen.observability import emit_metric, logger, metrics, tracer
from videogen.providers.base import GeneratedImage, ImageProvider, ImageRequest
from videogen.providers.catalog import ProviderIdentity
from videogen.providers.registry import ProviderConfig, provider_identity


def scene_seed(project: Project, scene_number: int) -> int:
    """The project's seed (or one derived from its id), varied per scene so scenes differ."""
    base = project.settings.seed if project.settings.seed is not None else zlib.crc32(project.id.encode())
    return (base + scene_number * 7919) % 4_294_967_296


def image_request(project: Project, scene: Scene) -> ImageRequest:
    width, height = project.settings.frame_size()
    return ImageRequest(
        prompt=scene.image_prompt,
        width=width,
        height=height,
        seed=scene_seed(project, scene.number),
        style=project.settings.style,
    )


def cache_key(project_id: str, provider: str, model: str, request: ImageRequest) -> str:
    """Where the image of exactly this request lives: the same request is never paid for twice."""
    identity = json.dumps(
        [
            provider,
            model,
            request.prompt,
            request.style,
            request.negative_prompt,
            request.seed,
            request.width,
            request.height,
        ],
        ensure_ascii=False,
    )
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return layout.image_key(project_id, digest)


def image_identity(project: Project, settings: Config) -> ProviderIdentity:
    """Which provider and model draw the project's images, from the settings alone: all a cache key needs.

    Builds no provider, imports no SDK or Pillow and reads no secret, so a step that only computes cache
    keys (PrepareRender) ships none of them and needs no permission to read the Stability key.
    """
    return provider_identity(project.settings.image_provider, config=_provider_config(settings))


def scene_image_key(project: Project, scene: Scene, identity: ProviderIdentity) -> str:
    """Where the scene's image lives when ``identity`` draws it."""
    return cache_key(project.id, identity.name, identity.model, image_request(project, scene))


def _provider_config(settings: Config, stability_api_key: str | None = None) -> ProviderConfig:
    return ProviderConfig(
        stability_api_key=stability_api_key,
        stability_api=settings.stability_api,
        bedrock_model_id=settings.bedrock_model_id,
        bedrock_region=settings.aws_region,
    )


def provider_for(project: Project, settings: Config) -> ImageProvider:
    """The project's image provider, with credentials from the environment or SSM (GenerateImage only).

    Raises:
        ConfigurationException: the provider is unknown or lacks its credentials (or they cannot be read).
    """
    # PrepareRender imports this module for image identities alone: the providers' registry (7 ms) loads
    # only where images are made.
    from videogen.providers.registry import get_image_provider  # noqa: PLC0415

    api_key = settings.stability_api_key
    if (
        project.settings.image_provider == "stability"
        and not api_key
        and settings.stability_api_key_parameter
    ):
        from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - 95 ms, SSM keys only

        try:
            api_key = str(
                parameters.get_parameter(settings.stability_api_key_parameter, decrypt=True, max_age=300)
            )
        except parameters.exceptions.GetParameterError as exc:
            raise ConfigurationException("The Stability API key parameter cannot be read.") from exc
    return get_image_provider(project.settings.image_provider, config=_provider_config(settings, api_key))


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


@tracer.capture_method
def generate_scene_image(project_id: str, render_id: str, scene_number: int, settings: Config) -> str:
    """Make sure the scene has its image; returns the image's S3 key."""
    project = projects.get_project_any_owner(project_id)
    if not project.scene_set:
        raise ConfigurationException("The project has no scenes to draw.")
    scene = scenes.get_scene(project_id, project.scene_set, scene_number)
    provider = provider_for(project, settings)
    request = image_request(project, scene)
    key = cache_key(project_id, provider.name, provider.model, request)
    tracer.put_annotation("provider", provider.name)
    tracer.put_annotation("scene", str(scene_number))
    if storage.object_exists(settings.media_bucket, key):
        metrics.add_metric(name="ImagesCached", unit=MetricUnit.Count, value=1)
        logger.info("Image cached", extra={"scene": scene_number})
    else:
        with tracer.provider.in_subsegment(f"## {provider.name}.generate") as subsegment:
            subsegment.put_annotation("provider", provider.name)
            subsegment.put_annotation("scene", str(scene_number))
            image = timed_generate(provider, request)
        storage.put_bytes(settings.media_bucket, key, image.data, image.content_type)
        metrics.add_metric(name="ImagesGenerated", unit=MetricUnit.Count, value=1)
        logger.info("Image generated", extra={"scene": scene_number, "provider": provider.name})
    scenes.mark_image(project_id, project.scene_set, scene_number, key)
    projects.add_scene_done(project_id, render_id, scene_number)
    return key
