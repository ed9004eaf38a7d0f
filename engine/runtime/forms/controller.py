"""Drive a form: ask each field in order, check answers, show the summary, submit.

Nothing here is about any particular model: the steps come from the model's ``input`` in the
catalog, the texts from ``form.*`` locale keys, the price and the submission from plug-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.files.source import FileSource, NoFiles
from engine.loader.bundle import Bundle, ScreenDef
from engine.plugin import ActionError
from engine.runtime.calls import Calls, render_args
from engine.runtime.context import ActionContext
from engine.runtime.forms import items
from engine.runtime.forms.choices import typed_choice
from engine.runtime.forms.documents import document_text
from engine.runtime.forms.models import BundleModels, ModelSource
from engine.runtime.forms.received import inspect
from engine.runtime.forms.screens import FormScreens
from engine.runtime.forms.state import (
    SUMMARY,
    FormState,
    asked_key,
    final_values,
    missing_job_fields,
    missing_required,
    move_to,
    next_step,
)
from engine.runtime.forms.values import Refusal, check_file, parse_text
from engine.runtime.incoming import FileInfo
from engine.runtime.presses import Answer, Browse, Choose, Edit, FormPress
from engine.runtime.renderer import Rendered, Renderer, plain
from engine.schema.catalog import FieldType, InputField, ModelEntry
from engine.schema.flow import Target
from engine.templates import render_inline


def _preset(state: FormState, entry: ModelEntry, found: dict[str, Any]) -> None:
    """What a prefill may say beyond starting values: ``fixed`` (names of its values that are
    neither asked nor changed), ``ask`` (the only fields asked; the rest keep their defaults)
    ``compose`` (field → wording around the text typed, ``"{answer}, on white"``) and ``hints``
    (field → the hint its question shows instead of the model's)."""
    fixed, ask, compose = found.get("fixed"), found.get("ask"), found.get("compose")
    hints = found.get("hints")
    if isinstance(hints, dict):
        state.hints = {str(k): str(v) for k, v in hints.items() if k in entry.input and v}
    if isinstance(fixed, list):
        state.fixed = [str(n) for n in fixed if n in state.values]
    if isinstance(ask, list):
        state.only = [str(n) for n in ask if n in entry.input]
    if isinstance(compose, dict):
        state.compose = {str(k): str(v) for k, v in compose.items() if k in entry.input}


@dataclass
class Leave:
    """The form is over (done, cancelled or impossible): open this screen with these args."""

    screen: str
    args: dict[str, Any] = field(default_factory=dict)
    notice: str | None = None


Outcome = Leave | str | None  # leave, stay with a notice, or stay silently


class Forms:
    def __init__(
        self,
        bundle: Bundle,
        renderer: Renderer,
        calls: Calls,
        models: ModelSource | None = None,
        files: FileSource | None = None,
    ) -> None:
        self.bundle = bundle
        self.files: FileSource = files or NoFiles()
        self.models: ModelSource = models or BundleModels(bundle)
        self.renderer = renderer
        self.calls = calls
        self.screens = FormScreens(renderer, calls)

    # ------------------------------------------------------------------ state helpers
    def _state(self, screen: ScreenDef, ctx: ActionContext) -> FormState | None:
        state = FormState.from_json(ctx.session.form) if ctx.session.form else None
        return state if state is not None and state.screen == screen.id else None

    def _entry(self, state: FormState) -> ModelEntry | None:
        return self.models.enabled_model(state.model)

    def _save(self, ctx: ActionContext, state: FormState) -> None:
        ctx.session.form = state.as_json()

    @staticmethod
    def _leave(
        screen: ScreenDef, target: Target, ctx: ActionContext, notice: str | None = None, **scope: Any
    ) -> Leave:
        """Where the form leads, its arguments rendered with the form screen's ``args``
        (and the submission's ``result`` or ``error``, when there is one)."""
        context = {"user": ctx.user_view(), "args": ctx.session.args, **scope}
        return Leave(screen.resolve(target.screen), render_args(target.args, context), notice)

    def _t(self, key: str, ctx: ActionContext, **params: Any) -> str:
        return self.renderer.text(key, ctx.session.language, params)

    def _label(self, key: str, ctx: ActionContext, **params: Any) -> str:
        return self.renderer.label(key, ctx.session.language, params)

    # ---------------------------------------------------------------------- lifecycle
    async def start(self, screen: ScreenDef, ctx: ActionContext, context: dict[str, Any]) -> Outcome:
        spec = screen.screen.form
        assert spec is not None
        model = render_inline(spec.model, context).strip()
        state = FormState(screen=screen.id, model=model)
        entry = self._entry(state)
        if entry is None:
            ctx.session.form = {}
            return self._leave(screen, spec.cancel, ctx, self._t("form.error_model", ctx))
        if spec.prefill is not None:
            found = await self.calls.run(spec.prefill.query, render_args(spec.prefill.args, context), ctx)
            values = plain(found) if found is not None else {}
            state.values = {k: v for k, v in values.get("values", values).items() if k in entry.input}
            shown = values.get("shown")
            state.shown = {str(k): str(v) for k, v in shown.items()} if isinstance(shown, dict) else {}
            _preset(state, entry, values)
        if missing_job_fields(entry, state):  # opened from a menu, not from under a result
            ctx.session.form = {}
            raise ActionError("form.error_needs_job")
        move_to(entry, state, next_step(entry, state))
        self._save(ctx, state)
        return None

    async def render(self, screen: ScreenDef, ctx: ActionContext, context: dict[str, Any]) -> Rendered:
        state = self._state(screen, ctx)
        entry = self._entry(state) if state else None
        if state is None or entry is None:
            raise LookupError(f"no form in progress on {screen.id}")
        if state.step == SUMMARY:
            return await self.screens.summary(screen, ctx, context, state, entry)
        return self.screens.step(screen, ctx, context, state, entry)

    # ------------------------------------------------------------------------ answers
    async def press(self, screen: ScreenDef, ctx: ActionContext, press: FormPress) -> Outcome:
        state = self._state(screen, ctx)
        entry = self._entry(state) if state else None
        spec = screen.screen.form
        assert spec is not None, "form presses are rendered on form screens only"
        if state is None or entry is None:
            ctx.session.form = {}
            return self._leave(screen, spec.cancel, ctx, self._t("form.error_model", ctx))
        kind = press.kind
        if kind == "form.cancel":
            ctx.session.form = {}
            return self._leave(screen, spec.cancel, ctx)
        if kind == "form.back":
            return self._back(screen, ctx, state, entry)
        if kind == "form.confirm":
            return await self._confirm(screen, ctx, state, entry)
        if isinstance(press, Edit):
            field_spec = entry.input.get(press.field)
            if field_spec is None or field_spec.from_job is not None or press.field in state.fixed:
                return None  # filled from an earlier job or fixed in advance: never typed in
            state.history.append(state.step)
            move_to(entry, state, press.field)
            self._save(ctx, state)
            return None
        asked = self._asked(entry, state)
        if asked is None:
            return None
        if isinstance(press, Browse):  # another page of a long choice, or a filter
            if asked.type is FieldType.ENUM:
                state.browsing, state.page = asked_key(state), press.page
                state.group = (
                    press.group if press.group is not None and press.group < len(asked.groups) else None
                )
                self._save(ctx, state)
            return None
        if asked.is_object_list:
            return self._list_press(ctx, state, entry, asked, kind)
        if isinstance(press, Choose):
            if not 0 <= press.index < len(asked.options):
                return None
            return self._answer(ctx, state, entry, asked.options[press.index].value)
        if isinstance(press, Answer):
            return self._answer(ctx, state, entry, press.value)
        if kind == "form.done":
            files, state.pending_files = state.pending_files, []
            return self._answer(ctx, state, entry, files)
        if kind == "form.skip":
            return self._skip(ctx, state, entry)
        return None

    @staticmethod
    def _asked(entry: ModelEntry, state: FormState) -> InputField | None:
        """The field asked now: a top-level one, a list's own screen, or a field of its item."""
        spec = entry.input.get(state.step)
        if spec is not None and state.item_step is not None:
            return spec.items.get(state.item_step)
        return spec

    def _list_press(
        self, ctx: ActionContext, state: FormState, entry: ModelEntry, spec: InputField, kind: str
    ) -> Outcome:
        """A press on a list of objects' own screen: Add, Remove last, Done or Skip."""
        refusal: Refusal | None = None
        if kind == "form.add":
            refusal = items.add(spec, state)
        elif kind == "form.remove":
            items.remove_last(state)
        elif kind == "form.done":
            done = items.finished(spec, state)
            if not isinstance(done, Refusal):
                return self._answer(ctx, state, entry, done)
            refusal = done
        elif kind == "form.skip" and not state.items:
            return self._skip(ctx, state, entry)
        if refusal is not None:  # refused: nothing changes
            shown = self.screens.field(state.step, spec, ctx, collected=state.items)
            return self._t(refusal.text_key, ctx, field=shown)
        self._save(ctx, state)
        return None

    def _back(self, screen: ScreenDef, ctx: ActionContext, state: FormState, entry: ModelEntry) -> Outcome:
        spec = entry.input.get(state.step)
        if spec is not None and state.item_step is not None:
            items.back(spec, state)
        elif not state.history:
            ctx.session.form = {}
            form = screen.screen.form
            assert form is not None
            return self._leave(screen, form.cancel, ctx)
        else:
            move_to(entry, state, state.history.pop())
        self._save(ctx, state)
        return None

    async def message(
        self, screen: ScreenDef, ctx: ActionContext, text: str | None, file: FileInfo | None
    ) -> Outcome:
        state = self._state(screen, ctx)
        entry = self._entry(state) if state else None
        spec = self._asked(entry, state) if state and entry else None
        if state is None or entry is None or spec is None:
            return self._t("engine.expect_button", ctx)
        name = state.item_step or state.step
        fview = self.screens.field(name, spec, ctx, len(state.pending_files))
        if spec.type in (FieldType.FILE, FieldType.FILES):
            if file is None:
                return self._t("form.error_file_kind", ctx, field=fview)
            checked = check_file(spec, file)
            if not isinstance(checked, Refusal):
                checked = await inspect(spec, checked, self.files)
            if isinstance(checked, Refusal):
                return self._t(checked.text_key, ctx, field=fview)
            if spec.type is FieldType.FILE:
                return self._answer(ctx, state, entry, checked)
            state.pending_files.append(checked)
            if spec.max_items is not None and len(state.pending_files) >= spec.max_items:
                files, state.pending_files = state.pending_files, []
                return self._answer(ctx, state, entry, files)
            self._save(ctx, state)
            return None
        parsed: Any
        if file is not None and spec.type is FieldType.STRING:
            parsed = await document_text(spec, file, self.files)  # a long text as a .txt
        elif file is not None or text is None:  # a file where a number or a choice is asked
            return self._t("form.error_needs", ctx, field=fview)
        elif (
            spec.type is FieldType.ENUM
            and (found := typed_choice(spec, text, ctx.session.language)) is not None
        ):
            parsed = spec.options[found].value  # a choice typed by its name
        else:
            parsed = parse_text(spec, text)
        if isinstance(parsed, Refusal):
            return self._t(parsed.text_key, ctx, field=fview)
        return self._answer(ctx, state, entry, parsed)

    def _answer(self, ctx: ActionContext, state: FormState, entry: ModelEntry, value: Any) -> Outcome:
        """The asked field (of an item, when one is being filled) gets ``value``."""
        spec = entry.input[state.step]
        if state.item_step is not None:
            items.answer(spec, state, value)
            self._save(ctx, state)
            return None
        state.values[state.step] = value
        state.offer = ""
        if state.step in state.skipped:
            state.skipped.remove(state.step)
        return self._advance(ctx, state, entry)

    def _skip(self, ctx: ActionContext, state: FormState, entry: ModelEntry) -> Outcome:
        if state.item_step is not None:
            items.skip(entry.input[state.step], state)
            self._save(ctx, state)
            return None
        state.values.pop(state.step, None)
        state.skipped.append(state.step)
        return self._advance(ctx, state, entry)

    def _advance(self, ctx: ActionContext, state: FormState, entry: ModelEntry) -> Outcome:
        state.history.append(state.step)
        move_to(entry, state, next_step(entry, state))
        self._save(ctx, state)
        return None

    async def _confirm(
        self, screen: ScreenDef, ctx: ActionContext, state: FormState, entry: ModelEntry
    ) -> Outcome:
        spec = screen.screen.form
        assert spec is not None
        state.offer = ""
        if missing_job_fields(entry, state):
            ctx.session.form = {}
            return self._leave(screen, spec.cancel, ctx, self._t("form.error_needs_job", ctx))
        missing = missing_required(entry, state)
        if missing:
            move_to(entry, state, missing[0])
            self._save(ctx, state)
            return None
        values = final_values(entry, state)
        result: Any = None
        if spec.submit is not None:
            try:
                result = await self.calls.run(spec.submit, {"model": entry.id, "values": values}, ctx)
            except ActionError as err:
                notice = self._t(err.text_key, ctx, **err.params)
                if any(offer.when == err.text_key for offer in spec.offers):
                    state.offer = err.text_key  # the summary offers a way past it
                    self._save(ctx, state)
                    return notice
                if spec.on_error:
                    ctx.session.form = {}
                    return self._leave(
                        screen, spec.on_error, ctx, notice, error={"text": notice, "key": err.text_key}
                    )
                return notice
        ctx.session.form = {}
        return self._leave(screen, spec.done, ctx, result=plain(result))
