"""Reading Bot API parameters the way Telegram does.

aiogram posts multipart/form-data where every value is a string and JSON-typed fields
(reply_markup, entities, media, prices ...) are JSON strings; other clients post JSON bodies
or query strings. All three end up in one :class:`Params`, whose getters coerce and report
missing or malformed fields with Telegram's wording.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web

from .errors import ApiError, bad_request

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request, referenced as ``attach://<name>`` or by its field."""

    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Params:
    fields: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        value = self.fields.get(name)
        return value is not None and value != ""

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.fields.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    def required_str(self, name: str) -> str:
        value = self.get_str(name)
        if value is None or value == "":
            raise bad_request(f'parameter "{name}" is required')
        return value

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.fields.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def required_int(self, name: str, missing: str | None = None) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(missing or f'parameter "{name}" is required')
        return value

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.fields.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"true", "1", "yes", "on"}

    def get_json(self, name: str, what: str | None = None) -> Any:
        """A JSON-typed field: decoded from its string form, or taken as-is from a JSON body."""
        value = self.fields.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None

    def upload(self, name: str) -> Upload | None:
        return self.files.get(name)

    def loggable(self) -> dict[str, Any]:
        """Fields with JSON strings decoded, for the call record tests assert on."""
        out: dict[str, Any] = {}
        for key, value in self.fields.items():
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    out[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            out[key] = value
        for key, upload in self.files.items():
            out.setdefault(key, f"<file {upload.filename} {len(upload.data)} bytes>")
        return out


async def read_params(request: web.Request) -> Params:
    params = Params()
    params.fields.update(request.query)
    if request.method != "POST" or not request.body_exists:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("request body must be a JSON object")
        params.fields.update(body)
    elif ctype == "multipart/form-data":
        await read_multipart(await request.multipart(), params)
    else:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params.fields[key] = value
    return params


async def read_multipart(reader: MultipartReader, params: Params) -> Params:
    """Fields and files of a multipart body (a request, or a webhook reply carrying a method)."""
    total = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        data = await part.read(decode=False)
        total += len(data)
        if total > MAX_UPLOAD_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        if part.filename is not None:
            params.files[part.name] = Upload(
                name=part.name,
                filename=part.filename,
                content_type=part.headers.get("Content-Type", "application/octet-stream"),
                data=bytes(data),
            )
        else:
            params.fields[part.name] = bytes(data).decode("utf-8", errors="replace")
    return params
