"""Upper bounds on everything a caller can make videogen spend. One place, used everywhere."""

from __future__ import annotations

MAX_TITLE_CHARS = 200
MAX_SCRIPT_BYTES = 100 * 1024
MAX_SCENES = 200
MIN_SCENES = 1
MAX_NARRATION_CHARS = 1500
MIN_SCENE_SECONDS = 1.0
MAX_SCENE_SECONDS = 30.0
MAX_IMAGE_PROMPT_CHARS = 2000
MAX_STYLE_CHARS = 200
MAX_SEED = 4_294_967_295
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: What one render may cost, in seconds of video times pixels per frame: 10 minutes at 1080p (1920x1080),
#: about 50 minutes at 480p. Checked when a render starts, from the scenes' durations or reading times.
MAX_RENDER_PIXEL_SECONDS = 600 * 1920 * 1080
#: A project's background music: at most 30 minutes, at most 50 MB (checked before and after upload).
MAX_MUSIC_SECONDS = 30 * 60
MAX_MUSIC_BYTES = 50 * 1024 * 1024
#: A media type of the audio family, without parameters ("audio/mpeg", "Audio/X-M4A"); ECMA-262 has no
#: case-insensitive flag in JSON Schema, so the letters of "audio" are spelled both ways.
AUDIO_TYPE_PATTERN = r"^[Aa][Uu][Dd][Ii][Oo]/[A-Za-z0-9][A-Za-z0-9.+-]{0,60}$"
#: Audio files taken as a script's music when they sit beside it with its name (story.md → story.mp3).
MUSIC_SUFFIXES = (".mp3", ".m4a", ".aac", ".wav", ".flac", ".ogg", ".opus")
#: A scene's own picture (a script's ``Picture:``, an API upload): JPEG, PNG or WebP, at most 20 MB and 40
#: megapixels (checked from the header before anything is decoded), at least 64 pixels on each side.
MAX_PICTURE_BYTES = 20 * 1024 * 1024
MAX_PICTURE_PIXELS = 40_000_000
MIN_PICTURE_SIDE = 64
#: The picture files a script may name, and that the drop folder keeps for the script naming them.
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
#: The media types a picture upload may declare.
PICTURE_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp")
#: A path a script may give: at most this long, in at most this many folders.
MAX_PICTURE_PATH_CHARS = 255
