"""Pieces shared by the send and edit methods: resolving the target chat, replies, the
message being edited, and media given as upload, URL or file_id."""

from __future__ import annotations

import mimetypes
import time
from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ..files import StoredFile
from ..models import validate_reply_markup
from ..params import Params, Upload
from ..state import EmulatedGroup, EmulatedUser, StoredMessage
from ..updates import is_local_url

if TYPE_CHECKING:
    from ..bot_api import BotApi


def target_user(api: BotApi, params: Params) -> EmulatedUser | EmulatedGroup:
    return api.state.resolve_chat(params.get_str("chat_id"))


def reply_target(api: BotApi, chat_id: int, params: Params) -> StoredMessage | None:
    """The message a send replies to (reply_parameters or the older reply_to_message_id)."""
    reply_id = params.get_int("reply_to_message_id")
    allow_missing = params.get_bool("allow_sending_without_reply")
    reply = params.get_json("reply_parameters", "reply parameters")
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        reply_id = int(reply["message_id"])
        allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
    if reply_id is None:
        return None
    message = api.state.find_message(chat_id, reply_id)
    if message is None and not allow_missing:
        raise bad_request("message to be replied not found")
    return message


def reply_markup(params: Params) -> dict[str, Any] | None:
    return validate_reply_markup(params.get_json("reply_markup", "reply keyboard markup"))


def send(api: BotApi, user: EmulatedUser | EmulatedGroup, params: Params, **fields: Any) -> dict[str, Any]:
    """Store a bot message in the user's chat and return it as the Bot API Message."""
    message = api.state.add_message(
        user.id,
        from_bot=True,
        reply_markup=reply_markup(params),
        reply_to=reply_target(api, user.id, params),
        **fields,
    )
    return api.state.message_api(message)


def message_to_edit(api: BotApi, params: Params) -> StoredMessage:
    if params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    user = target_user(api, params)
    message = api.state.find_message(user.id, params.get_int("message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def mark_edited(api: BotApi, message: StoredMessage) -> dict[str, Any]:
    message.edit_date = int(time.time())
    message.edit_count += 1
    api.state.stamp(message)
    return api.state.message_api(message)


def _declared_mime(upload: Upload) -> str | None:
    return upload.content_type if upload.content_type != "application/octet-stream" else None


async def resolve_media(
    api: BotApi, params: Params, value: str | None, kind: str, *, field: str, **meta: Any
) -> StoredFile:
    """A media parameter: ``attach://name`` or a file part, an HTTP URL, or a file_id."""
    upload = params.upload(field)
    if value and value.startswith("attach://"):
        upload = params.upload(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
    if upload is not None:
        mime = _declared_mime(upload) or mimetypes.guess_type(upload.filename)[0]
        return api.state.files.add(kind, data=upload.data, file_name=upload.filename, mime_type=mime, **meta)
    if not value:
        raise bad_request(f"there is no {kind} in the request")
    if value.startswith(("http://", "https://")):
        name = value.rsplit("/", 1)[-1].split("?", 1)[0] or None
        if is_local_url(value):
            data, content_type = await api.fetch_local(value)
            return api.state.files.add(kind, data=data, file_name=name, mime_type=content_type, **meta)
        return api.state.files.add(kind, url=value, file_name=name, **meta)
    return api.state.files.reuse(value, kind)


def media_meta(params: Params | dict[str, Any], kind: str) -> dict[str, Any]:
    """Duration/size/title hints a send call may carry for its media."""

    def get(name: str) -> Any:
        return params.get_str(name) if isinstance(params, Params) else params.get(name)

    meta: dict[str, Any] = {}
    for name in ("duration", "width", "height"):
        raw = get(name)
        if raw not in (None, ""):
            try:
                meta[name] = int(raw)
            except (TypeError, ValueError):
                raise bad_request(f"invalid {name} specified") from None
    if kind == "audio":
        for name in ("title", "performer"):
            if get(name):
                meta[name] = str(get(name))
    if kind in ("audio", "voice", "video", "animation") and "duration" not in meta:
        meta["duration"] = 1
    return {k: v for k, v in meta.items() if not (kind in ("audio", "voice") and k in ("width", "height"))}
