"""The model catalog language: ``models/*.yaml``, one entry per Kie.ai model.

A model's ``input`` is a JSON-Schema-like description from which the form machinery builds
its collection steps, in YAML order; its ``price`` is a rule in Kie.ai credits that depends on
the chosen values, so the price shown before confirming is the price charged.

Cross-field rules a form honours (each names fields asked *earlier*):

- ``ask_when: {mode: [pro]}`` — ask only when ``mode`` has one of these values;
- ``requires: [first_frame_url]`` — ask only when those fields were given;
- ``excludes: [first_frame_url]`` — ask only when none of those fields was given;
- ``required_unless: [reference_image_urls]`` — optional, but required when none of those
  fields was given ("at least one of").

A field that is not asked is not sent, so Kie applies its own default, which ``default`` mirrors.

A ``list`` field with ``items`` is a list of objects (ElevenLabs' dialogue lines, Sora's
shots): the form collects it item by item, each item's fields asked like top-level ones.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from engine.schema.flow import FlowModel, Identifier

ModelId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$", max_length=120)]
#: a field, or ``list.item_field`` — a field of a list's items (a price per characters of all lines)
FieldPath = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")]
ApiName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
Scalar = str | int | float | bool
#: a text the same in both languages: what a plain string stands for where a LocalText goes
OneText = Annotated[str, StringConstraints(min_length=1)]
#: as written: a field's allowed values, one value standing for a list of it
Condition = dict[Identifier, list[Scalar] | Scalar]

#: 1 Kie.ai credit in USD (kie_api.md §5.2)
CREDIT_USD = Decimal("0.005")


def canonical(value: Any) -> Any:
    """One spelling per value, so ``"5"`` (an enum sent as a string) matches ``5`` in a rule."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        return number.normalize() if number.is_finite() else value
    return value


#: the key of a validation context's dict of shared parts (see ``Shared``)
SHARED = "shared"


class Shared(FlowModel):
    """A part of the catalog that models repeat word for word: a field ("prompt"), an option
    ("16:9"), a label. Validated with ``context={SHARED: {}}`` (as the loader does), the same
    written part gives the very same immutable object, once validated: the shipped catalog's
    5,500 such parts are 1,650 different ones (2 MB less in every process).
    Other validation (a part built in code) makes a new object as usual."""

    @model_validator(mode="wrap")
    @classmethod
    def _one_of_each(cls, value: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo) -> Self:
        shared = info.context.get(SHARED) if isinstance(info.context, dict) else None
        if shared is None or not isinstance(value, dict):
            return handler(value)
        key = (cls, repr(value))  # plain YAML data: equal reprs are equal data of equal types
        found: Self | None = shared.get(key)
        if found is None:
            found = shared[key] = handler(value)
        return found


class LocalText(Shared):
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
    # kinds the reference knows but a chat cannot collect (the linter rejects them), except a
    # list whose ``items`` describe its objects
    OBJECT = "object"
    LIST = "list"


#: scalar and file types: what a form asks directly (and what a list's items may hold)
COLLECTABLE = frozenset(
    {
        FieldType.STRING,
        FieldType.INTEGER,
        FieldType.NUMBER,
        FieldType.BOOLEAN,
        FieldType.ENUM,
        FieldType.FILE,
        FieldType.FILES,
    }
)


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


TIMED_MEDIA = frozenset({MediaKind.VIDEO, MediaKind.AUDIO})


class FromJob(StrEnum):
    """What a field takes from the user's earlier finished job (see ``FollowUp``)."""

    TASK_ID = "task_id"  # the job's Kie.ai task id
    TRACK_ID = "track_id"  # the id of the result item (a Suno track) the user picked


class EnumOption(Shared):
    value: Scalar
    label: LocalText | None = Field(
        None, description="A plain string is the same label in both languages (a voice's name)."
    )

    @field_validator("label", mode="before", json_schema_input_type=LocalText | OneText | None)
    @classmethod
    def _same_everywhere(cls, value: Any) -> Any:
        return {"ru": value, "en": value} if isinstance(value, str) else value


class OptionGroup(FlowModel):
    """A filter a long choice offers ("female voices"): its label and the option values in it."""

    label: LocalText
    values: list[Scalar] = Field(min_length=1)

    @field_validator("label", mode="before", json_schema_input_type=LocalText | OneText)
    @classmethod
    def _same_everywhere(cls, value: Any) -> Any:
        return {"ru": value, "en": value} if isinstance(value, str) else value


class InputField(Shared):
    type: FieldType
    required: bool = False
    default: Any = None
    title: LocalText | None = None
    hint: LocalText | None = None
    advanced: bool = Field(False, description="A technical knob a form may tuck under 'more settings'.")
    options: list[EnumOption] = Field(default_factory=list)
    groups: list[OptionGroup] = Field(
        default_factory=list,
        description="Filters of a long choice (voices by gender): a form pages the options "
        "and lets the user narrow them to one group.",
    )
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = Field(None, ge=0)
    max_length: int | None = Field(None, ge=1)
    media: MediaKind | None = None
    accept: list[str] = Field(default_factory=list, description="Accepted MIME types.")
    max_mb: float | None = Field(None, gt=0)
    max_seconds: int | None = Field(
        None,
        ge=1,
        description="Longest audio/video accepted: the form refuses longer media (or "
        "media whose length it cannot tell) because the price is per second.",
    )
    min_items: int | None = Field(None, ge=0)
    max_items: int | None = Field(None, ge=1)
    send_as: Annotated[str, StringConstraints(pattern="^(string|number)$")] | None = None
    send: bool = Field(
        True,
        description="False: asked and priced by the bot, never sent to Kie.ai "
        "(how many outputs to pay for, where Kie decides it).",
    )
    api_name: ApiName | None = Field(None, description="Kie's key when it is not a valid field id.")
    ask_when: dict[Identifier, list[Scalar]] = Field(
        default_factory=dict, description="Ask only when these fields have one of these values."
    )
    requires: list[Identifier] = Field(
        default_factory=list, description="Ask only when all these fields were given."
    )
    excludes: list[Identifier] = Field(
        default_factory=list, description="Ask only when none of these fields was given."
    )
    required_unless: list[Identifier] = Field(
        default_factory=list, description="Required when none of these fields was given."
    )
    items: dict[Identifier, InputField] = Field(
        default_factory=dict,
        description="A list of objects: the fields of one item, asked in "
        "this order; ``min_items``/``max_items`` bound the count.",
    )
    from_job: FromJob | None = Field(
        None,
        description="Never asked: filled from the user's own finished job of one of the "
        "model's ``follow_up.after`` models (its task id, or a track's id).",
    )

    @field_validator("options", mode="before", json_schema_input_type=list[EnumOption | Scalar])
    @classmethod
    def _plain_values(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [v if isinstance(v, dict) else {"value": v} for v in value]
        return value

    @field_validator("ask_when", mode="before", json_schema_input_type=Condition)
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _consistent(self) -> InputField:
        if self.type is FieldType.ENUM and not self.options:
            raise ValueError("an enum field needs options")
        _distinct_options(self.options)
        if self.groups:
            if self.type is not FieldType.ENUM:
                raise ValueError("groups belong to an enum field")
            known = {canonical(o.value) for o in self.options}
            for group in self.groups:
                strays = [v for v in group.values if canonical(v) not in known]
                if strays:
                    raise ValueError(f"group {group.label.en!r} names values that are not options: {strays}")
        if self.type in (FieldType.FILE, FieldType.FILES) and self.media is None:
            raise ValueError("a file field needs media: image, video or audio")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum is greater than maximum")
        if self.min_items is not None and self.max_items is not None and self.min_items > self.max_items:
            raise ValueError("min_items is greater than max_items")
        if self.max_seconds is not None and self.media not in TIMED_MEDIA:
            raise ValueError("max_seconds belongs to an audio or video field")
        if self.items and self.type is not FieldType.LIST:
            raise ValueError("items belong to a list field")
        for name, item in self.items.items():
            if item.is_conditional or item.required_unless:
                raise ValueError(f"item field {name} cannot depend on other fields")
            if item.from_job is not None:
                raise ValueError(f"item field {name} cannot be filled from a job")
        if self.from_job is not None and (
            self.type is not FieldType.STRING or not self.required or self.is_conditional
        ):
            raise ValueError("a from_job field is a required, unconditional string")
        return self

    @property
    def is_conditional(self) -> bool:
        return bool(self.ask_when or self.requires or self.excludes)

    @property
    def is_object_list(self) -> bool:
        """A list of objects whose fields are described (and so can be asked)."""
        return self.type is FieldType.LIST and bool(self.items)


def _distinct_options(options: list[EnumOption]) -> None:
    """Two buttons of one question never read the same, nor stand for the same value."""
    values: set[Any] = set()
    labels: dict[str, set[str]] = {"ru": set(), "en": set()}
    for option in options:
        value = canonical(option.value)
        if value in values:
            raise ValueError(f"option {option.value!r} is listed twice")
        values.add(value)
        for language, seen in labels.items():
            label = option.label.get(language) if option.label else str(option.value)
            if label in seen:
                raise ValueError(f"two options read {label!r} ({language}): tell them apart")
            seen.add(label)


def is_collectable(field: InputField) -> bool:
    """Whether a chat form can ask ``field``: a scalar or file, or a list of objects whose
    item fields all are (lists of objects do not nest: a chat would lose its way)."""
    if field.type in COLLECTABLE:
        return True
    return field.is_object_list and all(f.type in COLLECTABLE for f in field.items.values())


class PriceCase(Shared):
    """``credits`` per unit; the units come from ``per`` (1 when absent), divided by ``unit``.

    What one unit of ``per`` is depends on the field: a number's value, a string's length in
    characters, the length in seconds of audio/video (all files of a ``files`` field together),
    the count of a ``files`` field of images, the count of a list's items. ``list.field`` sums
    that item field's amounts over the items (``dialogue.text``: characters of all lines). A
    list of fields takes the largest of them (e.g. the longer of a lip-sync's video and audio).
    """

    when: dict[Identifier, list[Scalar]] = Field(default_factory=dict)
    credits: Decimal = Field(ge=0, description="Kie.ai credits (1 credit = $0.005).")
    per: FieldPath | list[FieldPath] | None = Field(
        None, description="Multiply by this field's amount (see the class docstring)."
    )
    unit: Decimal = Field(Decimal(1), gt=0, description="Price is per this many units (1000 chars).")

    @field_validator("when", mode="before", json_schema_input_type=Condition)
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        return value

    @field_validator("credits", "unit", mode="before")
    @classmethod
    def _exact(cls, value: Any) -> Any:
        return Decimal(str(value)) if isinstance(value, float) else value

    @property
    def per_fields(self) -> tuple[str, ...]:
        if self.per is None:
            return ()
        return (self.per,) if isinstance(self.per, str) else tuple(self.per)


class PriceRule(FlowModel):
    """First matching case wins; the last case usually has no ``when``."""

    cases: list[PriceCase] = Field(min_length=1)
    source: str | None = Field(None, description="Where the figures come from, and their date.")
    note: str | None = Field(None, description="How the source was read (worst cases, gaps).")

    def fields(self) -> tuple[str, ...]:
        """Every (top-level) field the price depends on, in first-seen order."""
        seen: dict[str, None] = {}
        for case in self.cases:
            seen.update(dict.fromkeys(case.when))
            seen.update(dict.fromkeys(p.split(".", 1)[0] for p in case.per_fields))
        return tuple(seen)


class FollowUp(FlowModel):
    """A model that works on an earlier result: its button goes under results of ``after``."""

    after: list[ModelId] = Field(min_length=1, description="Models whose results it works on.")
    label: LocalText = Field(description="The button under such a result (short: 'Extend').")


class CardText(FlowModel):
    """What a model card says in one language: what the model is good for, and prompts to try."""

    description: str = Field(min_length=1)
    examples: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list, max_length=3, description="Example prompts, in the card's language."
    )


class ModelTexts(FlowModel):
    """A model's editor-owned texts (``texts:`` of ``models/texts/*.yaml``), keyed by model id.

    They live apart from the generated catalog so that re-running the importer never touches
    them; the loader lays them over the model at load time. ``name`` replaces the generated one.
    """

    name: LocalText | None = None
    ru: CardText | None = None
    en: CardText | None = None

    def get(self, language: str) -> CardText | None:
        return self.en if language == "en" else self.ru


class ModelEntry(FlowModel):
    id: ModelId
    vendor: str
    category: str
    tasks: list[Identifier] = Field(default_factory=list)
    name: LocalText
    description: LocalText | None = Field(
        None, description="A plain description (drafts); the texts of models/texts/ win over it."
    )
    texts: ModelTexts | None = Field(
        None, description="Filled in at load time from models/texts/*.yaml; never written here."
    )
    enabled: bool = True
    disabled_reason: str | None = None
    notes: list[str] = Field(default_factory=list, description="For editors: how the source was read.")
    price: PriceRule | None = None
    input: dict[Identifier, InputField] = Field(default_factory=dict)
    follow_up: FollowUp | None = Field(
        None, description="Opened from a button under an earlier result, never from a menu."
    )

    @model_validator(mode="after")
    def _reasoned(self) -> ModelEntry:
        if not self.enabled and not self.disabled_reason:
            raise ValueError("a disabled model needs disabled_reason")
        return self

    def describe(self, language: str) -> str:
        """The card's description in ``language``: the editors' text, else the plain one."""
        card = self.texts.get(language) if self.texts else None
        if card is not None:
            return card.description
        return self.description.get(language) if self.description else ""

    def examples(self, language: str) -> list[str]:
        """Example prompts in ``language`` (none when editors wrote none in it)."""
        card = self.texts.get(language) if self.texts else None
        return list(card.examples) if card is not None else []

    @property
    def job_fields(self) -> dict[str, FromJob]:
        """Fields filled from an earlier job (never asked), and what each takes from it."""
        return {name: f.from_job for name, f in self.input.items() if f.from_job is not None}
