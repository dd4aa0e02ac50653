"""The closed sets of values videogen understands."""

from __future__ import annotations

from enum import StrEnum


class AspectRatio(StrEnum):
    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"
    SQUARE = "1:1"


class Resolution(StrEnum):
    SD = "480p"
    HD = "720p"
    FULL_HD = "1080p"


class ImageProviderName(StrEnum):
    LOCAL = "local"
    STABILITY = "stability"
    BEDROCK = "bedrock"


class CaptionPosition(StrEnum):
    """Where burned-in captions sit in the frame."""

    BOTTOM = "bottom"
    MIDDLE = "middle"
    TOP = "top"


class CaptionSize(StrEnum):
    """How large burned-in captions are, relative to the automatic size for the frame."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class CaptionOutline(StrEnum):
    """What keeps burned-in captions readable over the picture: an outline of some width, or a box."""

    NONE = "none"
    THIN = "thin"
    MEDIUM = "medium"
    THICK = "thick"
    BOX = "box"


class ProjectStatus(StrEnum):
    DRAFT = "DRAFT"
    QUEUED = "QUEUED"
    RENDERING = "RENDERING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class Transition(StrEnum):
    """How a scene hands over to the next one."""

    CUT = "cut"
    FADE = "fade"
    FADE_BLACK = "fadeblack"
    DISSOLVE = "dissolve"
    SLIDE = "slide"
    WIPE = "wipe"
    CIRCLE = "circle"


class ScriptFormat(StrEnum):
    MARKDOWN = "md"
    TEXT = "txt"
    FOUNTAIN = "fountain"
    JSON = "json"


class AssetKind(StrEnum):
    SCENE_IMAGE = "scene_image"
    NARRATION = "narration"
    VIDEO = "video"
    SUBTITLES_SRT = "subtitles_srt"
    SUBTITLES_VTT = "subtitles_vtt"
    THUMBNAIL = "thumbnail"
    MUSIC = "music"
    STORYBOARD = "storyboard"
    SCENE_THUMBNAIL = "scene_thumbnail"


class StopAfter(StrEnum):
    """Where a render may stop before its end (no value: it makes the whole video)."""

    #: The stills, their thumbnails and the storyboard: the pictures, approved before paying for assembly.
    IMAGES = "images"


FPS_CHOICES: tuple[int, ...] = (24, 25, 30)

#: Frame size (width, height) per resolution and aspect ratio; every side even, as yuv420p needs.
FRAME_SIZES: dict[tuple[Resolution, AspectRatio], tuple[int, int]] = {
    (Resolution.SD, AspectRatio.LANDSCAPE): (854, 480),
    (Resolution.SD, AspectRatio.PORTRAIT): (480, 854),
    (Resolution.SD, AspectRatio.SQUARE): (480, 480),
    (Resolution.HD, AspectRatio.LANDSCAPE): (1280, 720),
    (Resolution.HD, AspectRatio.PORTRAIT): (720, 1280),
    (Resolution.HD, AspectRatio.SQUARE): (720, 720),
    (Resolution.FULL_HD, AspectRatio.LANDSCAPE): (1920, 1080),
    (Resolution.FULL_HD, AspectRatio.PORTRAIT): (1080, 1920),
    (Resolution.FULL_HD, AspectRatio.SQUARE): (1080, 1080),
}
