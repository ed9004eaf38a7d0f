"""What kind of file a result is, from its first bytes (URLs and headers are not reliable),
and whether that is what the model's category promises."""

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
    (b"\xff\xf3", 0, ResultKind.AUDIO, "mp3"),
    (b"\xff\xf2", 0, ResultKind.AUDIO, "mp3"),
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
        if data[offset : offset + len(signature)] == signature:
            if kind is ResultKind.VIDEO and data[8:12] == b"M4A ":
                return ResultKind.AUDIO, "m4a"
            return kind, extension
    return ResultKind.DOCUMENT, "bin"


_MEDIA = frozenset({ResultKind.PHOTO, ResultKind.ANIMATION, ResultKind.VIDEO, ResultKind.AUDIO})
_IMAGES = frozenset({ResultKind.PHOTO, ResultKind.ANIMATION})
_VIDEOS = frozenset({ResultKind.VIDEO, ResultKind.ANIMATION})  # a GIF is a short video too
_AUDIO = frozenset({ResultKind.AUDIO})
_DECLARED = {"image": _IMAGES, "video": _VIDEOS, "audio": _AUDIO}
_NEUTRAL_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/ogg"})


def expected_kinds(category: str) -> frozenset[ResultKind] | None:
    """What a model's category promises to deliver; None when it promises no media family
    (tools, upscalers of either kind): then any file is accepted."""
    if category in ("upscale", "other", "lyrics", "speech-to-text"):
        return None
    if "video" in category or "avatar" in category or "lipsync" in category:
        return _VIDEOS
    if "image" in category:
        return _IMAGES
    if any(word in category for word in ("speech", "music", "sound", "audio")):
        return _AUDIO
    return None


def content_problem(data: bytes, content_type: str, category: str) -> str | None:
    """Why a downloaded result must not be delivered as this category's result, or None.

    The bytes decide what the file is; the declared type may be neutral (octet-stream) but must
    not contradict them, and the kind must be one the category promises."""
    kind, _ = sniff(data)
    declared = _DECLARED.get(content_type.split("/", 1)[0])
    if content_type not in _NEUTRAL_TYPES and kind in _MEDIA and (declared is None or kind not in declared):
        return f"declared {content_type or 'nothing'} but the bytes are {kind.value}"
    expected = expected_kinds(category)
    if expected is not None and kind not in expected:
        return f"a {category} result must be {'/'.join(sorted(expected))}, not {kind.value}"
    return None
