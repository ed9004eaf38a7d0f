"""Turn what a user typed or sent into a field's value, or say (by text key) why not."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from engine.runtime.incoming import FileInfo
from engine.schema.catalog import FieldType, InputField, MediaKind
from engine.text_units import utf16_len

TELEGRAM_DOWNLOAD_MB = 20  # bots cannot download bigger files through the Bot API

#: which Telegram message kinds can carry which media
_KINDS = {
    MediaKind.IMAGE: {"photo", "document"},
    MediaKind.VIDEO: {"video", "animation", "document"},
    MediaKind.AUDIO: {"audio", "voice", "document"},
}
_MIME_PREFIX = {MediaKind.IMAGE: "image/", MediaKind.VIDEO: "video/", MediaKind.AUDIO: "audio/"}


@dataclass(frozen=True)
class Refusal:
    text_key: str


def parse_text(spec: InputField, raw: str) -> Any | Refusal:
    text = raw.strip()
    if spec.type in (FieldType.INTEGER, FieldType.NUMBER):
        return _parse_number(spec, text)
    if spec.type is FieldType.STRING:
        if not text:
            return Refusal("form.error_empty")
        if spec.max_length is not None and utf16_len(text) > spec.max_length:  # as Telegram
            return Refusal("form.error_text_length")
        if spec.min_length is not None and len(text) < spec.min_length:
            return Refusal("form.error_text_short")
        return text
    return Refusal("form.error_use_buttons")


def _parse_number(spec: InputField, text: str) -> Any | Refusal:
    cleaned = re.sub(r"[\s\u202f]", "", text).replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return Refusal("form.error_number")
    if not math.isfinite(number):
        return Refusal("form.error_number")
    if spec.type is FieldType.INTEGER:
        if number != int(number):
            return Refusal("form.error_number")
        number = int(number)
    if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum):
        return Refusal("form.error_range")
    return number


def check_file(spec: InputField, file: FileInfo) -> dict[str, Any] | Refusal:
    """A file is kept as its Telegram file id; only its kind, type and size are checked here."""
    media = spec.media or MediaKind.IMAGE
    mime = file.mime_type or ("image/jpeg" if file.kind == "photo" else "")
    if file.kind not in _KINDS[media] or not file.file_id:
        return Refusal("form.error_file_kind")
    if file.kind == "document" and not mime.startswith(_MIME_PREFIX[media]):
        return Refusal("form.error_file_kind")
    if spec.accept and mime not in spec.accept and file.kind != "photo":
        return Refusal("form.error_file_type")
    if (spec.max_seconds is not None and file.duration is not None
            and file.duration > spec.max_seconds):
        return Refusal("form.error_file_long")
    limit_mb = min(spec.max_mb or TELEGRAM_DOWNLOAD_MB, TELEGRAM_DOWNLOAD_MB)
    if file.file_size is not None and file.file_size > limit_mb * 1024 * 1024:
        return Refusal("form.error_file_size")
    return {"file_id": file.file_id, "kind": file.kind, "mime_type": mime,
            "file_name": file.file_name, "file_size": file.file_size, "duration": file.duration}
