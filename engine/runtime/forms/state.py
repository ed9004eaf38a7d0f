"""Where a user is in a form, and which fields apply given the answers so far.

Kept in the session as plain JSON, so a form survives restarts like any screen does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from engine.schema.catalog import InputField, ModelEntry, is_collectable
from engine.schema.visibility import effective_values, is_asked, is_given, is_required

SUMMARY = "__summary"


@dataclass
class FormState:
    screen: str
    model: str
    values: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    step: str = SUMMARY
    editing: bool = False
    pending_files: list[dict[str, Any]] = field(default_factory=list)
    # a list of objects being collected (see ``items``): its items so far, and the item being
    # filled — its answers and which of its fields is asked (None: the list itself is shown)
    items: list[dict[str, Any]] = field(default_factory=list)
    item: dict[str, Any] = field(default_factory=dict)
    item_step: str | None = None
    # how the summary shows values filled from an earlier job (``from_job`` fields)
    shown: dict[str, str] = field(default_factory=dict)
    # set by the prefill: values given in advance that are neither asked nor changed, the only
    # fields asked (None: all), and what is sent for a text field around the answer
    fixed: list[str] = field(default_factory=list)
    only: list[str] | None = None
    compose: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)  # a question's hint, the model's replaced
    # a long choice being browsed: which field (``asked_key``), its page and filter group
    browsing: str = ""
    page: int = 0
    group: int | None = None
    offer: str = ""  # the refusal of the last confirm that the form offers a way past (``offers``)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FormState | None:
        try:
            return cls(**data)
        except TypeError:
            return None


def asked_key(state: FormState) -> str:
    """The field asked now, as one string (``dialogue.voice`` for a field of a list's item)."""
    return f"{state.step}.{state.item_step}" if state.item_step is not None else state.step


def browse(state: FormState) -> tuple[int, int | None]:
    """The page and filter group of the choice asked now (a new question starts at the top)."""
    return (state.page, state.group) if state.browsing == asked_key(state) else (0, None)


def _answers(entry: ModelEntry, state: FormState) -> dict[str, Any]:
    """Answers so far, defaults standing in for the rest: what conditions are judged on."""
    return effective_values(entry, state.values)


def active_fields(entry: ModelEntry, state: FormState) -> list[tuple[str, InputField]]:
    """The fields that apply given the answers so far, in asking order."""
    answers = _answers(entry, state)
    return [
        (name, spec) for name, spec in entry.input.items() if is_collectable(spec) and is_asked(spec, answers)
    ]


def is_offered(name: str, state: FormState) -> bool:
    """Whether the user is asked ``name`` at all (not fixed in advance, not left out)."""
    return name not in state.fixed and (state.only is None or name in state.only)


def asked_steps(entry: ModelEntry, state: FormState) -> list[str]:
    """The fields this user is asked, in order: what the step counter counts. Optional
    technical knobs and fields filled in advance count only once the user opens them."""
    answers = _answers(entry, state)
    seen = {*state.history, state.step}
    names = []
    for name, spec in active_fields(entry, state):
        if spec.from_job is not None or name in state.fixed:
            continue
        asked = is_offered(name, state) and (not spec.advanced or is_required(spec, answers))
        if asked or name in seen:
            names.append(name)
    return names


def move_to(entry: ModelEntry, state: FormState, step: str) -> None:
    """Make ``step`` the field asked; a list of objects reopens with the items it has."""
    state.step = step
    state.pending_files = []
    state.item, state.item_step = {}, None
    spec = entry.input.get(step)
    value = state.values.get(step)
    state.items = [dict(i) for i in value] if spec and spec.is_object_list and isinstance(value, list) else []


def next_step(entry: ModelEntry, state: FormState) -> str:
    """The first active field not yet answered or skipped, else the summary.

    Optional technical knobs (``advanced``) are not asked: they keep their defaults and can
    be changed from the summary. Fields filled from an earlier job are never asked, nor are
    fields the prefill fixed or left out (unless one is required and still empty).
    """
    answers = _answers(entry, state)
    for name, spec in active_fields(entry, state):
        if name in state.values or name in state.skipped or spec.from_job is not None:
            continue
        optional = not is_required(spec, answers)
        if (spec.advanced or not is_offered(name, state)) and optional:
            continue
        return name
    return SUMMARY


def final_values(entry: ModelEntry, state: FormState) -> dict[str, Any]:
    """What is submitted: answers of active fields, defaults for the unanswered optional ones."""
    result: dict[str, Any] = {}
    for name, spec in active_fields(entry, state):
        if name in state.values:
            result[name] = composed(state, name, state.values[name])
        elif spec.default is not None:
            result[name] = spec.default
    return result


def composed(state: FormState, name: str, value: Any) -> Any:
    """A text answer inside the prefill's wording for it (``"{answer}, on white"``), if any."""
    wording = state.compose.get(name)
    if wording is None or not isinstance(value, str):
        return value
    return wording.replace("{answer}", value)


def missing_job_fields(entry: ModelEntry, state: FormState) -> list[str]:
    """Fields that only an earlier job can fill and that are not filled: the form cannot go on."""
    return [name for name in entry.job_fields if not state.values.get(name)]


def missing_required(entry: ModelEntry, state: FormState) -> list[str]:
    values = final_values(entry, state)
    answers = _answers(entry, state)
    return [
        name
        for name, spec in active_fields(entry, state)
        if is_required(spec, answers) and not is_given(values.get(name))
    ]
