"""GenerateImage: one scene's picture, from the cache when the same request was paid for before."""

from __future__ import annotations

import time

from aws_lambda_powertools.metrics import MetricUnit

from videogen.config import Config
from videogen.dal import projects, scenes, storage
from videogen.domain.models import Project
from videogen.exceptions import ConfigurationException, RateLimitException
from videogen.logic.images import cache_key, image_request, provider_config
from videogen.observability import emit_metric, logger, metrics, tracer
from videogen.providers.base import GeneratedImage, ImageProvider, ImageRequest
from videogen.providers.registry import get_image_provider


def provider_for(project: Project, settings: Config) -> ImageProvider:
    """The project's image provider, with credentials from the environment or SSM (GenerateImage only).

    Raises:
        ConfigurationException: the provider is unknown or lacks its credentials (or they cannot be read).
    """
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
    return get_image_provider(project.settings.image_provider, config=provider_config(settings, api_key))


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
