"""A long text sent as a .txt document, for text fields that take more than one message.

One Telegram message carries at most 4,096 UTF-16 units, while some models take prompts of
20,000 characters or more. Where a field allows more than a message can carry, the user may
send the text as a .txt file instead: it is read (never more bytes than the field could need),
must be UTF-8, and is then checked like typed text.
"""

from __future__ import annotations

from engine.files.source import FileSource, FileTooLarge, FileUnavailable
from engine.runtime.forms.values import Refusal, parse_text
from engine.runtime.incoming import FileInfo
from engine.schema.catalog import FieldType, InputField
from engine.text_units import MESSAGE_LIMIT, utf16_len

BYTES_PER_CHARACTER = 4  # UTF-8 needs at most four bytes for one character


def message_limit(spec: InputField) -> int | None:
    """How long a typed answer may be: the field's maximum, but never more than one message."""
    return min(spec.max_length, MESSAGE_LIMIT) if spec.max_length is not None else None


def file_limit(spec: InputField) -> int | None:
    """How long a text sent as a .txt file may be: only where the field allows more than a
    message carries."""
    if spec.type is FieldType.STRING and spec.max_length and spec.max_length > MESSAGE_LIMIT:
        return spec.max_length
    return None


def is_text_document(file: FileInfo) -> bool:
    name = (file.file_name or "").lower()
    return (
        file.kind == "document"
        and bool(file.file_id)
        and (name.endswith(".txt") or (file.mime_type or "").startswith("text/plain"))
    )


async def document_text(spec: InputField, file: FileInfo, files: FileSource) -> str | Refusal:
    """The field's value from a .txt document, or why not."""
    limit = file_limit(spec)
    if limit is None or file.kind != "document":  # a photo at a text step: say what it needs
        return Refusal("form.error_needs")
    if not is_text_document(file):
        return Refusal("form.error_text_file")
    max_bytes = limit * BYTES_PER_CHARACTER + 3  # and a byte-order mark
    if file.file_size is not None and file.file_size > max_bytes:
        return Refusal("form.error_text_file")
    try:
        data = await files.fetch(file.file_id, max_bytes)
    except (FileTooLarge, FileUnavailable):
        return Refusal("form.error_text_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Refusal("form.error_text_file")
    if "\x00" in text or utf16_len(text.strip()) > limit:
        return Refusal("form.error_text_file")
    return parse_text(spec, text)
