"""The model catalog language: ``models/*.yaml``, one entry per Kie.ai model.

A model's ``input`` is a JSON-Schema-like description from which the form machinery builds
its collection steps; its ``price`` is a rule in Kie.ai credits that depends on the chosen
values, so the price shown before confirming is the price charged.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator, model_validator

from engine.schema.flow import FlowModel, Identifier

ModelId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$", max_length=120)]
Scalar = str | int | float | bool


class LocalText(FlowModel):
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.ru


class FieldType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    ENUM = "enum"
    FILE = "file"
    FILES = "files"
    # kinds the reference knows but a chat cannot collect; the linter rejects them
    OBJECT = "object"
    LIST = "list"


COLLECTABLE = frozenset({FieldType.STRING, FieldType.INTEGER, FieldType.NUMBER, FieldType.BOOLEAN,
                         FieldType.ENUM, FieldType.FILE, FieldType.FILES})


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


class EnumOption(FlowModel):
    value: Scalar
    label: LocalText | None = None


class InputField(FlowModel):
    type: FieldType
    required: bool = False
    default: Any = None
    title: LocalText | None = None
    hint: LocalText | None = None
    options: list[EnumOption] = Field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = Field(None, ge=1)
    media: MediaKind | None = None
    accept: list[str] = Field(default_factory=list, description="Accepted MIME types.")
    max_mb: float | None = Field(None, gt=0)
    min_items: int | None = Field(None, ge=0)
    max_items: int | None = Field(None, ge=1)
    send_as: Annotated[str, StringConstraints(pattern="^(string|number)$")] | None = None
    ask_when: dict[Identifier, list[Scalar]] = Field(
        default_factory=dict, description="Ask only when these fields have one of these values.")

    @field_validator("options", mode="before")
    @classmethod
    def _plain_values(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [v if isinstance(v, dict) else {"value": v} for v in value]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> InputField:
        if self.type is FieldType.ENUM and not self.options:
            raise ValueError("an enum field needs options")
        if self.type in (FieldType.FILE, FieldType.FILES) and self.media is None:
            raise ValueError("a file field needs media: image, video or audio")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum is greater than maximum")
        return self


class PriceCase(FlowModel):
    when: dict[Identifier, list[Scalar]] = Field(default_factory=dict)
    credits: Decimal = Field(ge=0, description="Kie.ai credits (1 credit = $0.005).")
    per: Identifier | None = Field(None, description="Multiply by this numeric field's value.")

    @field_validator("when", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        return value

    @field_validator("credits", mode="before")
    @classmethod
    def _exact(cls, value: Any) -> Any:
        return Decimal(str(value)) if isinstance(value, float) else value


class PriceRule(FlowModel):
    """First matching case wins; the last case usually has no ``when``."""

    cases: list[PriceCase] = Field(min_length=1)


class ModelEntry(FlowModel):
    id: ModelId
    vendor: str
    category: str
    tasks: list[Identifier] = Field(default_factory=list)
    name: LocalText
    description: LocalText
    examples: list[str] = Field(default_factory=list, max_length=3)
    enabled: bool = True
    disabled_reason: str | None = None
    price: PriceRule | None = None
    input: dict[Identifier, InputField] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _reasoned(self) -> ModelEntry:
        if not self.enabled and not self.disabled_reason:
            raise ValueError("a disabled model needs disabled_reason")
        return self


class Task(FlowModel):
    """A user-facing task on the main menu ("video for Reels"), served by several models."""

    id: Identifier
    name: LocalText
    emoji: str = ""


class CatalogFile(FlowModel):
    tasks: list[Task] = Field(default_factory=list)
    models: list[ModelEntry] = Field(default_factory=list)
