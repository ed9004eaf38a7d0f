"""From collected form values to a Kie.ai task input.

Files a user sent are Telegram file ids; the bot downloads each and uploads it to Kie.ai's
file storage, so the URL in the task is Kie's own — never a Telegram URL with the bot token.
A list of objects goes as a list of objects under Kie's keys, its files turned into URLs alike.
"""

from __future__ import annotations

import io
import mimetypes
import uuid
from typing import Any

from aiogram import Bot

from engine.schema.catalog import FieldType, InputField, ModelEntry
from plugins.integrations.kie.client import KieClient

UPLOAD_PATH = "telegram-uploads"


class InputError(Exception):
    """An input could not be prepared (the file is gone, too big …); the user's input is bad."""


def _as_number(value: Any) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def _as_string(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class InputBuilder:
    def __init__(self, bot: Bot, client: KieClient) -> None:
        self.bot = bot
        self.client = client

    async def build(self, entry: ModelEntry, values: dict[str, Any]) -> dict[str, Any]:
        return await self._object(entry.input, values)

    async def _object(self, fields: dict[str, InputField], values: dict[str, Any]) -> dict[str, Any]:
        """Values by Kie's keys; keys the fields do not know are dropped."""
        result: dict[str, Any] = {}
        for name, value in values.items():
            spec = fields.get(name)
            if spec is not None and spec.send:
                result[spec.api_name or name] = await self._value(spec, value)
        return result

    async def _value(self, spec: InputField, value: Any) -> Any:
        if spec.type is FieldType.FILE:
            value = await self.upload(value)
        elif spec.type is FieldType.FILES:
            value = [await self.upload(item) for item in value]
        elif spec.is_object_list:
            value = [await self._object(spec.items, item) for item in value
                     if isinstance(item, dict)]
        if spec.send_as == "string":
            value = _as_string(value)
        elif spec.send_as == "number":
            value = _as_number(value)
        return value

    async def upload(self, file: dict[str, Any]) -> str:
        file_id = str(file.get("file_id") or "")
        if not file_id:
            raise InputError("a file without a Telegram file id")
        try:
            info = await self.bot.get_file(file_id)
            if info.file_path is None:
                raise InputError("Telegram gave no path for the file")
            buffer = io.BytesIO()
            await self.bot.download_file(info.file_path, destination=buffer)
        except InputError:
            raise
        except Exception as exc:  # aiogram raises several kinds; all mean the file is not ours
            raise InputError(f"the file could not be downloaded: {type(exc).__name__}") from exc
        mime = str(file.get("mime_type") or mimetypes.guess_type(info.file_path)[0]
                   or "application/octet-stream")
        extension = mimetypes.guess_extension(mime) or ".bin"
        uploaded = await self.client.upload_file(buffer.getvalue(), f"{uuid.uuid4().hex}{extension}",
                                                 mime, upload_path=UPLOAD_PATH)
        return uploaded.download_url
