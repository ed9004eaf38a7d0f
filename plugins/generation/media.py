"""What kind of file a result is, from its first bytes (URLs and headers are not reliable)."""

from __future__ import annotations

from enum import StrEnum


class ResultKind(StrEnum):
    PHOTO = "photo"
    ANIMATION = "animation"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"


_SIGNATURES: tuple[tuple[bytes, int, ResultKind, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, ResultKind.PHOTO, "png"),
    (b"\xff\xd8\xff", 0, ResultKind.PHOTO, "jpg"),
    (b"GIF8", 0, ResultKind.ANIMATION, "gif"),
    (b"ftyp", 4, ResultKind.VIDEO, "mp4"),
    (b"ID3", 0, ResultKind.AUDIO, "mp3"),
    (b"\xff\xfb", 0, ResultKind.AUDIO, "mp3"),
    (b"OggS", 0, ResultKind.AUDIO, "ogg"),
    (b"fLaC", 0, ResultKind.AUDIO, "flac"),
)


#: PNG colour types with an alpha channel (grey+alpha, RGBA): IHDR's byte at offset 25
_ALPHA_TYPES = frozenset({4, 6})


def sniff(data: bytes) -> tuple[ResultKind, str]:
    """(kind, file extension) of a downloaded result. A PNG with an alpha channel (a layer, a
    cut-out) is a document: Telegram re-encodes photos without their transparency."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 25 and data[25] in _ALPHA_TYPES:
        return ResultKind.DOCUMENT, "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return ResultKind.AUDIO, "wav"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ResultKind.PHOTO, "webp"
    for signature, offset, kind, extension in _SIGNATURES:
        if data[offset:offset + len(signature)] == signature:
            if kind is ResultKind.VIDEO and data[8:12] == b"M4A ":
                return ResultKind.AUDIO, "m4a"
            return kind, extension
    return ResultKind.DOCUMENT, "bin"
