"""Media: sendPhoto/Video/Audio/Voice/Document/Animation, albums, editMessageMedia, getFile."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from ..errors import NOT_MODIFIED, bad_request
from ..files import MAX_DOWNLOAD_BYTES
from ..formatting import caption_text, params_caption
from ..models import validate_input_media
from ..params import Params
from ..registry import api_method
from .common import mark_edited, media_meta, message_to_edit, reply_markup, reply_target, resolve_media, send
from .common import target_user as _target_user

if TYPE_CHECKING:
    from ..bot_api import BotApi
    from ..registry import Handler

SEND_METHODS = {
    "photo": "sendPhoto",
    "video": "sendVideo",
    "audio": "sendAudio",
    "voice": "sendVoice",
    "document": "sendDocument",
    "animation": "sendAnimation",
}


def _send_media_handler(kind: str) -> Handler:
    async def handler(api: BotApi, params: Params) -> Any:
        user = _target_user(api, params)
        caption, entities = params_caption(params)
        reply_markup(params)  # reject a bad keyboard before storing the file
        stored = await resolve_media(
            api, params, params.get_str(kind), kind, field=kind, **media_meta(params, kind)
        )
        return send(api, user, params, file=stored, caption=caption, caption_entities=entities)

    handler.__name__ = f"send_{kind}"
    return handler


for _kind, _name in SEND_METHODS.items():
    api_method(_name)(_send_media_handler(_kind))


@api_method("sendMediaGroup")
async def send_media_group(api: BotApi, params: Params) -> Any:
    user = _target_user(api, params)
    raw = params.get_json("media", "media")
    if not isinstance(raw, list) or not 2 <= len(raw) <= 10:
        raise bad_request("wrong number of media in the group: must be 2-10")
    items = [validate_input_media(item) for item in raw]
    kinds = {item.type for item in items}
    for lonely in ("audio", "document"):
        if lonely in kinds and len(kinds) > 1:
            raise bad_request(f"media of type {lonely} can't be mixed with other media types")
    if "animation" in kinds:
        raise bad_request("can't use animations in a media group")
    prepared = []
    for item in items:
        caption, entities = caption_text(item.caption, item.parse_mode, item.caption_entities)
        stored = await resolve_media(
            api, params, item.media, item.type, field="", **media_meta(item.model_dump(), item.type)
        )
        prepared.append((stored, caption, entities))
    reply = reply_target(api, user.id, params)
    group_id = str(10**17 + secrets.randbelow(9 * 10**17))
    result = []
    for stored, caption, entities in prepared:
        message = api.state.add_message(
            user.id,
            from_bot=True,
            file=stored,
            caption=caption,
            caption_entities=entities,
            media_group_id=group_id,
            reply_to=reply,
        )
        result.append(api.state.message_api(message))
    return result


@api_method("editMessageMedia")
async def edit_message_media(api: BotApi, params: Params) -> Any:
    message = message_to_edit(api, params)
    media = validate_input_media(params.get_json("media", "InputMedia"))
    if message.file is None:
        raise bad_request("there is no media in the message to edit")
    if message.media_group_id and (media.type in ("audio", "document")) != (
        message.file.kind in ("audio", "document")
    ):
        raise bad_request("can't change media type in a media group")
    caption, entities = caption_text(media.caption, media.parse_mode, media.caption_entities)
    markup = reply_markup(params)
    stored = await resolve_media(
        api, params, media.media, media.type, field="", **media_meta(media.model_dump(), media.type)
    )
    current_markup = (
        message.reply_markup if message.reply_markup and "inline_keyboard" in message.reply_markup else None
    )
    if (message.file.file_id, message.caption, message.caption_entities, current_markup) == (
        stored.file_id,
        caption,
        entities,
        markup,
    ):
        raise bad_request(NOT_MODIFIED)
    message.file, message.caption, message.caption_entities, message.reply_markup = (
        stored,
        caption,
        entities,
        markup,
    )
    return mark_edited(api, message)


@api_method("getFile")
async def get_file(api: BotApi, params: Params) -> Any:
    stored = api.state.files.get(params.get_str("file_id") or "")
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if stored.stated_size is not None and stored.stated_size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.file_object()
