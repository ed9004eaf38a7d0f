"""A file a form received, checked by its bytes: fetched once (stopping past the field's size
cap, whatever size Telegram stated), its kind and format read from its magic numbers, and
the length of audio/video measured from the file itself.

The measured ``seconds`` are kept in the form value, and prices per second of the user's
media read only them. A timed field with ``max_seconds`` (the ones priced per second) refuses
a file whose length cannot be read, rather than guess a price.
"""

from __future__ import annotations

import logging
from typing import Any

from engine.files.content import Content, ContentKind, accepts, sniff
from engine.files.length import seconds as measured_seconds
from engine.files.source import MB, FileSource, FileTooLarge, FileUnavailable
from engine.runtime.forms.values import TELEGRAM_DOWNLOAD_MB, Refusal
from engine.schema.catalog import TIMED_MEDIA, InputField, MediaKind

log = logging.getLogger(__name__)

_CONTENT_OF_MEDIA = {
    MediaKind.IMAGE: ContentKind.IMAGE,
    MediaKind.AUDIO: ContentKind.AUDIO,
    MediaKind.VIDEO: ContentKind.VIDEO,
}


def size_cap(spec: InputField) -> int:
    """Bytes a field takes at most: its ``max_mb``, never above what bots can download."""
    return int(min(spec.max_mb or TELEGRAM_DOWNLOAD_MB, TELEGRAM_DOWNLOAD_MB) * MB)


def _fits(spec: InputField, content: Content | None) -> bool:
    media = spec.media or MediaKind.IMAGE
    return content is not None and content.kind is _CONTENT_OF_MEDIA[media]


async def inspect(spec: InputField, value: dict[str, Any], files: FileSource) -> dict[str, Any] | Refusal:
    """``value`` (from ``check_file``) with the type, size and length read from the bytes;
    or why the file is refused."""
    try:
        data = await files.fetch(str(value["file_id"]), size_cap(spec))
    except FileTooLarge:
        return Refusal("form.error_file_size")
    except FileUnavailable as exc:
        log.info("a form file could not be fetched: %s", exc)
        return Refusal("form.error_file_unavailable")
    content = sniff(data)
    if not _fits(spec, content):
        return Refusal("form.error_file_kind")
    assert content is not None
    if spec.accept and not accepts(spec.accept, content):
        return Refusal("form.error_file_type")
    checked = {**value, "mime_type": content.mime, "file_size": len(data)}
    if spec.media in TIMED_MEDIA:
        length = measured_seconds(data)
        if length is None and spec.max_seconds is not None:
            return Refusal("form.error_file_unreadable")
        if length is not None and spec.max_seconds is not None and length > spec.max_seconds:
            return Refusal("form.error_file_long")
        if length is not None:
            checked["seconds"] = round(length, 3)
    return checked
