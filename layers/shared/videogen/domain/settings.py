"""Project settings: what a video looks like. Shared by the API, the script front matter and the CLI.

``ProjectSettings`` is the one list of settings: the API's patch body and a script's settings are derived
from it with :func:`optional_settings`, so a new setting is one field here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from videogen.domain.enums import (
    FRAME_SIZES,
    AspectRatio,
    CaptionOutline,
    CaptionPosition,
    CaptionSize,
    ImageProviderName,
    Resolution,
)
from videogen.domain.limits import MAX_SEED, MAX_STYLE_CHARS
from videogen.domain.voices import DEFAULT_VOICE_SETTING, valid_voice_ids, validate_voice
from videogen.exceptions import UnknownVoiceException


def json_number(value: Any) -> Any:
    """A before-validator for numbers read from JSON: pydantic's lax mode would take true or "7" too."""
    if isinstance(value, bool | str):
        raise ValueError("a number is expected here (not a string, not true/false)")
    return value


def check_voice(value: str) -> str:
    """A voice setting in its canonical form; a ValueError listing the valid ids otherwise (a 422)."""
    try:
        return str(validate_voice(value))
    except UnknownVoiceException as exc:
        raise ValueError(exc.message) from exc


#: At most this many image providers are tried for one scene (each may take a minute when it is down).
MAX_IMAGE_PROVIDERS: Final = 3
#: The two spellings of who draws the images: the one provider, and the ordered fallback list it heads.
PROVIDER_FIELDS: Final = frozenset({"image_provider", "image_providers"})


def distinct_providers(value: tuple[ImageProviderName, ...]) -> tuple[ImageProviderName, ...]:
    """An image provider list that names each provider once; a ValueError (a 422) otherwise."""
    repeated = sorted({provider.value for provider in value if value.count(provider) > 1})
    if repeated:
        raise ValueError(f"each image provider may be listed once; repeated: {', '.join(repeated)}")
    return value


def provider_conflict(one: Any, many: Any) -> str | None:
    """Why ``image_provider`` and ``image_providers``, both given, disagree (None when they agree).

    ``image_provider`` is the one-item form of the list: it must name the list's first provider.
    """
    if one is None or not many:
        return None
    names = [str(getattr(name, "value", name)).strip().lower() for name in many]
    single = str(getattr(one, "value", one)).strip().lower()
    if single == names[0]:
        return None
    return (
        f"image_provider ({single}) must be the first of image_providers ({', '.join(names)}): "
        "send only one of the two, or make them agree"
    )


def agreeing_providers(value: Any, info: ValidationInfo) -> Any:
    """A validator of ``image_providers`` (after ``image_provider``): a ValueError when the two disagree."""
    conflict = provider_conflict(info.data.get("image_provider"), value)
    if conflict:
        raise ValueError(conflict)
    return value


def merge_settings(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Settings given in layers (defaults, stored, the script's, the caller's), later layers winning.

    A layer that names either spelling of the image providers replaces both: a PATCH of ``image_provider``
    alone must not be checked against the stored ``image_providers`` it replaces.
    """
    merged: dict[str, Any] = {}
    for layer in layers:
        if PROVIDER_FIELDS & layer.keys():
            merged = {name: value for name, value in merged.items() if name not in PROVIDER_FIELDS}
        merged.update(layer)
    return merged


@dataclass(frozen=True, slots=True)
class CaptionOptions:
    """The caption look a user chose; ``videogen.media.captions.caption_style`` turns it into pixels."""

    position: CaptionPosition = CaptionPosition.BOTTOM
    size: CaptionSize = CaptionSize.MEDIUM
    outline: CaptionOutline = CaptionOutline.MEDIUM


class ProjectSettings(BaseModel):
    """How a project's video is rendered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    aspect_ratio: AspectRatio = Field(AspectRatio.LANDSCAPE, description="Frame shape: 16:9, 9:16 or 1:1.")
    resolution: Resolution = Field(Resolution.HD, description="Frame height class: 480p, 720p or 1080p.")
    fps: Literal[24, 25, 30] = Field(30, description="Frames per second: 24, 25 or 30.")
    image_provider: ImageProviderName = Field(
        ImageProviderName.LOCAL,
        description=(
            "Who draws the scene images: local (offline), stability or bedrock. The one-provider form of "
            "image_providers: always its first provider."
        ),
    )
    image_providers: Annotated[tuple[ImageProviderName, ...], AfterValidator(distinct_providers)] = Field(
        (ImageProviderName.LOCAL,),
        min_length=1,
        max_length=MAX_IMAGE_PROVIDERS,
        json_schema_extra={"uniqueItems": True},
        description=(
            f"Who draws the scene images, tried in order per scene: 1 to {MAX_IMAGE_PROVIDERS} distinct "
            "providers of local, stability and bedrock. A provider that is down, throttled past its retries "
            "or refuses our credentials hands the scene to the next; a content-filter refusal does not. "
            "Setting image_provider alone sets this to that one provider."
        ),
    )
    style: str = Field(
        "",
        max_length=MAX_STYLE_CHARS,
        description=(
            "A visual style appended to every image prompt, e.g. 'watercolor, soft light'. The offline "
            "illustrator draws by its words: flat, watercolor (or painting), ink (or sketch), neon or noir; "
            "any other style is drawn flat."
        ),
    )
    seed: Annotated[int | None, BeforeValidator(json_number)] = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description="Seed for the image model; the same seed repeats the same images.",
    )
    voice: Annotated[str, AfterValidator(check_voice)] = Field(
        DEFAULT_VOICE_SETTING,
        max_length=64,
        description=(
            "Who narrates: local (offline Piper voice), local:<voice>, polly, polly:<Voice>, or none for a "
            "video without narration."
        ),
    )
    captions: bool = Field(
        True,
        strict=True,
        description="Burn captions into the picture; false for a clean picture (the .srt/.vtt files are "
        "written either way).",
    )
    caption_position: CaptionPosition = Field(
        CaptionPosition.BOTTOM, description="Where burned-in captions sit: bottom, middle or top."
    )
    caption_size: CaptionSize = Field(
        CaptionSize.MEDIUM,
        description="Caption text size for the frame: small, medium or large; lines wrap to fit the frame.",
    )
    caption_outline: CaptionOutline = Field(
        CaptionOutline.MEDIUM,
        description=(
            "What keeps captions readable: an outline (none, thin, medium or thick), or box for a "
            "semi-transparent dark box behind the text, for busy pictures."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _one_provider_or_many(cls, data: Any) -> Any:
        """Either spelling of the image providers sets both (the other one derived from it)."""
        if not isinstance(data, Mapping):
            return data
        one, many = data.get("image_provider"), data.get("image_providers")
        # Only a spelling left out is derived: an explicit null is refused as its type's.
        if one is not None and "image_providers" not in data:
            return {**data, "image_providers": (one,)}
        # Only a valid name is copied: a bad one is reported once, on the list that holds it.
        if (
            "image_provider" not in data
            and isinstance(many, list | tuple)
            and many
            and many[0] in set(ImageProviderName)
        ):
            return {**data, "image_provider": many[0]}
        return data

    @field_validator("image_providers")
    @classmethod
    def _providers_agree(cls, value: tuple[ImageProviderName, ...], info: ValidationInfo) -> Any:
        # A field validator (image_provider is validated first): the error names image_providers.
        return agreeing_providers(value, info)

    def frame_size(self) -> tuple[int, int]:
        """The output frame (width, height) in pixels."""
        return FRAME_SIZES[(self.resolution, self.aspect_ratio)]

    def caption_options(self) -> CaptionOptions:
        """The caption look, as the assembler takes it."""
        return CaptionOptions(self.caption_position, self.caption_size, self.caption_outline)


def optional_settings(shape: Callable[[FieldInfo], tuple[Any, Any]]) -> dict[str, Any]:
    """Field definitions for ``pydantic.create_model``: every ProjectSettings field, in order, reshaped.

    Args:
        shape: the (annotation, FieldInfo) a derived model declares for a ProjectSettings field;
            :func:`checked_type` gives it the field's own constraints and validators.
    """
    return {name: shape(field) for name, field in ProjectSettings.model_fields.items()}


def checked_type(field: FieldInfo) -> Any:
    """The field's type, checked as ProjectSettings checks it, or None (not set)."""
    checked: Any = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    return checked if is_nullable(field) else checked | None


def is_nullable(field: FieldInfo) -> bool:
    """Whether ProjectSettings itself holds None for the field (its default is None: the seed)."""
    return field.default is None


@dataclass(frozen=True, slots=True)
class SettingDescription:
    """One setting as a form shows it: its kind of control, its choices or bounds, its default.

    ``kind`` is ``choice`` (one of ``choices``), ``choices`` (a list of distinct ``choices``), ``integer``
    (``minimum`` to ``maximum``; ``nullable`` when it may be left unset), ``boolean`` or ``text`` (up to
    ``max_length`` characters).
    """

    name: str
    kind: Literal["choice", "choices", "integer", "boolean", "text"]
    description: str
    default: Any
    choices: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    max_items: int | None = None
    nullable: bool = False


def describe_settings() -> list[SettingDescription]:
    """Every ProjectSettings field, in order, as a form shows it: read from the model's own JSON schema
    (so a new field, choice or bound appears without a second list), with the voice's choices from the
    voice catalogue (its field is a checked string, so the schema has none)."""
    schema = ProjectSettings.model_json_schema(mode="serialization")
    definitions = schema.get("$defs", {})

    def resolved(node: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = node.get("$ref")
        return {**definitions[ref.rsplit("/", 1)[-1]], **node} if ref else node

    described = []
    for name, raw in schema["properties"].items():
        node = resolved(raw)
        options = [resolved(option) for option in node.get("anyOf", [node])]
        nullable = any(option.get("type") == "null" for option in options)
        node = next(option for option in options if option.get("type") != "null")
        common = {"name": name, "description": raw.get("description", ""), "default": raw.get("default")}
        if name == "voice":
            described.append(SettingDescription(kind="choice", choices=tuple(valid_voice_ids()), **common))
        elif "enum" in node:
            described.append(SettingDescription(kind="choice", choices=tuple(node["enum"]), **common))
        elif node.get("type") == "array":
            items = resolved(node["items"])
            described.append(
                SettingDescription(
                    kind="choices", choices=tuple(items["enum"]), max_items=node.get("maxItems"), **common
                )
            )
        elif node.get("type") == "integer":
            described.append(
                SettingDescription(
                    kind="integer",
                    minimum=node.get("minimum"),
                    maximum=node.get("maximum"),
                    nullable=nullable,
                    **common,
                )
            )
        elif node.get("type") == "boolean":
            described.append(SettingDescription(kind="boolean", **common))
        else:
            described.append(SettingDescription(kind="text", max_length=node.get("maxLength"), **common))
    return described
