"""From collected form values to a Kie.ai task input.

Files a user sent are Telegram file ids; the bot fetches each (usually from the bytes kept
since the form checked it, else downloaded again, stopping past the field's cap) and uploads it
to Kie.ai's file storage, so the URL in the task is Kie's own — never a Telegram URL with the
bot token. The type sent is the one read from the bytes.
A list of objects goes as a list of objects under Kie's keys, its files turned into URLs alike.
"""

from __future__ import annotations

import uuid
from typing import Any

from engine.files.content import sniff
from engine.files.source import FileSource, FileTooLarge, FileUnavailable
from engine.runtime.forms.received import size_cap
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
    def __init__(self, files: FileSource, client: KieClient) -> None:
        self.files = files
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
            value = await self.upload(value, spec)
        elif spec.type is FieldType.FILES:
            value = [await self.upload(item, spec) for item in value]
        elif spec.is_object_list:
            value = [await self._object(spec.items, item) for item in value if isinstance(item, dict)]
        if spec.send_as == "string":
            value = _as_string(value)
        elif spec.send_as == "number":
            value = _as_number(value)
        return value

    async def upload(self, file: dict[str, Any], spec: InputField) -> str:
        file_id = str(file.get("file_id") or "")
        if not file_id:
            raise InputError("a file without a Telegram file id")
        try:
            data = await self.files.fetch(file_id, size_cap(spec))
        except FileTooLarge as exc:
            raise InputError("the file is bigger than the field takes") from exc
        except FileUnavailable as exc:
            raise InputError(f"the file could not be downloaded: {exc}") from exc
        content = sniff(data)
        if content is None:  # the form checked it; a job from before that check may not be
            raise InputError("the file is of no type the bot takes")
        uploaded = await self.client.upload_file(
            data, f"{uuid.uuid4().hex}.{content.extension}", content.mime, upload_path=UPLOAD_PATH
        )
        return uploaded.download_url
