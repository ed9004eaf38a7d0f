"""Drive a form: ask each field in order, check answers, show the summary, submit.

Nothing here is about any particular model: the steps come from the model's ``input`` in the
catalog, the texts from ``form.*`` locale keys, the price and the submission from plug-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from engine.catalog.visibility import effective_values, is_required
from engine.loader.bundle import Bundle, ScreenDef
from engine.plugin import ActionError
from engine.runtime.calls import Calls, render_args
from engine.runtime.context import ActionContext
from engine.runtime.forms.state import (
    SUMMARY,
    FormState,
    active_fields,
    final_values,
    missing_required,
    next_step,
)
from engine.runtime.forms.values import Refusal, check_file, parse_text
from engine.runtime.forms.view import (
    ASK_KEYS,
    ButtonMaker,
    display,
    field_view,
    form_view,
    option_label,
    title_of,
)
from engine.runtime.incoming import FileInfo
from engine.runtime.renderer import Rendered, Renderer
from engine.runtime.view import View, ViewButton
from engine.schema.catalog import FieldType, ModelEntry
from engine.templates import render_inline
from engine.variables import SummaryLine


@dataclass
class Leave:
    """The form is over (done, cancelled or impossible): open this screen."""

    screen: str
    notice: str | None = None
    flash: dict[str, Any] = field(default_factory=dict)


Outcome = Leave | str | None   # leave, stay with a notice, or stay silently


class Forms:
    def __init__(self, bundle: Bundle, renderer: Renderer, calls: Calls) -> None:
        self.bundle = bundle
        self.renderer = renderer
        self.calls = calls

    # ------------------------------------------------------------------ state helpers
    def _state(self, screen: ScreenDef, ctx: ActionContext) -> FormState | None:
        state = FormState.from_json(ctx.session.form) if ctx.session.form else None
        return state if state is not None and state.screen == screen.id else None

    def _entry(self, state: FormState) -> ModelEntry | None:
        found = self.bundle.models.get(state.model)
        return found.entry if found is not None and found.entry.enabled else None

    def _save(self, ctx: ActionContext, state: FormState) -> None:
        ctx.session.form = state.as_json()

    def _t(self, key: str, ctx: ActionContext, **params: Any) -> str:
        return self.renderer.text(key, ctx.session.language, params)

    def _label(self, key: str, ctx: ActionContext, **params: Any) -> str:
        return self.renderer.label(key, ctx.session.language, params)

    # ---------------------------------------------------------------------- lifecycle
    async def start(self, screen: ScreenDef, ctx: ActionContext,
                    context: dict[str, Any]) -> Outcome:
        spec = screen.screen.form
        assert spec is not None
        model = render_inline(spec.model, context).strip()
        state = FormState(screen=screen.id, model=model)
        entry = self._entry(state)
        if entry is None:
            ctx.session.form = {}
            return Leave(screen.resolve(spec.cancel), self._t("form.error_model", ctx))
        if spec.prefill is not None:
            found = await self.calls.run(spec.prefill.query,
                                         render_args(spec.prefill.args, context), ctx)
            values = found.model_dump() if isinstance(found, BaseModel) else dict(found or {})
            state.values = {k: v for k, v in values.get("values", values).items()
                            if k in entry.input}
        state.step = next_step(entry, state)
        self._save(ctx, state)
        return None

    async def render(self, screen: ScreenDef, ctx: ActionContext,
                     context: dict[str, Any]) -> Rendered:
        state = self._state(screen, ctx)
        entry = self._entry(state) if state else None
        if state is None or entry is None:
            raise LookupError(f"no form in progress on {screen.id}")
        language = ctx.session.language
        maker = ButtonMaker(screen.id, ctx.session.version)
        if state.step == SUMMARY:
            return await self._summary(screen, ctx, context, state, entry, maker)
        spec = entry.input[state.step]
        yes, no = self._label("form.yes", ctx), self._label("form.no", ctx)
        names = [n for n, _ in active_fields(entry, state)]
        fview = field_view(state.step, spec, language, yes, no, len(state.pending_files))
        step_no = names.index(state.step) + 1 if state.step in names else len(names)
        header = self.renderer.text(screen.screen.text, language, {
            **context, "form": form_view(entry, language, step_no, len(names))})
        body = self.renderer.text(ASK_KEYS[spec.type], language, {
            "field": fview, "form": form_view(entry, language, step_no, len(names))})
        rows: list[list[ViewButton]] = []
        if spec.type is FieldType.ENUM:
            options = [maker.button(option_label(spec, o.value, language), f"f.o{i}",
                                    op="value", index=i) for i, o in enumerate(spec.options)]
            width = 3 if all(len(b.text) <= 8 for b in options) else 1
            rows += [options[i:i + width] for i in range(0, len(options), width)]
        elif spec.type is FieldType.BOOLEAN:
            rows.append([maker.button(yes, "f.y", op="bool", value=True),
                         maker.button(no, "f.n", op="bool", value=False)])
        elif spec.type is FieldType.FILES and len(state.pending_files) >= max(spec.min_items or 1,
                                                                               1):
            rows.append([maker.button(self._label("form.done", ctx, field=fview), "f.done",
                                      op="done")])
        if not is_required(spec, effective_values(entry, state.values)) and not state.pending_files:
            rows.append([maker.button(self._label("form.skip", ctx, field=fview), "f.skip",
                                      op="skip")])
        rows.append([maker.button(self._label("form.back", ctx), "f.back", op="back"),
                     maker.button(self._label("form.cancel", ctx), "f.cancel", op="cancel")])
        return Rendered(View(f"{header}\n\n{body}" if header else body, rows), maker.actions)

    async def _summary(self, screen: ScreenDef, ctx: ActionContext, context: dict[str, Any],
                       state: FormState, entry: ModelEntry, maker: ButtonMaker) -> Rendered:
        language = ctx.session.language
        yes, no = self._label("form.yes", ctx), self._label("form.no", ctx)
        values = final_values(entry, state)
        lines, edits = [], []
        for i, (name, spec) in enumerate(active_fields(entry, state)):
            shown = display(spec, values[name], language, yes, no) if name in values else "—"
            lines.append(SummaryLine(title=title_of(name, spec, language), value=shown))
            label = self._label("form.edit", ctx,
                                field=field_view(name, spec, language, yes, no))
            edits.append(maker.button(label, f"f.e{i}", op="edit", field=name))
        fview = form_view(entry, language, len(lines), len(lines), lines)
        price = await self._price(screen, ctx, entry, values)
        header = self.renderer.text(screen.screen.text, language, {**context, "form": fview})
        body = self.renderer.text("form.summary", language, {"form": fview, "price": price})
        rows = [edits[i:i + 2] for i in range(0, len(edits), 2)]
        rows.append([maker.button(self._label("form.confirm", ctx), "f.ok", op="confirm")])
        rows.append([maker.button(self._label("form.back", ctx), "f.back", op="back"),
                     maker.button(self._label("form.cancel", ctx), "f.cancel", op="cancel")])
        return Rendered(View(f"{header}\n\n{body}" if header else body, rows), maker.actions)

    async def _price(self, screen: ScreenDef, ctx: ActionContext, entry: ModelEntry,
                     values: dict[str, Any]) -> Any:
        spec = screen.screen.form
        if spec is None or spec.price is None:
            return None
        return await self.calls.run(spec.price, {"model": entry.id, "values": values}, ctx)

    # ------------------------------------------------------------------------ answers
    async def press(self, screen: ScreenDef, ctx: ActionContext,
                    action: dict[str, Any]) -> Outcome:
        state = self._state(screen, ctx)
        entry = self._entry(state) if state else None
        spec = screen.screen.form
        if state is None or entry is None or spec is None:
            return Leave(screen.resolve(spec.cancel) if spec else screen.id)
        op = action.get("op")
        if op == "cancel":
            ctx.session.form = {}
            return Leave(screen.resolve(spec.cancel))
        if op == "back":
            if not state.history:
                ctx.session.form = {}
                return Leave(screen.resolve(spec.cancel))
            state.pending_files = []
            state.step = state.history.pop()
            self._save(ctx, state)
            return None
        if op == "confirm":
            return await self._confirm(screen, ctx, state, entry)
        if op == "edit":
            state.history.append(state.step)
            state.step = str(action["field"])
            self._save(ctx, state)
            return None
        field_spec = entry.input.get(state.step)
        if field_spec is None:
            return None
        if op == "value":
            return self._answer(ctx, state, entry, field_spec.options[int(action["index"])].value)
        if op == "bool":
            return self._answer(ctx, state, entry, bool(action["value"]))
        if op == "done":
            files, state.pending_files = state.pending_files, []
            return self._answer(ctx, state, entry, files)
        if op == "skip":
            state.values.pop(state.step, None)
            state.skipped.append(state.step)
            return self._advance(ctx, state, entry)
        return None

    async def message(self, screen: ScreenDef, ctx: ActionContext, text: str | None,
                      file: FileInfo | None) -> Outcome:
        state = self._state(screen, ctx)
        entry = self._entry(state) if state else None
        if state is None or entry is None or state.step == SUMMARY:
            return self._t("engine.expect_button", ctx)
        spec = entry.input[state.step]
        fview = field_view(state.step, spec, ctx.session.language, "", "",
                           len(state.pending_files))
        if spec.type in (FieldType.FILE, FieldType.FILES):
            if file is None:
                return self._t("form.error_file_kind", ctx, field=fview)
            checked = check_file(spec, file)
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
        if file is not None or text is None:
            return self._t("form.error_use_buttons", ctx, field=fview)
        parsed = parse_text(spec, text)
        if isinstance(parsed, Refusal):
            return self._t(parsed.text_key, ctx, field=fview)
        return self._answer(ctx, state, entry, parsed)

    def _answer(self, ctx: ActionContext, state: FormState, entry: ModelEntry,
                value: Any) -> Outcome:
        state.values[state.step] = value
        if state.step in state.skipped:
            state.skipped.remove(state.step)
        return self._advance(ctx, state, entry)

    def _advance(self, ctx: ActionContext, state: FormState, entry: ModelEntry) -> Outcome:
        state.history.append(state.step)
        state.step = next_step(entry, state)
        self._save(ctx, state)
        return None

    async def _confirm(self, screen: ScreenDef, ctx: ActionContext, state: FormState,
                       entry: ModelEntry) -> Outcome:
        spec = screen.screen.form
        assert spec is not None
        missing = missing_required(entry, state)
        if missing:
            state.step = missing[0]
            self._save(ctx, state)
            return None
        values = final_values(entry, state)
        result: Any = None
        if spec.submit is not None:
            try:
                result = await self.calls.run(spec.submit, {"model": entry.id, "values": values},
                                              ctx)
            except ActionError as err:
                notice = self._t(err.text_key, ctx, **err.params)
                if spec.on_error:
                    ctx.session.form = {}
                    return Leave(screen.resolve(spec.on_error), notice,
                                 {"error": {"text": notice, "key": err.text_key}})
                return notice
        ctx.session.form = {}
        flash = {"result": result.model_dump(mode="json") if isinstance(result, BaseModel)
                 else result} if result is not None else {}
        return Leave(screen.resolve(spec.done), None, flash)
