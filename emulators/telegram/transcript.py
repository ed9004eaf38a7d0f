"""Read-only snapshots of chat messages, for tests (:class:`ChatMessage`) and the web page."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .entities import render_html
from .state import EmulatorState, Invoice, StoredMessage


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat transcript as a user would see it."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str | None
    caption: str | None
    formatting: list[dict[str, Any]] | None = field(repr=False)  # the text's or the caption's entities
    media_kind: str | None
    file_id: str | None
    file_unique_id: str | None
    file_name: str | None
    reply_markup: dict[str, Any] | None
    edited: bool
    edit_count: int
    deleted: bool
    media_group_id: str | None
    invoice: dict[str, Any] | None
    successful_payment: dict[str, Any] | None
    refunded_payment: dict[str, Any] | None
    reply_to_message_id: int | None
    seq: int

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has."""
        return self.text if self.text is not None else (self.caption or "")

    @cached_property
    def html(self) -> str:
        """The content as Telegram shows it, formatting included (worked out when first read:
        a transcript is snapshotted far more often than its formatting is looked at)."""
        return render_html(self.content, self.formatting)

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        rows: list[list[dict[str, Any]]] = (self.reply_markup or {}).get("inline_keyboard") or []
        return rows

    @property
    def buttons(self) -> list[list[str]]:
        """Visible texts of the inline keyboard, row by row."""
        return [[button["text"] for button in row] for row in self.inline_keyboard]

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text in row]

    def button(self, text: str) -> dict[str, Any] | None:
        return next((b for row in self.inline_keyboard for b in row if b.get("text") == text), None)


def snapshot(message: StoredMessage) -> ChatMessage:
    file = message.file
    return ChatMessage(
        message_id=message.message_id,
        chat_id=message.chat_id,
        from_bot=message.from_bot,
        date=message.date,
        text=message.text,
        caption=message.caption,
        formatting=list(message.entities if message.text is not None else message.caption_entities),
        media_kind=file.kind if file else None,
        file_id=file.file_id if file else None,
        file_unique_id=file.file_unique_id if file else None,
        file_name=file.file_name if file else None,
        reply_markup=message.reply_markup,
        edited=message.edit_count > 0,
        edit_count=message.edit_count,
        deleted=message.deleted,
        media_group_id=message.media_group_id,
        invoice=message.invoice,
        successful_payment=message.successful_payment,
        refunded_payment=message.refunded_payment,
        reply_to_message_id=message.reply_to.message_id if message.reply_to else None,
        seq=message.seq,
    )


def _amount(amount: int, currency: str) -> str:
    if currency == "XTR":
        return f"{amount} Star" + ("" if amount == 1 else "s")
    return f"{amount / 100:.2f} {currency}"


def ui_message(state: EmulatorState, message: StoredMessage) -> dict[str, Any]:
    """The web page's view of a message; only escaped HTML from render_html reaches innerHTML."""
    view = snapshot(message)
    out: dict[str, Any] = {
        "id": view.message_id,
        "rev": view.seq,
        "from": "bot" if view.from_bot else "user",
        "html": view.html,
        "edited": view.edited,
        "date": view.date,
        "media": None,
        "buttons": [],
        "invoice": None,
        "service": None,
    }
    if message.file is not None:
        out["media"] = {
            "kind": message.file.kind,
            "url": f"/ui/file/{message.file.file_id}",
            "name": message.file.file_name,
            "mime": message.file.mime_type,
            "external": message.file.data is None,
        }
    out["buttons"] = [
        [{"text": b["text"], "kind": _button_kind(b), "url": b.get("url")} for b in row]
        for row in view.inline_keyboard
    ]
    if view.invoice is not None:
        invoice = _invoice_for(state, message)
        out["invoice"] = {
            "title": view.invoice["title"],
            "description": view.invoice["description"],
            "amount": _amount(view.invoice["total_amount"], view.invoice["currency"]),
            "paid": bool(invoice and invoice.paid_charge_id),
        }
        if out["invoice"]["paid"]:
            out["rev"] = f"{view.seq}-paid"  # re-render the card without making it a "new" message
    if view.successful_payment is not None:
        paid = view.successful_payment
        out["service"] = f"You paid {_amount(paid['total_amount'], paid['currency'])}"
    if view.refunded_payment is not None:
        refund = view.refunded_payment
        out["service"] = f"Refunded {_amount(refund['total_amount'], refund['currency'])}"
    return out


def _button_kind(button: dict[str, Any]) -> str:
    for kind in ("callback_data", "url", "pay"):
        if kind in button:
            return kind.removesuffix("_data")
    return "other"


def _invoice_for(state: EmulatorState, message: StoredMessage) -> Invoice | None:
    return next(
        (i for i in state.invoices if i.chat_id == message.chat_id and i.message_id == message.message_id),
        None,
    )


def reply_keyboard(state: EmulatorState, chat_id: int) -> list[list[str]] | None:
    """The reply keyboard currently shown under the text box (the latest one the bot sent)."""
    for message in reversed(state.chats.get(chat_id, {}).values()):
        markup = message.reply_markup
        if not message.from_bot or markup is None:
            continue
        if "keyboard" in markup:
            return [[b.get("text", "") for b in row] for row in markup["keyboard"]]
        if markup.get("remove_keyboard"):
            return None
    return None
