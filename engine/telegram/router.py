"""One aiogram router for every update: translate it into an Incoming and hand it over.

No screen-specific handler exists; the interpreter decides everything from the bundle. Before
it, the router keeps the bot to private chats (engine.telegram.chats) and each user to their
flood limit (engine.telegram.flood). ``replay`` comes from engine.telegram.serial: the update
was handled before by an instance that stopped before saying so.
"""

from __future__ import annotations

from dataclasses import replace

from aiogram import Dispatcher, Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Message, Update, User

from engine.runtime.incoming import FileInfo, Incoming, Kind, Person
from engine.runtime.interpreter import Runtime, language_of
from engine.runtime.view import View
from engine.telegram.chats import addressed_to, bot_username, command_target
from engine.telegram.flood import FloodGate, FloodLimit, FloodMiddleware


def person(user: User) -> Person:
    return Person(
        id=user.id, first_name=user.first_name, username=user.username, language_code=user.language_code
    )


def file_of(message: Message) -> FileInfo | None:
    if message.photo:
        size = message.photo[-1]
        return FileInfo(
            kind="photo",
            file_id=size.file_id,
            file_unique_id=size.file_unique_id,
            file_size=size.file_size,
            width=size.width,
            height=size.height,
            mime_type="image/jpeg",
        )
    for kind in ("document", "audio", "voice", "video", "animation", "video_note"):
        item = getattr(message, kind)
        if item is not None:
            return FileInfo(
                kind="video" if kind == "video_note" else kind,
                file_id=item.file_id,
                file_unique_id=item.file_unique_id,
                file_size=getattr(item, "file_size", None),
                mime_type=getattr(item, "mime_type", None),
                file_name=getattr(item, "file_name", None),
                duration=getattr(item, "duration", None),
            )
    return None


def incoming_message(message: Message) -> Incoming | None:
    if message.from_user is None:
        return None
    who, chat = person(message.from_user), message.chat.id
    text = message.text or ""
    if text.startswith("/"):
        head, _, rest = text[1:].partition(" ")
        return Incoming(
            Kind.COMMAND, who, chat, text=head.split("@", 1)[0].lower(), command_args=rest.strip()
        )
    if message.text is not None:
        return Incoming(Kind.TEXT, who, chat, text=text)
    found = file_of(message)
    if found is None:  # stickers, locations, contacts …: still answered, as unexpected input
        found = FileInfo(kind=str(message.content_type), file_id="")
    return Incoming(Kind.FILE, who, chat, text=message.caption or "", file=found)


def incoming_press(query: CallbackQuery) -> Incoming:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    message_id = query.message.message_id if query.message else None
    return Incoming(
        Kind.PRESS,
        person(query.from_user),
        chat_id,
        callback_id=query.id,
        callback_data=query.data,
        message_id=message_id,
    )


def build_router(runtime: Runtime, flood: FloodLimit | None = None) -> Router:
    """The flows' router; with ``flood``, each user's updates beyond it are turned away."""
    router = Router(name="flows")

    def text(key: str, user: User, **params: object) -> str:
        return runtime.renderer.text(key, language_of(user.language_code), dict(params))

    if flood is not None:
        guard = FloodMiddleware(
            FloodGate(flood), runtime.messenger, lambda user: text("engine.too_fast", user), runtime.stats
        )
        router.message.outer_middleware(guard)
        router.callback_query.outer_middleware(guard)

    async def outside_private(message: Message) -> None:
        """Groups and channels get no screen, ever: a command meant for us gets one line
        pointing to the private chat; anything else is not for us."""
        if message.from_user is None or command_target(message.text) is None:
            return
        username = await bot_username(message)
        if not addressed_to(message.text, username):
            return
        runtime.stats["outside_private"] += 1
        await runtime.messenger.send(
            message.chat.id, View(text("engine.private_only", message.from_user, bot=f"@{username}"))
        )

    @router.message()
    async def on_message(message: Message, replay: bool = False, event_update: Update | None = None) -> None:
        if message.successful_payment is not None:
            return  # handled by the payments router, registered before this one
        if message.chat.type != ChatType.PRIVATE:
            await outside_private(message)
            return
        if command_target(message.text) and not addressed_to(message.text, await bot_username(message)):
            return  # /start@otherbot: another bot's command
        incoming = incoming_message(message)
        if incoming is not None:
            await runtime.handle(
                replace(incoming, update_id=event_update.update_id if event_update else None), replay=replay
            )

    @router.callback_query()
    async def on_press(
        query: CallbackQuery, replay: bool = False, event_update: Update | None = None
    ) -> None:
        if query.message is not None and query.message.chat.type != ChatType.PRIVATE:
            await runtime.messenger.answer_press(
                query.id, text("engine.private_only", query.from_user, bot=f"@{await bot_username(query)}")
            )
            return
        pressed = replace(incoming_press(query), update_id=event_update.update_id if event_update else None)
        await runtime.handle(pressed, replay=replay)

    return router


def build_dispatcher(runtime: Runtime, *routers: Router, flood: FloodLimit | None = None) -> Dispatcher:
    """A dispatcher for the engine: plug-ins' ``routers`` first, then the flows router
    (with per-user flood control when ``flood`` is given).

    aiogram's FSM is off: the engine keeps its own sessions, so the FSM's per-update context
    lookup would be work for nothing.
    """
    dispatcher = Dispatcher(disable_fsm=True)
    for router in routers:
        dispatcher.include_router(router)
    dispatcher.include_router(build_router(runtime, flood))
    return dispatcher
