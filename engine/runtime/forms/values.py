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
        spec.maximum is not None and number > spec.maximum
    ):
        return Refusal("form.error_range")
    return number


def check_file(spec: InputField, file: FileInfo) -> dict[str, Any] | Refusal:
    """What can be refused from the message alone: the wrong kind of message, or a size
    Telegram states above the cap. Type, format, size and length are then read from the
    bytes (``received.inspect``): the sending client chooses what the message says."""
    media = spec.media or MediaKind.IMAGE
    if file.kind not in _KINDS[media] or not file.file_id:
        return Refusal("form.error_file_kind")
    limit_mb = min(spec.max_mb or TELEGRAM_DOWNLOAD_MB, TELEGRAM_DOWNLOAD_MB)
    if file.file_size is not None and file.file_size > limit_mb * 1024 * 1024:
        return Refusal("form.error_file_size")
    return {"file_id": file.file_id, "kind": file.kind, "file_name": file.file_name}
