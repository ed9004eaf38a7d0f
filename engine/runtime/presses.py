"""What a press does: one vocabulary of typed actions, for flow buttons and form steps alike.

The renderer turns each button it shows into one of these, with its arguments already
rendered, and keeps them in the session under the button's key; a press is resolved only
through that map (never from the callback data), and the interpreter and the form controller
dispatch on the type.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class PressModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Go(PressModel):
    """Open a screen with these arguments."""

    kind: Literal["go"] = "go"
    screen: str
    args: dict[str, Any] = {}


class Back(PressModel):
    """Return to the screen before, as it was left."""

    kind: Literal["back"] = "back"


class NextTarget(PressModel):
    """Where a call leads: the screen, and its arguments as templates (they read ``result``)."""

    screen: str
    args: dict[str, Any] = {}


class Call(PressModel):
    """Run a plug-in action, then open ``next`` (``on_error`` when it refuses)."""

    kind: Literal["call"] = "call"
    call: str
    args: dict[str, Any] = {}
    next: NextTarget
    on_error: NextTarget | None = None
    item: Any = None  # the row's item, when the targets' arguments read it


class Page(PressModel):
    """Show another page of a generated block of rows."""

    kind: Literal["page"] = "page"
    row: int
    page: int


class Choose(PressModel):
    """A form step: pick the option at ``index`` of the asked field."""

    kind: Literal["form.choose"] = "form.choose"
    index: int


class Answer(PressModel):
    """A form step: yes or no."""

    kind: Literal["form.answer"] = "form.answer"
    value: bool


class FormOp(PressModel):
    """A form step's move that needs nothing more than its name."""

    kind: Literal[
        "form.done", "form.skip", "form.confirm", "form.back", "form.cancel", "form.add", "form.remove"
    ]


class Browse(PressModel):
    """A form step with many options: show this page of them, narrowed to ``group`` (an index
    into the field's groups; None: all)."""

    kind: Literal["form.browse"] = "form.browse"
    page: int = Field(0, ge=0)
    group: int | None = Field(None, ge=0)


class Edit(PressModel):
    """On the summary: ask this field again."""

    kind: Literal["form.edit"] = "form.edit"
    field: str


Press = Annotated[
    Go | Back | Call | Page | Choose | Answer | FormOp | Browse | Edit, Field(discriminator="kind")
]
FormPress = Choose | Answer | FormOp | Browse | Edit

_PRESS: TypeAdapter[Any] = TypeAdapter(Press)


def stored(press: PressModel) -> dict[str, Any]:
    """A press as the session keeps it (JSON)."""
    return press.model_dump(mode="json")


def restored(data: Any) -> Go | Back | Call | Page | Choose | Answer | FormOp | Browse | Edit | None:
    """A press read back from the session; ``None`` for anything that is not one (old data)."""
    try:
        press: Go | Back | Call | Page | Choose | Answer | FormOp | Browse | Edit = _PRESS.validate_python(
            data
        )
    except ValueError:
        return None
    return press
