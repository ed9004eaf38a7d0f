"""Where the runtime keeps an explorer user, read from the session the way the runtime does:
the screen, the form's model and step, what the screen accepts, what each button does."""

from __future__ import annotations

from typing import Any

from engine.callbacks import CallbackData
from engine.explorer.driver import SUMMARY, Expectation, Place
from engine.loader.bundle import Bundle
from engine.runtime.forms.state import SUMMARY as FORM_SUMMARY
from engine.runtime.forms.state import FormState
from engine.runtime.presses import Answer, Back, Browse, Call, Choose, Edit, FormOp, Go, Page, restored
from engine.runtime.session import Session
from engine.schema.catalog import FieldType, InputField

ROLES = {
    Choose: "answer",
    Answer: "answer",
    Edit: "edit",
    Go: "go",
    Back: "back",
    Call: "call",
    Page: "page",
    Browse: "page",  # another page (or a filter) of a long choice in a form
}
FORM_OPS = {
    "form.done": "done",
    "form.skip": "skip",
    "form.confirm": "confirm",
    "form.back": "back",
    "form.cancel": "cancel",
    "form.add": "add",
    "form.remove": "remove",
}
FILE_KINDS = {"photo": "image", "document": "image", "audio": "audio", "voice": "audio", "video": "video"}


def expectation(spec: InputField | None) -> Expectation:
    if spec is None:
        return Expectation()
    if spec.type in (FieldType.INTEGER, FieldType.NUMBER):
        return Expectation(
            "number", integer=spec.type is FieldType.INTEGER, minimum=spec.minimum, maximum=spec.maximum
        )
    if spec.type is FieldType.STRING:
        return Expectation("text", min_length=spec.min_length, max_length=spec.max_length)
    if spec.type in (FieldType.FILE, FieldType.FILES):
        return Expectation(spec.type.value, media=spec.media.value if spec.media else "image")
    return Expectation()


def form_field(bundle: Bundle, form: FormState) -> InputField | None:
    """The field the form asks now (an item's field inside a list), or None for buttons."""
    found = bundle.models.get(form.model)
    spec = found.entry.input.get(form.step) if found else None
    if spec is not None and spec.is_object_list:
        return spec.items.get(form.item_step) if form.item_step else None
    return spec


def role_of(stored: dict[str, Any]) -> str:
    """What a rendered button does, from the typed press the session keeps for it."""
    press = restored(stored)
    if press is None:
        return "unknown"
    if isinstance(press, FormOp):
        return FORM_OPS[press.kind]
    return ROLES[type(press)]


def place_of(
    bundle: Bundle, session: Session, markup: dict[str, Any] | None
) -> tuple[Place, InputField | None]:
    """The user's place, and the form field asked (for choosing a file to send)."""
    form = FormState.from_json(session.form) if session.form else None
    if form is not None and form.screen != session.screen:
        form = None
    spec = form_field(bundle, form) if form else None
    args_model = session.args.get("model")
    model = form.model if form else (args_model if isinstance(args_model, str) else None)
    step = None
    if form is not None:
        step = SUMMARY if form.step == FORM_SUMMARY else form.step
        if form.item_step:
            step = f"{step}/{form.item_step}"
    expects = expectation(spec)
    screen = bundle.screens.get(session.screen or "")
    if form is None and screen is not None and screen.screen.input is not None:
        accept = list(screen.screen.input.accept)
        if "text" in accept:
            expects = Expectation("text", max_length=60)
        elif accept:
            expects = Expectation("file", media=FILE_KINDS.get(accept[0], "image"))
    roles: dict[str, str] = {}
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = CallbackData.decode(button.get("callback_data"))
            action = session.rendered.get(data.key) if data else None
            if action is not None and data is not None and data.screen == session.screen:
                roles.setdefault(button["text"], role_of(action))
    return Place(session.screen, model, step, expects, roles), spec
