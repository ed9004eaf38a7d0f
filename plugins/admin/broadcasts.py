"""The ``broadcast`` namespace: composing, previewing, sending and steering broadcasts
(flows/admin/broadcasts.yaml, guard ``admin``), and the presses on broadcast messages.

The admin's message is taken as Telegram formatted it: a router before the flows
(``broadcast_router``) keeps the HTML of an admin's latest message and its picture, and
``create`` makes the draft of it. Sending is the worker's (plugins/admin/broadcast_worker.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, NoArgs, Plugin, PluginModel, PressResult, action, query
from plugins.admin import audit, broadcast_message
from plugins.admin.broadcast_message import SCREENS, ScreenKey
from plugins.admin.broadcast_store import LEFT, Broadcast, BroadcastStore, Segment
from plugins.admin.roles import Role, RoleBook, passes

if TYPE_CHECKING:
    from aiogram import Bot

    from plugins.admin.broadcast_worker import BroadcastWorker

CAPTURE_SECONDS = 60.0  # an admin's message is a draft's content this long after it came


class Args(PluginModel):
    model_config = ConfigDict(extra="forbid")


class Ref(Args):
    broadcast: int


class ButtonArgs(Ref):
    target: ScreenKey | Literal["none"]


class UrlArgs(Ref):
    text: str = Field(max_length=600)


class SegmentArgs(Ref):
    segment: Segment
    value: str = Field(default="", max_length=100)


class Created(PluginModel):
    broadcast: int


class Summary(PluginModel):
    id: int
    state: str
    photo: bool
    button: str  # what the button says and where it leads, or ""
    segment: str  # the audience, in words
    count: int  # recipients now (a draft) or when it was started
    sent: int
    blocked: int
    failed: int
    unknown: int
    left: int


class Row(PluginModel):
    id: int
    title: str


class ModelItem(PluginModel):
    id: str
    name: str


@dataclass
class Captured:
    html: str
    photo: str | None
    at: float


class Captures:
    """Admins' latest messages as Telegram formatted them (filled by ``broadcast_router``)."""

    def __init__(self) -> None:
        self.latest: dict[int, Captured] = {}

    def keep(self, user_id: int, html: str, photo: str | None) -> None:
        self.latest[user_id] = Captured(html, photo, time.monotonic())

    def take(self, user_id: int) -> Captured | None:
        found = self.latest.pop(user_id, None)
        if found is None or time.monotonic() - found.at > CAPTURE_SECONDS:
            return None
        return found


TEXTS: dict[str, dict[str, Any]] = {
    "admin.broadcast.error.empty": {},
    "admin.broadcast.error.forbidden": {},
    "admin.broadcast.error.not_draft": {},
    "admin.broadcast.error.url": {},
    "admin.broadcast.error.days": {},
    "admin.broadcast.error.language": {},
    "admin.broadcast.error.model": {},
    "admin.broadcast.error.nobody": {},
    "admin.broadcast.error.not_found": {},
    "admin.broadcast.paused_answer": {},
    "admin.broadcast.resumed_answer": {},
    "admin.broadcast.stopped_answer": {},
    **{broadcast_message.screen_label_key(k): {} for k in SCREENS},
    **{
        f"admin.broadcast.{k}": {
            "id": int,
            "total": int,
            "sent": int,
            "blocked": int,
            "failed": int,
            "unknown": int,
            "left": int,
            "rate": str,
        }
        for k in ("progress", "paused", "stopped", "report")
    },
    **{f"admin.broadcast.{k}": {} for k in ("pause", "resume", "stop")},
    **{
        f"admin.broadcast.segment.{k}": {"value": str}
        for k in ("all", "paying", "inactive", "language", "model")
    },
    **{f"admin.broadcast.state.{k}": {} for k in ("draft", "sending", "paused", "stopped", "done")},
}


class BroadcastPlugin(Plugin):
    namespace = "broadcast"
    texts = TEXTS
    press_prefix = broadcast_message.PRESS_PREFIX
    #: a broadcast's screen button opens one of these (no arguments): the linter checks them
    screens: ClassVar[Mapping[str, Mapping[str, Any]]] = {screen: {} for screen in SCREENS.values()}

    def __init__(
        self, store: BroadcastStore, bundle: Bundle, bot: Bot, roles: RoleBook, captures: Captures
    ) -> None:
        self.store = store
        self.bundle = bundle
        self.bot = bot
        self.roles = roles
        self.captures = captures
        self.worker: BroadcastWorker | None = None  # set by the wiring

    async def _require(self, ctx: CallContext) -> None:
        """The roles table's word, not the cache's: a revoked admin sends nothing."""
        if not passes(await self.roles.current(ctx.user_id), Role.ADMIN):
            raise ActionError("admin.broadcast.error.forbidden")

    async def _draft(self, broadcast_id: int) -> Broadcast:
        found = await self.store.get(broadcast_id)
        if found is None:
            raise ActionError("admin.broadcast.error.not_found")
        if found.state != "draft":
            raise ActionError("admin.broadcast.error.not_draft")
        return found

    # ------------------------------------------------------------------ composing
    @action(guard="admin")
    async def create(self, ctx: CallContext, args: NoArgs) -> Created:
        """A draft of the admin's message just sent: its formatting and picture kept."""
        await self._require(ctx)
        found = self.captures.take(ctx.user_id)
        if found is None or not (found.html.strip() or found.photo):
            raise ActionError("admin.broadcast.error.empty")
        return Created(broadcast=await self.store.create(ctx.user_id, found.html, found.photo))

    @action(guard="admin")
    async def set_button(self, ctx: CallContext, args: ButtonArgs) -> Created:
        """No button, or one that opens a screen of the bot."""
        await self._draft(args.broadcast)
        kind: Literal["none", "screen"] = "none" if args.target == "none" else "screen"
        target = "" if args.target == "none" else args.target
        if not await self.store.set_button(args.broadcast, kind, target, ""):
            raise ActionError("admin.broadcast.error.not_draft")
        return Created(broadcast=args.broadcast)

    @action(guard="admin")
    async def set_url(self, ctx: CallContext, args: UrlArgs) -> Created:
        """A button to an https URL: ``label https://…``."""
        await self._draft(args.broadcast)
        parsed = broadcast_message.parse_url_button(args.text)
        if parsed is None:
            raise ActionError("admin.broadcast.error.url")
        label, url = parsed
        if not await self.store.set_button(args.broadcast, "url", url, label):
            raise ActionError("admin.broadcast.error.not_draft")
        return Created(broadcast=args.broadcast)

    @action(guard="admin")
    async def set_segment(self, ctx: CallContext, args: SegmentArgs) -> Created:
        """Who gets it: all, paying, inactive for N days, by language, users of a model."""
        await self._draft(args.broadcast)
        value = args.value.strip()
        if args.segment == "inactive":
            if not value.isdigit() or not 1 <= int(value) <= 3650:
                raise ActionError("admin.broadcast.error.days")
            value = str(int(value))
        elif args.segment == "language" and value not in ("ru", "en"):
            raise ActionError("admin.broadcast.error.language")
        elif args.segment == "model" and value not in await self.store.used_models():
            raise ActionError("admin.broadcast.error.model")
        elif args.segment in ("all", "paying"):
            value = ""
        if not await self.store.set_segment(args.broadcast, args.segment, value):
            raise ActionError("admin.broadcast.error.not_draft")
        return Created(broadcast=args.broadcast)

    @action(guard="admin")
    async def preview(self, ctx: CallContext, args: Ref) -> Created:
        """Send the broadcast to the admin alone, exactly as recipients will see it."""
        found = await self.store.get(args.broadcast)
        if found is None:
            raise ActionError("admin.broadcast.error.not_found")
        await broadcast_message.send(self.bot, ctx.user_id, found, self.bundle, ctx.language)
        return Created(broadcast=args.broadcast)

    @action(guard="admin")
    async def start(self, ctx: CallContext, args: Ref) -> Created:
        """Fix the audience and start sending; once, whoever presses again; audited."""
        await self._require(ctx)
        draft = await self._draft(args.broadcast)
        if await self.store.count(draft.segment, draft.segment_value) == 0:
            raise ActionError("admin.broadcast.error.nobody")
        total = await self.store.start(args.broadcast)
        if total is None:
            raise ActionError("admin.broadcast.error.not_draft")
        await audit.record(
            self.store.pool,
            ctx.user_id,
            "broadcast.start",
            subject=str(args.broadcast),
            new=str(total),
            note=f"{draft.segment} {draft.segment_value}".strip(),
        )
        if self.worker is not None:
            self.worker.wake()
        return Created(broadcast=args.broadcast)

    # ------------------------------------------------------------------ reading
    @query(guard="admin")
    async def summary(self, ctx: CallContext, args: Ref) -> Summary:
        """The broadcast as the confirm and status screens show it."""
        b = await self.store.get(args.broadcast)
        if b is None:
            raise ActionError("admin.broadcast.error.not_found")
        counts = await self.store.counts(b.id)
        count = await self.store.count(b.segment, b.segment_value) if b.state == "draft" else b.total
        return Summary(
            id=b.id,
            state=self.bundle.render(f"admin.broadcast.state.{b.state}", ctx.language, {}),
            photo=b.photo is not None,
            button=self._button_text(b, ctx.language),
            segment=self._segment_text(b, ctx.language),
            count=count,
            sent=counts.get("sent", 0),
            blocked=counts.get("blocked", 0),
            failed=counts.get("failed", 0),
            unknown=counts.get("unknown", 0),
            left=sum(counts.get(state, 0) for state in LEFT),
        )

    @query(guard="admin")
    async def recent(self, ctx: CallContext, args: NoArgs) -> list[Row]:
        """The latest broadcasts, newest first."""
        rows = []
        for b in await self.store.recent():
            state = self.bundle.render(f"admin.broadcast.state.{b.state}", ctx.language, {})
            rows.append(Row(id=b.id, title=f"#{b.id} · {state} · {b.total or ''}".rstrip(" ·")))
        return rows

    @query(guard="admin")
    async def models(self, ctx: CallContext, args: NoArgs) -> list[ModelItem]:
        """Models someone has run: their users are a segment."""
        return [
            ModelItem(id=m, name=self._model_name(m, ctx.language)) for m in await self.store.used_models()
        ]

    def _model_name(self, model: str, language: str) -> str:
        found = self.bundle.models.get(model)
        return found.entry.name.get(language) if found else model

    def _button_text(self, b: Broadcast, language: str) -> str:
        if b.button_kind == "url":
            return f"{b.button_label} → {b.button_target}"
        if b.button_kind == "screen" and b.button_target in SCREENS:
            return self.bundle.render(broadcast_message.screen_label_key(b.button_target), language, {})
        return ""

    def _segment_text(self, b: Broadcast, language: str) -> str:
        value = self._model_name(b.segment_value, language) if b.segment == "model" else b.segment_value
        return self.bundle.render(f"admin.broadcast.segment.{b.segment}", language, {"value": value})

    # ------------------------------------------------------------------ presses
    async def on_press(self, ctx: CallContext, data: str) -> PressResult:
        """A recipient's button (open a screen), or an admin's pause, resume or stop on the
        progress message."""
        if data in SCREENS:
            return PressResult(None, screen=SCREENS[data])
        op, number = data[:1], data[1:]
        moves = {
            "p": (("sending",), "paused"),
            "r": (("paused",), "sending"),
            "s": (("sending", "paused"), "stopped"),
        }
        if op not in moves or not number.isdigit():
            raise ActionError("engine.stale")
        await self._require(ctx)
        allowed, state = moves[op]
        broadcast_id = int(number)
        if not await self.store.set_state(broadcast_id, allowed, state):
            raise ActionError("engine.stale")
        await audit.record(self.store.pool, ctx.user_id, f"broadcast.{state}", subject=str(broadcast_id))
        if self.worker is not None:
            self.worker.wake()
            await self.worker.report(broadcast_id)
        answer = {"paused": "paused_answer", "sending": "resumed_answer", "stopped": "stopped_answer"}[state]
        return PressResult(f"admin.broadcast.{answer}")
