"""The web chat page (``/``) and its JSON endpoints (``/ui/...``).

The page long-polls ``/ui/chat/{user_id}?since=<seq>``, which answers as soon as anything
changed, so edits, toasts and "typing…" appear without refreshing. User actions go through
the same :class:`UserActions` the Python test API uses. Every answer names this emulator's
``instance``: after a restart the page sees a new one and starts over (no manual refresh).
``preview`` carries what the project tells its editors (reload problems, its flow graph).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from .actions import UserActions, split_long_text
from .errors import EmulatorError
from .preview import Preview
from .state import EmulatorState
from .transcript import reply_keyboard, ui_message

STATIC_DIR = Path(__file__).with_name("static")
MAX_POLL_SECONDS = 25.0


class TextBody(BaseModel):
    text: str = Field(min_length=1, max_length=200_000)


class PressBody(BaseModel):
    message_id: int
    row: int = Field(ge=0)
    col: int = Field(ge=0)


class PayBody(BaseModel):
    message_id: int | None = None


class WebChat:
    def __init__(self, state: EmulatorState, actions: UserActions) -> None:
        self.state = state
        self.actions = actions
        self.instance = uuid.uuid4().hex[:12]
        self.preview = Preview(state)

    def setup(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC_DIR)
        app.router.add_get("/ui/config", self.config)
        app.router.add_get("/ui/chat/{user_id:-?\\d+}", self.chat)
        app.router.add_post("/ui/chat/{user_id:-?\\d+}/text", self.text)
        app.router.add_post("/ui/chat/{user_id:-?\\d+}/press", self.press)
        app.router.add_post("/ui/chat/{user_id:-?\\d+}/upload", self.upload)
        app.router.add_post("/ui/chat/{user_id:-?\\d+}/pay", self.pay)
        app.router.add_get("/ui/file/{file_id}", self.file)
        app.router.add_get("/ui/graph", self.graph)

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})

    async def config(self, request: web.Request) -> web.Response:
        users = [
            {
                "id": u.id,
                "first_name": u.first_name,
                "username": u.username,
                "language_code": u.language_code,
                "is_admin": u.is_admin,
            }
            for u in self.state.users.values()
        ]
        return web.json_response({"bot": self.state.bot_user, "users": users})

    def _user_id(self, request: web.Request) -> int:
        user_id = int(request.match_info["user_id"])
        try:
            self.actions.user(user_id)
        except EmulatorError as exc:
            raise web.HTTPNotFound(
                text=json.dumps({"error": str(exc)}), content_type="application/json"
            ) from None
        return user_id

    async def chat(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        since = int(request.query.get("since", "0") or 0)
        deadline = time.monotonic() + min(float(request.query.get("timeout", "0") or 0), MAX_POLL_SECONDS)
        if request.query.get("instance", self.instance) != self.instance:
            since = -1  # the page knew an emulator from before a restart: answer at once
        while self.state.seq == since and not self.state.closing:
            remaining = deadline - time.monotonic()
            typing = self._typing(user_id)
            if typing is not None:
                remaining = min(remaining, typing[1] - time.monotonic() + 0.05)
            if remaining <= 0 or not await self.state.changed(remaining):
                break
        return web.json_response(self._chat_view(user_id, since))

    def _typing(self, user_id: int) -> tuple[str, float] | None:
        action = self.state.chat_actions.get(user_id)
        return action if action is not None and action[1] > time.monotonic() else None

    def _chat_view(self, user_id: int, since: int) -> dict[str, Any]:
        state = self.state
        messages = [ui_message(state, m) for m in state.chats.get(user_id, {}).values() if not m.deleted]
        toasts = [
            {"seq": a.seq, "text": a.text, "alert": a.show_alert, "url": a.url}
            for a in state.callback_answers
            if a.user_id == user_id and a.seq > since and (a.text or a.url)
        ]
        typing = self._typing(user_id)
        return {
            "seq": state.seq,
            "messages": messages,
            "toasts": toasts,
            "typing": typing[0] if typing else None,
            "reply_keyboard": reply_keyboard(state, user_id),
            "commands": self._commands(user_id),
            "blocked": user_id in state.blocked,
            "instance": self.instance,
            "preview": self.preview.view(),
        }

    def _commands(self, user_id: int) -> list[dict[str, str]]:
        language = self.state.users[user_id].language_code
        scopes = ({"type": "chat", "chat_id": user_id}, {"type": "all_private_chats"}, {"type": "default"})
        for scope in scopes:
            for lang in (language, ""):
                found = self.state.commands.get((json.dumps(scope, sort_keys=True), lang))
                if found:
                    return found
        return []

    async def _body(self, request: web.Request, model: type[BaseModel]) -> Any:
        try:
            return model.model_validate(await request.json())
        except (ValueError, ValidationError) as exc:
            raise web.HTTPBadRequest(
                text=json.dumps({"error": str(exc)}), content_type="application/json"
            ) from None

    async def text(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        body = await self._body(request, TextBody)
        # longer than one message: sent as several, as Telegram apps do
        sent = [self.actions.send_text(user_id, part) for part in split_long_text(body.text)]
        if not sent:
            return web.json_response({"error": "the message is empty"}, status=400)
        return web.json_response(
            {"message_id": sent[-1].message_id, "message_ids": [m.message_id for m in sent]}
        )

    async def press(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        body = await self._body(request, PressBody)
        message = self.state.find_message(user_id, body.message_id)
        rows = (message.reply_markup or {}).get("inline_keyboard", []) if message else []
        try:
            button = rows[body.row][body.col]
        except IndexError:
            return web.json_response({"error": "that button is gone"}, status=409)
        if "callback_data" not in button:
            return web.json_response({"error": "not a callback button"}, status=400)
        query_id = self.actions.press_data(user_id, button["callback_data"], body.message_id)
        return web.json_response({"query_id": query_id})

    async def upload(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return web.json_response({"error": "no file"}, status=400)
        data = upload.file.read()
        mime = upload.content_type or "application/octet-stream"
        kind = "document"
        if form.get("as_document") != "1":
            kind = next(
                (
                    k
                    for p, k in (("image/", "photo"), ("video/", "video"), ("audio/", "audio"))
                    if mime.startswith(p)
                ),
                "document",
            )
            if mime in ("image/gif", "image/svg+xml"):
                kind = "animation" if mime == "image/gif" else "document"
            if mime in ("audio/ogg", "audio/opus") and str(form.get("voice")) == "1":
                kind = "voice"
        caption = form.get("caption")
        message = self.actions.send_media(
            user_id,
            kind,
            data,
            upload.filename or "file",
            mime,
            caption=caption if isinstance(caption, str) else None,
        )
        return web.json_response({"message_id": message.message_id, "kind": kind})

    async def pay(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        body = await self._body(request, PayBody)
        try:
            result = await self.actions.pay_invoice(user_id, body.message_id)
        except EmulatorError as exc:
            return web.json_response({"ok": False, "error_message": str(exc)}, status=409)
        return web.json_response(
            {
                "ok": result.ok,
                "error_message": result.error_message,
                "charge_id": result.telegram_payment_charge_id,
            }
        )

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        if stored.data is None:
            raise web.HTTPFound(stored.url or "/")
        return web.Response(
            body=stored.data,
            headers={
                "Content-Type": stored.mime_type or "application/octet-stream",
                "Cache-Control": "max-age=3600",
            },
        )

    async def graph(self, request: web.Request) -> web.Response:
        return web.Response(
            text=self.preview.graph_page(), content_type="text/html", headers={"Cache-Control": "no-store"}
        )
