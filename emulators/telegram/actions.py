"""What simulated users do — write, send files, press buttons, pay — turned into the updates
Telegram would deliver to the bot. Shared by the Python test API and the web page."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any

from .entities import detect_entities, utf16_len
from .errors import EmulatorError
from .files import MEDIA_KINDS
from .formatting import MAX_TEXT
from .state import (
    CallbackQueryRecord,
    EmulatedGroup,
    EmulatedUser,
    EmulatorState,
    Invoice,
    Payment,
    PreCheckoutRecord,
    StoredMessage,
)
from .transcript import ChatMessage, snapshot


def split_long_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """A text as Telegram apps send it: several messages of at most ``limit`` UTF-16 units,
    cut at a line end or a space where one is near."""
    parts: list[str] = []
    while utf16_len(text) > limit:
        used, cut = 0, 0
        for index, char in enumerate(text):
            used += 2 if ord(char) > 0xFFFF else 1
            if used > limit:
                cut = index
                break
        space = max(text.rfind("\n", 0, cut), text.rfind(" ", 0, cut))
        if space > cut // 2:
            cut = space + 1
        parts.append(text[:cut])
        text = text[cut:]
    return [part for part in (*parts, text) if part.strip()]


@dataclass(frozen=True)
class PaymentResult:
    """Outcome of :meth:`UserActions.pay_invoice`: paid, declined by the bot, or timed out."""

    ok: bool
    error_message: str | None = None
    telegram_payment_charge_id: str | None = None
    message_id: int | None = None
    invoice: Invoice | None = None


class UserActions:
    def __init__(self, state: EmulatorState, *, precheckout_timeout: float) -> None:
        self.state = state
        self.precheckout_timeout = precheckout_timeout

    def user(self, user_id: int) -> EmulatedUser:
        try:
            return self.state.users[user_id]
        except KeyError:
            known = ", ".join(str(u) for u in self.state.users)
            raise EmulatorError(f"unknown test user {user_id}; known users: {known}") from None

    def _begin(self, user_id: int) -> EmulatedUser:
        user = self.user(user_id)
        self.state.last_action_seq[user_id] = self.state.seq
        if user_id in self.state.blocked:  # writing to a blocked bot restarts it, as in Telegram
            self.set_blocked(user_id, False)
        return user

    def _deliver(self, message: StoredMessage) -> ChatMessage:
        self.state.updates.push("message", self.state.message_api(message))
        return snapshot(message)

    def send_text(self, user_id: int, text: str, entities: list[dict[str, Any]] | None = None) -> ChatMessage:
        """``entities``: formatting the client applied (bold …); else only what Telegram detects."""
        if not text:
            raise EmulatorError("Telegram clients do not send empty messages")
        if utf16_len(text) > MAX_TEXT:
            raise EmulatorError(
                f"one message carries at most {MAX_TEXT} UTF-16 units, this text has "
                f"{utf16_len(text)}; clients split it (split_long_text) or send it as a file"
            )
        self._begin(user_id)
        found = detect_entities(text) if entities is None else entities
        message = self.state.add_message(user_id, from_bot=False, text=text, entities=found)
        return self._deliver(message)

    def group(self, chat_id: int) -> EmulatedGroup:
        try:
            return self.state.groups[chat_id]
        except KeyError:
            known = ", ".join(str(g) for g in self.state.groups)
            raise EmulatorError(f"unknown group {chat_id}; known groups: {known}") from None

    def send_group_text(self, chat_id: int, user_id: int, text: str) -> ChatMessage:
        """``user_id`` writes in a group (or a channel's admin posts, when it is a channel)."""
        if not text:
            raise EmulatorError("Telegram clients do not send empty messages")
        group = self.group(chat_id)
        self._begin(user_id)
        message = self.state.add_message(
            chat_id, from_bot=False, sender_id=user_id, text=text, entities=detect_entities(text)
        )
        kind = "channel_post" if group.type == "channel" else "message"
        self.state.updates.push(kind, self.state.message_api(message))
        return snapshot(message)

    def forward_text(self, user_id: int, text: str, origin: dict[str, Any]) -> ChatMessage:
        """The user forwards someone's message (``origin`` is a MessageOrigin object)."""
        self._begin(user_id)
        message = self.state.add_message(user_id, from_bot=False, text=text, forward_origin=origin)
        return self._deliver(message)

    def send_media(
        self,
        user_id: int,
        kind: str,
        data: bytes,
        filename: str,
        mime: str | None,
        *,
        caption: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        duration: int | None = None,
        state_size: bool = True,
    ) -> ChatMessage:
        """``state_size=False``: Telegram tells the bot nothing of the file's size (the bot's
        own cap must hold while it downloads)."""
        if kind not in MEDIA_KINDS:
            raise EmulatorError(f"unknown media kind {kind!r}; one of {', '.join(MEDIA_KINDS)}")
        self._begin(user_id)
        if kind in ("audio", "voice", "video", "animation") and duration is None:
            duration = 3
        stored = self.state.files.add(
            kind, data=data, file_name=filename, mime_type=mime, duration=duration, size_stated=state_size
        )
        message = self.state.add_message(
            user_id,
            from_bot=False,
            file=stored,
            caption=caption or None,
            caption_entities=(
                caption_entities
                if caption_entities is not None
                else (detect_entities(caption) if caption else [])
            ),
        )
        return self._deliver(message)

    def find_button(
        self, user_id: int, text: str, message_id: int | None
    ) -> tuple[StoredMessage, dict[str, Any]]:
        """The newest bot message (or the given one) carrying an inline button with this text."""
        seen: list[str] = []
        for message in reversed(list(self.state.chats.get(user_id, {}).values())):
            if (
                message.deleted
                or not message.from_bot
                or (message_id is not None and message.message_id != message_id)
            ):
                continue
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if button.get("text") == text:
                        return message, button
                    seen.append(button.get("text", ""))
        where = f"message {message_id}" if message_id is not None else "any bot message"
        raise EmulatorError(
            f"no inline button {text!r} on {where} of user {user_id}; visible buttons: {seen}"
        )

    def press(self, user_id: int, text: str, message_id: int | None = None) -> str:
        message, button = self.find_button(user_id, text, message_id)
        if "callback_data" not in button:
            if button.get("pay"):
                raise EmulatorError(f"button {text!r} is the pay button; use pay_invoice() to pay")
            kind = next((k for k in button if k != "text"), "unknown")
            raise EmulatorError(f"button {text!r} is a {kind} button; pressing it sends nothing to the bot")
        return self._callback(user_id, message, button["callback_data"])

    def press_data(
        self, user_id: int, data: str, message_id: int | None = None, *, chat_id: int | None = None
    ) -> str:
        """A forged press: any callback data, as a modified client could send (on a message
        in ``chat_id``, the user's private chat unless given)."""
        self.user(user_id)
        chat_id = user_id if chat_id is None else chat_id
        messages = self.state.chats.get(chat_id, {})
        if message_id is None:
            message = next(
                (m for m in reversed(list(messages.values())) if m.from_bot and not m.deleted), None
            )
        else:
            message = self.state.find_message(chat_id, message_id)
        return self._callback(user_id, message, data)

    def _callback(self, user_id: int, message: StoredMessage | None, data: str) -> str:
        user = self._begin(user_id)
        query_id = self.state.next_query_id()
        self.state.callback_queries[query_id] = CallbackQueryRecord(
            id=query_id,
            user_id=user_id,
            message_id=message.message_id if message else None,
            data=data,
            created=time.monotonic(),
        )
        payload: dict[str, Any] = {
            "id": query_id,
            "from": user.api(),
            "chat_instance": str(5_000_000_000_000_000 + user_id),
            "data": data,
        }
        if message is not None:
            payload["message"] = self.state.message_api(message)
        self.state.updates.push("callback_query", payload)
        return query_id

    def latest_invoice(self, user_id: int, message_id: int | None) -> Invoice:
        for invoice in reversed(self.state.invoices):
            if invoice.chat_id == user_id and (message_id is None or invoice.message_id == message_id):
                message = self.state.find_message(user_id, invoice.message_id)
                if message is not None:
                    return invoice
        raise EmulatorError(
            f"no invoice {'#' + str(message_id) if message_id else ''} in the chat of {user_id}"
        )

    async def pay_invoice(self, user_id: int, message_id: int | None = None) -> PaymentResult:
        invoice = self.latest_invoice(user_id, message_id)
        if invoice.paid_charge_id is not None:
            raise EmulatorError(f"invoice message {invoice.message_id} is already paid")
        user = self._begin(user_id)
        state = self.state
        record = PreCheckoutRecord(
            id=state.next_query_id(), user_id=user_id, invoice=invoice, created=time.monotonic()
        )
        state.pre_checkouts[record.id] = record
        state.updates.push(
            "pre_checkout_query",
            {
                "id": record.id,
                "from": user.api(),
                "currency": invoice.currency,
                "total_amount": invoice.total_amount,
                "invoice_payload": invoice.payload,
            },
        )
        try:
            await asyncio.wait_for(record.answered.wait(), self.precheckout_timeout)
        except TimeoutError:
            record.expired = True
            state.touch()
            return PaymentResult(
                ok=False,
                error_message="the bot did not answer the pre-checkout query in time",
                invoice=invoice,
            )
        if not record.ok:
            return PaymentResult(ok=False, error_message=record.error_message, invoice=invoice)
        charge_id = f"stxEMU{secrets.token_urlsafe(24)}"
        provider_charge = "" if invoice.currency == "XTR" else f"emu_{secrets.token_hex(10)}"
        state.payments[charge_id] = Payment(
            charge_id, provider_charge, user_id, invoice, date=int(time.time())
        )
        invoice.paid_charge_id = charge_id
        message = state.add_message(
            user_id,
            from_bot=False,
            successful_payment={
                "currency": invoice.currency,
                "total_amount": invoice.total_amount,
                "invoice_payload": invoice.payload,
                "telegram_payment_charge_id": charge_id,
                "provider_payment_charge_id": provider_charge,
            },
        )
        self._deliver(message)
        return PaymentResult(
            ok=True, telegram_payment_charge_id=charge_id, message_id=message.message_id, invoice=invoice
        )

    def set_blocked(self, user_id: int, blocked: bool) -> None:
        """Block or unblock the bot; the bot hears about it through a my_chat_member update."""
        user = self.user(user_id)
        if (user_id in self.state.blocked) == blocked:
            return
        (self.state.blocked.add if blocked else self.state.blocked.discard)(user_id)
        bot = self.state.bot_user
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self.state.updates.push(
            "my_chat_member",
            {
                "chat": user.chat(),
                "from": user.api(),
                "date": int(time.time()),
                "old_chat_member": _member(bot, old),
                "new_chat_member": _member(bot, new),
            },
        )


def _member(bot: dict[str, Any], status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": bot}
    if status == "kicked":
        member["until_date"] = 0
    return member
