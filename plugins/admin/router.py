"""Updates the console answers before the flows see them: a blocked user's (one line and
nothing else), a staff member's forwarded message (opens the sender's card), and Telegram's
word that a user blocked or unblocked the bot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message

from engine.loader.bundle import Bundle
from engine.runtime.interpreter import language_of
from plugins.admin.roles import RoleBook
from plugins.admin.users import Directory
from plugins.admin.watch import BlockList

#: opens the card of user ``user`` for the staff member who sent ``message``
OpenCard = Callable[[Message, int], Awaitable[None]]


def admin_router(
    bundle: Bundle, roles: RoleBook, blocks: BlockList, directory: Directory, open_card: OpenCard
) -> Router:
    router = Router(name="admin")

    def blocked(event: Message | CallbackQuery) -> bool:
        if isinstance(event, Message) and (event.successful_payment or event.refunded_payment):
            return False  # money paid is credited (and refunded) whoever paid it
        return event.from_user is not None and event.from_user.id in blocks

    @router.message(blocked)
    async def refuse_message(message: Message) -> None:
        assert message.from_user is not None
        language = language_of(message.from_user.language_code)
        await message.answer(bundle.render("admin.blocked_notice", language, {}))

    @router.callback_query(blocked)
    async def refuse_press(query: CallbackQuery) -> None:
        language = language_of(query.from_user.language_code)
        await query.answer(bundle.render("admin.blocked_notice", language, {}), show_alert=True)

    def staff_forward(message: Message) -> bool:
        return (
            message.forward_origin is not None
            and message.from_user is not None
            and roles.role_of(message.from_user.id) is not None
        )

    @router.message(staff_forward)
    async def forwarded(message: Message) -> None:
        origin = message.forward_origin
        sender = getattr(origin, "sender_user", None)
        if sender is None:  # the author hides their account, or it is a chat or channel
            assert message.from_user is not None
            language = language_of(message.from_user.language_code)
            await message.answer(bundle.render("admin.forward_hidden", language, {}))
            return
        await open_card(message, sender.id)

    @router.my_chat_member(F.chat.type == "private")
    async def membership(update: ChatMemberUpdated) -> None:
        status = update.new_chat_member.status
        await directory.mark_bot_blocked(update.from_user.id, status == "kicked")

    return router
