"""Which image each scene of a render needs, and which it already has: shared by PrepareRender, which acts
on it, and the render estimate, which prices it.

A scene's image is keyed by everything that draws it (``cache_key``): the same request is never paid for
twice. Only the provider's name and model enter a key (``image_identity``): no provider is built, no SDK or
Pillow is imported and no secret is read, so a step that only decides (PrepareRender, the API's estimate)
ships none of them.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field

from videogen.config import Config
from videogen.dal import storage
from videogen.domain import layout
from videogen.domain.models import Project, Scene
from videogen.providers.base import ImageRequest
from videogen.providers.catalog import ProviderIdentity
from videogen.providers.registry import ProviderConfig, provider_identity


def project_seed(project: Project) -> int:
    """The project's seed, or the one derived from its id when it has none (a manifest records it, so a
    new project given it draws the same images)."""
    return project.settings.seed if project.settings.seed is not None else zlib.crc32(project.id.encode())


def scene_seed(project: Project, scene_number: int) -> int:
    """The project's seed, varied per scene so scenes differ."""
    return (project_seed(project) + scene_number * 7919) % 4_294_967_296


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


def provider_config(settings: Config, stability_api_key: str | None = None) -> ProviderConfig:
    """What building (or naming) the image provider needs from the settings."""
    return ProviderConfig(
        stability_api_key=stability_api_key,
        stability_api=settings.stability_api,
        stability_base_url=settings.stability_base_url,
        bedrock_model_id=settings.bedrock_model_id,
        bedrock_region=settings.aws_region,
    )


def image_identity(project: Project, settings: Config) -> ProviderIdentity:
    """Which provider and model draw the project's images first, from the settings alone: all a cache key
    needs (the estimate prices this one)."""
    return image_identities(project, settings)[0]


def image_identities(project: Project, settings: Config) -> list[ProviderIdentity]:
    """The providers (and models) that may draw the project's images, in the order they are tried."""
    config = provider_config(settings)
    return [provider_identity(name, config=config) for name in project.settings.image_providers]


def scene_image_key(project: Project, scene: Scene, identity: ProviderIdentity) -> str:
    """Where the scene's image lives when ``identity`` draws it."""
    return cache_key(project.id, identity.name, identity.model, image_request(project, scene))


def has_fresh_image(scene: Scene, expected_key: str) -> bool:
    """Whether the scene's recorded image is the one its current request draws (before asking S3)."""
    return not scene.image_stale and scene.image_key == expected_key


@dataclass(frozen=True, slots=True)
class ImagePlan:
    """A render's scenes split by image: those to generate, and those whose image is stored (in order).
    ``pictures`` are the scenes of ``needed`` that show the user's own picture: GenerateImage only records
    it as their image, and nobody pays for it."""

    needed: list[int]
    ready: list[int]
    pictures: list[int] = field(default_factory=list)

    @property
    def to_generate(self) -> int:
        """How many images a provider will be asked for (or found in its cache)."""
        return len(self.needed) - len(self.pictures)


def plan_images(project: Project, scenes: list[Scene], settings: Config) -> ImagePlan:
    """Which scenes need a new image: not fresh (``has_fresh_image``) for any provider of the project's
    list (a fallback's image is as good as the first provider's), or fresh but missing from S3. A scene
    with the user's own picture is ready when the picture is its recorded image (and stored)."""
    chain = image_identities(project, settings)
    needed: list[int] = []
    ready: list[int] = []
    pictures: list[int] = []
    for scene in scenes:
        if scene.picture_key is not None:
            expected: str | None = scene.picture_key if scene.image_key == scene.picture_key else None
        else:
            expected = next(
                (
                    key
                    for key in (scene_image_key(project, scene, identity) for identity in chain)
                    if has_fresh_image(scene, key)
                ),
                None,
            )
        if expected is not None and storage.object_exists(settings.media_bucket, expected):
            ready.append(scene.number)
        else:
            needed.append(scene.number)
            if scene.picture_key is not None:
                pictures.append(scene.number)
    return ImagePlan(needed, ready, pictures)
