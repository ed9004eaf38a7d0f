"""Text messages: send, edit, delete, callback answers and chat actions."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..errors import NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from ..formatting import message_text, params_caption
from ..params import Params
from ..registry import api_method
from ..state import CallbackAnswer, StoredMessage
from .common import mark_edited, message_to_edit, reply_markup, send, target_user

if TYPE_CHECKING:
    from ..bot_api import BotApi

MAX_CALLBACK_ANSWER = 200
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
CHAT_ACTION_SECONDS = 5.0


def _inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup is not None and "inline_keyboard" in markup else None


def _edit_markup(params: Params) -> dict[str, Any] | None:
    markup = reply_markup(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


@api_method("sendMessage")
async def send_message(api: BotApi, params: Params) -> Any:
    user = target_user(api, params)
    text, entities = message_text(params)
    return send(api, user, params, text=text, entities=entities)


@api_method("editMessageText")
async def edit_message_text(api: BotApi, params: Params) -> Any:
    message = message_to_edit(api, params)
    text, entities = message_text(params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    markup = _edit_markup(params)
    if (message.text, message.entities, _inline(message.reply_markup)) == (text, entities, markup):
        raise bad_request(NOT_MODIFIED)
    message.text, message.entities, message.reply_markup = text, entities, markup
    return mark_edited(api, message)


@api_method("editMessageCaption")
async def edit_message_caption(api: BotApi, params: Params) -> Any:
    message = message_to_edit(api, params)
    caption, entities = params_caption(params)
    if message.file is None and message.invoice is None:
        raise bad_request("there is no caption in the message to edit")
    markup = _edit_markup(params)
    if (message.caption, message.caption_entities, _inline(message.reply_markup)) == (
        caption,
        entities,
        markup,
    ):
        raise bad_request(NOT_MODIFIED)
    message.caption, message.caption_entities, message.reply_markup = caption, entities, markup
    return mark_edited(api, message)


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(api: BotApi, params: Params) -> Any:
    message = message_to_edit(api, params)
    markup = _edit_markup(params)
    if _inline(message.reply_markup) == markup:
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    return mark_edited(api, message)


def _delete(api: BotApi, message: StoredMessage | None) -> None:
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    api.state.stamp(message)


@api_method("deleteMessage")
async def delete_message(api: BotApi, params: Params) -> Any:
    user = target_user(api, params)
    _delete(
        api,
        api.state.find_message(
            user.id, params.required_int("message_id", "message identifier is not specified")
        ),
    )
    return True


@api_method("deleteMessages")
async def delete_messages(api: BotApi, params: Params) -> Any:
    user = target_user(api, params)
    ids = params.get_json("message_ids", "message identifiers")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers must be non-empty")
    for message_id in ids:
        message = api.state.find_message(user.id, int(message_id))
        if message is not None:
            _delete(api, message)
    return True


@api_method("answerCallbackQuery")
async def answer_callback_query(api: BotApi, params: Params) -> Any:
    state = api.state
    record = state.callback_queries.get(params.get_str("callback_query_id") or "")
    if record is None or record.answer is not None or time.monotonic() - record.created > api.callback_ttl:
        raise bad_request(QUERY_TOO_OLD)
    text = params.get_str("text") or None
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answer = CallbackAnswer(
        query_id=record.id,
        user_id=record.user_id,
        message_id=record.message_id,
        data=record.data,
        text=text,
        show_alert=params.get_bool("show_alert"),
        url=params.get_str("url") or None,
        seq=state.seq + 1,
    )
    state.callback_answers.append(record.answer)
    state.touch()
    return True


@api_method("sendChatAction")
async def send_chat_action(api: BotApi, params: Params) -> Any:
    user = target_user(api, params)
    action = params.get_str("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    api.state.chat_actions[user.id] = (action, time.monotonic() + CHAT_ACTION_SECONDS)
    api.state.touch()
    return True
