"""A form's screens: the step asking one field (or a list of objects, or a field of its item)
and the summary with the price. Texts come from ``form.*`` locale keys."""

from __future__ import annotations

from typing import Any

from engine.loader.bundle import ScreenDef
from engine.runtime.calls import Calls, render_args
from engine.runtime.context import ActionContext
from engine.runtime.forms import items
from engine.runtime.forms.choices import choice_rows
from engine.runtime.forms.state import FormState, active_fields, asked_steps, browse, final_values
from engine.runtime.forms.view import (
    ASK_KEYS,
    ButtonMaker,
    display,
    field_view,
    form_view,
    title_of,
)
from engine.runtime.presses import Answer, Edit, FormOp, Go
from engine.runtime.renderer import Rendered, Renderer
from engine.runtime.view import View, ViewButton
from engine.schema.catalog import FieldType, InputField, LocalText, ModelEntry
from engine.schema.visibility import effective_values, is_required
from engine.variables import FieldView, FormView, SummaryLine


class FormScreens:
    def __init__(self, renderer: Renderer, calls: Calls) -> None:
        self.renderer = renderer
        self.calls = calls

    def _t(self, key: str, ctx: ActionContext, **params: Any) -> str:
        return self.renderer.text(key, ctx.session.language, params)

    def _label(self, key: str, ctx: ActionContext, **params: Any) -> str:
        return self.renderer.label(key, ctx.session.language, params)

    def step(
        self,
        screen: ScreenDef,
        ctx: ActionContext,
        context: dict[str, Any],
        state: FormState,
        entry: ModelEntry,
    ) -> Rendered:
        """The asked field's screen: a question, a list of objects, or a field of its item."""
        language = ctx.session.language
        maker = ButtonMaker(screen.id, ctx.session.version)
        spec = entry.input[state.step]
        if state.step in state.hints:  # the prefill words this question its own way
            hint = state.hints[state.step]
            spec = spec.model_copy(update={"hint": LocalText(ru=hint, en=hint)})
        names = asked_steps(entry, state)
        step_no = names.index(state.step) + 1 if state.step in names else len(names)
        form = form_view(entry, language, step_no, len(names))
        header = self.renderer.text(screen.screen.text, language, {**context, "form": form})
        if not spec.is_object_list:
            required = is_required(spec, effective_values(entry, state.values))
            body, rows = self._ask(
                ctx, maker, form, state.step, spec, required, len(state.pending_files), browse(state)
            )
        elif state.item_step is None:
            required = is_required(spec, effective_values(entry, state.values))
            body, rows = self._list(ctx, maker, form, state, spec, required)
        else:
            sub = spec.items[state.item_step]
            body, rows = self._ask(
                ctx, maker, form, state.item_step, sub, sub.required, len(state.pending_files), browse(state)
            )
            listed = self.field(state.step, spec, ctx, collected=state.items)
            body = f"{self._t('form.item_header', ctx, field=listed)}\n{body}"
        rows.append(
            [
                maker.button(self._label("form.back", ctx), "f.back", FormOp(kind="form.back")),
                maker.button(self._label("form.cancel", ctx), "f.cancel", FormOp(kind="form.cancel")),
            ]
        )
        return Rendered(View(f"{header}\n\n{body}" if header else body, rows), maker.actions)

    def field(
        self,
        name: str,
        spec: InputField,
        ctx: ActionContext,
        count: int = 0,
        collected: list[dict[str, Any]] | None = None,
    ) -> FieldView:
        """A field as texts see it (``collected``: a list's items so far)."""
        yes, no = self._label("form.yes", ctx), self._label("form.no", ctx)
        return field_view(name, spec, ctx.session.language, yes, no, count, collected)

    def _ask(
        self,
        ctx: ActionContext,
        maker: ButtonMaker,
        form: FormView,
        name: str,
        spec: InputField,
        required: bool,
        count: int,
        browsing: tuple[int, int | None] = (0, None),
    ) -> tuple[str, list[list[ViewButton]]]:
        """A field's question and buttons (a top-level field or one of an item's)."""
        language = ctx.session.language
        fview = self.field(name, spec, ctx, count)
        rows: list[list[ViewButton]] = []
        if spec.type is FieldType.ENUM:

            def label(key: str, params: dict[str, Any]) -> str:
                return self._label(key, ctx, **params)

            choices = choice_rows(spec, language, maker, label, *browsing)
            rows += choices.rows
            fview = fview.model_copy(
                update={"page": choices.page, "pages": choices.pages, "group": choices.group}
            )
        body = self.renderer.text(ASK_KEYS[spec.type], language, {"field": fview, "form": form})
        if spec.type is FieldType.BOOLEAN:
            rows.append(
                [
                    maker.button(self._label("form.yes", ctx), "f.y", Answer(value=True)),
                    maker.button(self._label("form.no", ctx), "f.n", Answer(value=False)),
                ]
            )
        elif spec.type is FieldType.FILES and count >= max(spec.min_items or 1, 1):
            rows.append(
                [maker.button(self._label("form.done", ctx, field=fview), "f.done", FormOp(kind="form.done"))]
            )
        if not required and not count:
            rows.append(
                [maker.button(self._label("form.skip", ctx, field=fview), "f.skip", FormOp(kind="form.skip"))]
            )
        return body, rows

    def _list(
        self,
        ctx: ActionContext,
        maker: ButtonMaker,
        form: FormView,
        state: FormState,
        spec: InputField,
        required: bool,
    ) -> tuple[str, list[list[ViewButton]]]:
        """A list of objects: its items so far, "Add", "Remove last" and "Done"."""
        fview = self.field(state.step, spec, ctx, collected=state.items)
        body = self.renderer.text("form.ask_items", ctx.session.language, {"field": fview, "form": form})
        edits = []
        if items.can_add(spec, state):
            edits.append(
                maker.button(self._label("form.add", ctx, field=fview), "f.add", FormOp(kind="form.add"))
            )
        if state.items:
            edits.append(
                maker.button(
                    self._label("form.remove_last", ctx, field=fview), "f.rm", FormOp(kind="form.remove")
                )
            )
        rows = [edits] if edits else []
        if len(state.items) >= items.lowest(spec):
            rows.append(
                [maker.button(self._label("form.done", ctx, field=fview), "f.done", FormOp(kind="form.done"))]
            )
        elif not required and not state.items:
            rows.append(
                [maker.button(self._label("form.skip", ctx, field=fview), "f.skip", FormOp(kind="form.skip"))]
            )
        return body, rows

    async def summary(
        self,
        screen: ScreenDef,
        ctx: ActionContext,
        context: dict[str, Any],
        state: FormState,
        entry: ModelEntry,
    ) -> Rendered:
        """All values, the price, an edit button per field and Confirm."""
        maker = ButtonMaker(screen.id, ctx.session.version)
        language = ctx.session.language
        yes, no = self._label("form.yes", ctx), self._label("form.no", ctx)
        values = final_values(entry, state)
        lines, edits = [], []
        for i, (name, spec) in enumerate(active_fields(entry, state)):
            answer = state.values.get(name, values.get(name))  # as typed, not as composed
            shown = display(spec, answer, language, yes, no) if name in values else ""
            if spec.from_job is not None:  # from an earlier job: shown, never edited
                shown = state.shown.get(name) or self._label("form.from_job_value", ctx)
                lines.append(SummaryLine(title=title_of(name, spec, language), value=shown))
                continue
            if name in state.fixed:  # set in advance: shown, never edited
                lines.append(SummaryLine(title=title_of(name, spec, language), value=shown))
                continue
            # never answered (a knob not asked, or skipped): the default applies, and says so
            default = name not in state.values
            lines.append(SummaryLine(title=title_of(name, spec, language), value=shown, default=default))
            label = self._label("form.edit", ctx, field=field_view(name, spec, language, yes, no))
            edits.append(maker.button(label, f"f.e{i}", Edit(field=name)))
        fview = form_view(entry, language, lines=lines)  # no step counter: all steps are done
        price = await self._price(screen, ctx, entry, values)
        header = self.renderer.text(screen.screen.text, language, {**context, "form": fview})
        body = self.renderer.text("form.summary", language, {"form": fview, "price": price})
        rows = [edits[i : i + 2] for i in range(0, len(edits), 2)]
        form = screen.screen.form
        for i, offer in enumerate(form.offers if form else []):
            if offer.when == state.offer:  # the last confirm was refused: a way past it
                args = render_args(offer.args, {**context, "form": fview})
                label = self.renderer.label(offer.text, language, context)
                rows.append(
                    [maker.button(label, f"f.w{i}", Go(screen=screen.resolve(offer.screen), args=args))]
                )
        rows.append([maker.button(self._label("form.confirm", ctx), "f.ok", FormOp(kind="form.confirm"))])
        rows.append(
            [
                maker.button(self._label("form.back", ctx), "f.back", FormOp(kind="form.back")),
                maker.button(self._label("form.cancel", ctx), "f.cancel", FormOp(kind="form.cancel")),
            ]
        )
        return Rendered(View(f"{header}\n\n{body}" if header else body, rows), maker.actions)

    async def _price(
        self, screen: ScreenDef, ctx: ActionContext, entry: ModelEntry, values: dict[str, Any]
    ) -> Any:
        spec = screen.screen.form
        if spec is None or spec.price is None:
            return None
        return await self.calls.run(spec.price, {"model": entry.id, "values": values}, ctx)
