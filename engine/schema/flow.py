"""The flow language: what a product editor writes in ``flows/*.yaml``.

Every field here is data the linter can follow: a button's target, an action's name and its
arguments, a query behind generated rows. Screen references are ``screen`` (same file) or
``namespace.screen`` (another file); texts are locale keys, never literal prose.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
# a screen in this file, or `namespace.screen`; a file in a sub-folder has a dotted namespace
ScreenRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
OperationRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
TextKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")]
Args = dict[str, Any]


class FlowModel(BaseModel):
    """A part of the flow or catalog language. Its validation is built on first use: a start
    that reads back a remembered bundle (``engine.loader.snapshot``) validates no YAML."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Param(FlowModel):
    """One parameter a screen takes: its type, and whether it may be left out."""

    type: Identifier = Field(
        description="text, integer, number, boolean, choice, or a plug-in's "
        "type (model, task, job, receipt, setting)."
    )
    values: list[str] | None = Field(None, description="The allowed values of a `choice`.")
    optional: bool = Field(False, description="May be left out; then it is none.")

    @model_validator(mode="after")
    def _choice_values(self) -> Param:
        if (self.type == "choice") != (self.values is not None):
            raise ValueError("`values` belong to a parameter of type choice, and it needs them")
        return self


def _param_shorthand(value: Any) -> Any:
    """``model`` is a required model, ``optional job`` a job that may be left out,
    ``[a, b]`` a choice of those values."""
    if isinstance(value, str):
        kind = value.removeprefix("optional ").strip()
        return {"type": kind, "optional": kind != value.strip()}
    if isinstance(value, list):
        return {"type": "choice", "values": value}
    return value


ParamShorthand = Annotated[str, StringConstraints(pattern=r"^(optional )?[a-z][a-z0-9_]*$")]
ParamSpec = Annotated[
    Param, BeforeValidator(_param_shorthand, json_schema_input_type=ParamShorthand | list[str] | Param)
]


class Target(FlowModel):
    """A screen to open, with the arguments it takes (templates may read ``result``/``error``)."""

    screen: ScreenRef
    args: Args = Field(default_factory=dict)


def _target_shorthand(value: Any) -> Any:
    return {"screen": value} if isinstance(value, str) else value


#: a screen name, or ``{screen, args}``
TargetSpec = Annotated[Target, BeforeValidator(_target_shorthand, json_schema_input_type=ScreenRef | Target)]


class Button(FlowModel):
    """One inline button. Exactly one of ``go``, ``call``, ``url`` or ``back`` says what it does."""

    text: TextKey = Field(description="Locale key of the label; the text may use {{ item }} in rows.")
    go: ScreenRef | None = Field(None, description="Open this screen.")
    call: OperationRef | None = Field(None, description="Run this plug-in action, then open `next`.")
    url: str | None = Field(None, description="Open this link (a template).")
    back: bool = Field(False, description="Return to the previous screen.")
    args: Args = Field(default_factory=dict, description="Arguments; values may be templates.")
    next: TargetSpec | None = Field(
        None, description="After `call` succeeds, open this screen (its args may use {{ result }})."
    )
    on_error: TargetSpec | None = Field(
        None, description="After `call` fails, open this screen (its args may use {{ error }})."
    )
    guard: Identifier | None = Field(None, description="Show the button only to users passing it.")

    @model_validator(mode="after")
    def _one_behaviour(self) -> Button:
        chosen = [k for k in ("go", "call", "url") if getattr(self, k)] + (["back"] if self.back else [])
        if len(chosen) != 1:
            raise ValueError(
                "a button needs exactly one of go, call, url or back"
                + (f" (it has {', '.join(chosen)})" if chosen else "")
            )
        if self.call is None and (self.next or self.on_error):
            raise ValueError("next and on_error belong to a button with call")
        if self.call is not None and self.next is None:
            raise ValueError("a button with call needs next: the screen to open after the action")
        if self.args and (self.url or self.back):
            raise ValueError("args belong to a button with go or call")
        return self

    @property
    def target(self) -> str | None:
        return self.go or (self.next.screen if self.next else None)


class ForEach(FlowModel):
    """A block of rows generated from a plug-in query, one button per item, paged."""

    for_each: OperationRef = Field(description="Plug-in query returning the items.")
    args: Args = Field(default_factory=dict)
    button: Button
    columns: int = Field(1, ge=1, le=4)
    page_size: int = Field(8, ge=1, le=50)


def _row_kind(value: Any) -> str:
    return "for_each" if isinstance(value, dict | ForEach) else "buttons"


Row = Annotated[
    Annotated[list[Button], Tag("buttons")] | Annotated[ForEach, Tag("for_each")],
    Discriminator(_row_kind),
]


class InputKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    DOCUMENT = "document"
    AUDIO = "audio"
    VOICE = "voice"
    VIDEO = "video"


class Input(FlowModel):
    """What free input (a message rather than a press) does on a screen."""

    accept: list[InputKind] = Field(default_factory=lambda: [InputKind.TEXT], min_length=1)
    call: OperationRef | None = Field(None, description="Action receiving {{ input }}.")
    args: Args = Field(default_factory=dict)
    next: TargetSpec = Field(
        description="The screen after the input (its args may use {{ input }}, "
        "and {{ result }} after a call)."
    )
    on_error: TargetSpec | None = None

    @field_validator(
        "accept",
        mode="before",
        json_schema_input_type=InputKind | Annotated[list[InputKind], Field(min_length=1)],
    )
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class QueryCall(FlowModel):
    query: OperationRef
    args: Args = Field(default_factory=dict)


class ActionCall(FlowModel):
    call: OperationRef
    args: Args = Field(default_factory=dict)
    save_as: Identifier | None = Field(
        None, description="Template variable holding the action's result on this screen."
    )


class Media(FlowModel):
    kind: InputKind = InputKind.PHOTO
    source: str = Field(description="A URL, a Telegram file id, or a template giving one.")


class FormOffer(FlowModel):
    """A way past a refusal of the form's ``submit`` (not enough money → top up): the summary
    shows the refusal with this button, which opens ``screen`` keeping the form to come back
    to (Back, or ``Runtime.back_to_form`` once the way is done)."""

    when: TextKey = Field(description="The refusal's text key (an ActionError of submit).")
    text: TextKey = Field(description="Locale key of the button's label.")
    screen: ScreenRef
    args: Args = Field(default_factory=dict)


class FormSpec(FlowModel):
    """A form generated from a model's input_schema; the steps are not written by hand.

    The summary shows every value and, when ``price`` is set, what that query returns for the
    chosen values; confirming calls ``submit`` with ``{model, values}`` and opens ``done``,
    whose args may read the submission's ``result``.
    """

    model: str = Field(description="Model id, or a template giving one (e.g. {{ args.model }}).")
    prefill: QueryCall | None = Field(
        None, description="Query giving starting values (e.g. those of an earlier job)."
    )
    price: OperationRef | None = Field(None, description="Query: price of {model, values}.")
    submit: OperationRef | None = Field(None, description="Action run on confirm.")
    done: TargetSpec = Field(description="Screen after the summary is confirmed.")
    on_error: TargetSpec | None = Field(None, description="Screen when submit fails.")
    cancel: TargetSpec = Field(description="Screen after the form is cancelled (or left by Back).")
    offers: list[FormOffer] = Field(
        default_factory=list, description="Buttons offered on the summary when submit refuses."
    )


class Screen(FlowModel):
    params: dict[Identifier, ParamSpec] = Field(
        default_factory=dict,
        description="What the screen takes: every way here passes them, templates read {{ args.* }}.",
    )
    text: TextKey = Field(description="Locale key of the message text.")
    media: Media | None = None
    guard: Identifier | None = None
    data: dict[Identifier, QueryCall] = Field(
        default_factory=dict, description="Template variables filled by plug-in queries."
    )
    on_enter: list[ActionCall] = Field(default_factory=list)
    keyboard: list[Row] = Field(default_factory=list)
    input: Input | None = None
    form: FormSpec | None = None

    @field_validator("keyboard", mode="before", json_schema_input_type=list[list[Button] | ForEach | Button])
    @classmethod
    def _single_button_rows(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [[row] if isinstance(row, dict) and "for_each" not in row else row for row in value]
        return value

    @field_validator("data", mode="before", json_schema_input_type=dict[Identifier, QueryCall | OperationRef])
    @classmethod
    def _query_shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ({"query": v} if isinstance(v, str) else v) for k, v in value.items()}
        return value


class Split(FlowModel):
    """An A/B test on a screen: every way to ``screen`` opens one of ``variants`` instead,
    chosen per user by weight (the same user always gets the same one, on every instance).

    ``screen`` may itself be a variant (the screen as it was is then variant A). Once an admin
    picks a winner in the bot, everyone gets that variant; the YAML still says what exists.
    """

    screen: ScreenRef = Field(description="The screen under test: every way to it goes through the split.")
    variants: dict[ScreenRef, int] = Field(
        description="Variant screen → weight (a positive whole number; shares are weight / total)."
    )


class Command(FlowModel):
    screen: ScreenRef
    description: TextKey | None = Field(None, description="Locale key shown in Telegram's menu.")


class FlowFile(FlowModel):
    """One ``flows/*.yaml`` file: a namespace of screens and the commands that open them."""

    namespace: Identifier | None = Field(None, description="Defaults to the file name.")
    guard: Identifier | None = Field(None, description="Guard applied to every screen here.")
    commands: dict[Identifier, Command] = Field(default_factory=dict)
    screens: dict[Identifier, Screen] = Field(default_factory=dict)
    splits: dict[Identifier, Split] = Field(
        default_factory=dict, description="A/B tests on this file's screens (see Split)."
    )

    @field_validator("commands", mode="before", json_schema_input_type=dict[Identifier, Command | ScreenRef])
    @classmethod
    def _command_shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ({"screen": v} if isinstance(v, str) else v) for k, v in value.items()}
        return value
