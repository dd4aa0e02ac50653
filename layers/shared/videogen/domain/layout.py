"""The media bucket's layout: every S3 key a project's files live under is built here, and nowhere else.

Bucket:
    projects/{project_id}/                  everything produced for a project, nothing outside it
        images/{digest}.png                 a scene's image, named by the hash of exactly what drew it
        images/{digest}.png.json            how that image was made (domain.provenance.ImageProvenance)
        images/picture-{digest}.png         a scene's own picture (the user's), checked and stored as PNG,
                                            named by the hash of the file uploaded; its record beside it
        narration/{digest}.wav, .json       a narration and its timings, named by the hash of voice and text
        scenes/{n:04d}/narration.wav, .json scene n's narration where assembly reads it
        music/{upload_id}                   checked background music: one key per upload, so a new track
                                            never overwrites one in use
        segments/{digest}.mp4               a rendered segment of video, named by the hash of everything
                                            that decides its pixels (reused by later renders; tagged
                                            INTERMEDIATE_TAGS, so a lifecycle rule expires it)
        renders/{render_id}/                one render's outputs (RENDER_OUTPUTS) and its manifest.json;
                                            plan.json and soundtrack.m4a, made for the final join (tagged);
                                            storyboard.jpg (STORYBOARD) and thumbnails/scene-{n:04d}.jpg,
                                            made as soon as the images are (also by a render that stops
                                            after the images)
    uploads/{project_id}/{upload}           a file a caller uploads through a presigned POST, until it is
                                            checked and moved under the project (a lifecycle rule expires
                                            the rest)

Pure: imported by the data access, the pipeline, ingestion, the API and the development tools alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from videogen.domain.enums import AssetKind, StopAfter

#: Where every project's objects live (the functions' IAM policies grant per prefix: template.yaml).
PROJECTS_PREFIX = "projects/"
UPLOADS_PREFIX = "uploads/"

#: The asset id of a project's background music (a project has at most one track).
MUSIC_ASSET_ID = "music"


def project_prefix(project_id: str) -> str:
    """The S3 prefix owning every object of a project."""
    return f"{PROJECTS_PREFIX}{project_id}/"


def upload_prefix(project_id: str) -> str:
    return f"{UPLOADS_PREFIX}{project_id}/"


def upload_key(project_id: str, upload_id: str) -> str:
    """Where a presigned upload lands: outside the project, so nothing unchecked is ever under it."""
    return f"{upload_prefix(project_id)}{upload_id}"


def music_key(project_id: str, upload_id: str) -> str:
    """A project's checked music: one key per upload, so a new track never overwrites one in use."""
    return f"{project_prefix(project_id)}music/{upload_id}"


#: Every scene image is stored as PNG, whoever drew it.
IMAGE_CONTENT_TYPE = "image/png"


def image_key(project_id: str, digest: str) -> str:
    """A scene image, named by the digest of its request: the same request is never paid for twice."""
    return f"{project_prefix(project_id)}images/{digest}.png"


def picture_key(project_id: str, digest: str) -> str:
    """A user's picture for a scene, as checked and stored (PNG), named by the SHA-256 of the uploaded file:
    the same file attached twice is stored once. Beside the generated images, so whoever reads those (the
    storyboard, assembly) reads it too."""
    return f"{project_prefix(project_id)}images/picture-{digest[:32]}.png"


def image_provenance_key(image_key: str) -> str:
    """The record of how the image at ``image_key`` was made (provider, model, seed, prompt, hash), beside
    it: under the same prefix, so whoever may read or write the image may read or write its record."""
    return f"{image_key}.json"


#: The media type of an image's provenance record.
PROVENANCE_CONTENT_TYPE = "application/json"


def scene_image_asset_id(scene_number: int) -> str:
    """The asset id under which a render records scene n's image."""
    return f"scene-{scene_number:04d}-image"


def scene_thumbnail_key(project_id: str, render_id: str, scene_number: int) -> str:
    """Scene n's still, small (MakeStoryboard): per render, beside the storyboard it was drawn for."""
    return f"{render_prefix(project_id, render_id)}thumbnails/scene-{scene_number:04d}.jpg"


def scene_thumbnail_asset_id(scene_number: int) -> str:
    """The asset id under which a render records scene n's thumbnail."""
    return f"scene-{scene_number:04d}-thumbnail"


#: Scene thumbnails and the storyboard are JPEG.
JPEG_CONTENT_TYPE = "image/jpeg"


def narration_keys(project_id: str, scene_number: int) -> tuple[str, str]:
    """The stable keys of a scene's narration audio and timings (what assembly reads)."""
    prefix = f"{project_prefix(project_id)}scenes/{scene_number:04d}/"
    return f"{prefix}narration.wav", f"{prefix}narration.json"


def narration_cache_keys(project_id: str, cache_key: str) -> tuple[str, str]:
    """The keys of a synthesized narration's audio and timings, named by its cache key (voice and text)."""
    prefix = f"{project_prefix(project_id)}narration/{cache_key[:32]}"
    return f"{prefix}.wav", f"{prefix}.json"


def render_prefix(project_id: str, render_id: str) -> str:
    """The folder of one render's outputs: deterministic, so a re-run overwrites and never duplicates."""
    return f"{project_prefix(project_id)}renders/{render_id}/"


def manifest_key(project_id: str, render_id: str) -> str:
    """The render's manifest (``MANIFEST``): what assembly measured, then everything that made the render."""
    return MANIFEST.key(project_id, render_id)


def render_plan_key(project_id: str, render_id: str) -> str:
    """The render's plan (PlanSegments): its timeline, cues and segments, read by the steps after it."""
    return f"{render_prefix(project_id, render_id)}plan.json"


def soundtrack_key(project_id: str, render_id: str) -> str:
    """The render's mixed soundtrack, AAC of exactly the video's length (MixAudio)."""
    return f"{render_prefix(project_id, render_id)}soundtrack.m4a"


def segment_key(project_id: str, digest: str) -> str:
    """A rendered segment, named by the digest of everything that decides its pixels."""
    return f"{project_prefix(project_id)}segments/{digest}.mp4"


#: Object tags of files made only for the steps after them (segments, plan, soundtrack): a lifecycle rule
#: in template.yaml expires them, so a failed render leaves nothing behind for long.
INTERMEDIATE_TAGS = {"videogen-intermediate": "true"}


@dataclass(frozen=True, slots=True)
class RenderOutput:
    """One file every render produces: its name, its file in the render's folder (and in a drop folder's
    outbox), its content type and the kind of asset it is recorded as."""

    name: str
    file_name: str
    content_type: str
    kind: AssetKind

    @property
    def asset_id(self) -> str:
        """The id the API lists it under (``subtitles_srt`` → ``subtitles-srt``)."""
        return self.name.replace("_", "-")

    @property
    def suffix(self) -> str:
        """The file's extension (``.srt``), for copies named after something else (story.srt)."""
        return PurePosixPath(self.file_name).suffix

    def key(self, project_id: str, render_id: str) -> str:
        return f"{render_prefix(project_id, render_id)}{self.file_name}"


#: What a render produces, in the order the pipeline writes and records them: the one list of outputs.
RENDER_OUTPUTS: tuple[RenderOutput, ...] = (
    RenderOutput("video", "video.mp4", "video/mp4", AssetKind.VIDEO),
    RenderOutput("subtitles_srt", "subtitles.srt", "application/x-subrip", AssetKind.SUBTITLES_SRT),
    RenderOutput("subtitles_vtt", "subtitles.vtt", "text/vtt", AssetKind.SUBTITLES_VTT),
    RenderOutput("thumbnail", "thumbnail.jpg", "image/jpeg", AssetKind.THUMBNAIL),
)
#: The same outputs by name.
OUTPUTS: dict[str, RenderOutput] = {output.name: output for output in RENDER_OUTPUTS}


def output_keys(project_id: str, render_id: str) -> dict[str, str]:
    """Every output's key in one render, by output name."""
    return {output.name: output.key(project_id, render_id) for output in RENDER_OUTPUTS}


#: The contact sheet of a render's scene stills (MakeStoryboard), made before assembly: not one of
#: RENDER_OUTPUTS, which assembly makes and a render stopped after its images does not.
STORYBOARD = RenderOutput("storyboard", "storyboard.jpg", JPEG_CONTENT_TYPE, AssetKind.STORYBOARD)


#: How the render was made (domain.manifest.RenderManifest): assembly starts it, FinishRender completes it.
MANIFEST = RenderOutput("manifest", "manifest.json", "application/json", AssetKind.MANIFEST)


def outputs_of(stop_after: StopAfter | None) -> tuple[RenderOutput, ...]:
    """The render-level files a render records as its own: the storyboard, the manifest, and the assembled
    outputs unless it stopped after the images (its project then still lists an earlier render's video,
    as that render's)."""
    if stop_after is StopAfter.IMAGES:
        return (STORYBOARD, MANIFEST)
    return (STORYBOARD, MANIFEST, *RENDER_OUTPUTS)
