"""What a file is, from its first bytes (magic numbers): never from its name or reported type.

Only formats people send as pictures, recordings, videos or documents are known; anything else
(an executable, an archive, an SVG, a script) is ``None`` and is refused wherever it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ContentKind(StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    PDF = "pdf"


@dataclass(frozen=True)
class Content:
    kind: ContentKind
    mime: str
    extension: str


_IMAGE, _AUDIO, _VIDEO = ContentKind.IMAGE, ContentKind.AUDIO, ContentKind.VIDEO

#: (signature, offset, what it is): checked in order, the first match wins
_PREFIXES: tuple[tuple[bytes, int, Content], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, Content(_IMAGE, "image/png", "png")),
    (b"\xff\xd8\xff", 0, Content(_IMAGE, "image/jpeg", "jpg")),
    (b"GIF87a", 0, Content(_IMAGE, "image/gif", "gif")),
    (b"GIF89a", 0, Content(_IMAGE, "image/gif", "gif")),
    (b"%PDF-", 0, Content(ContentKind.PDF, "application/pdf", "pdf")),
    (b"ID3", 0, Content(_AUDIO, "audio/mpeg", "mp3")),
    (b"OggS", 0, Content(_AUDIO, "audio/ogg", "ogg")),
    (b"fLaC", 0, Content(_AUDIO, "audio/flac", "flac")),
    (b"#!AMR", 0, Content(_AUDIO, "audio/amr", "amr")),
    (b"\x1aE\xdf\xa3", 0, Content(_VIDEO, "video/x-matroska", "mkv")),
)

#: ISO base media (MP4 family) brands at bytes 8..12, after ``ftyp`` at 4..8
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_QUICKTIME_BRANDS = {b"qt  "}

#: mime spellings that mean the same format (``accept`` lists use either)
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "audio/x-m4a": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "audio/x-flac": "audio/flac",
    "audio/opus": "audio/ogg",
    "video/webm": "video/x-matroska",
    "audio/x-aac": "audio/aac",
}


def canonical_mime(mime: str) -> str:
    mime = mime.strip().lower()
    return _ALIASES.get(mime, mime)


def accepts(accept: list[str], content: Content) -> bool:
    """Whether a field's ``accept`` list (mime types) takes this content."""
    return canonical_mime(content.mime) in {canonical_mime(m) for m in accept}


def sniff(data: bytes) -> Content | None:
    """What the bytes are, or None when they are nothing this bot takes."""
    riff = _riff(data)
    if riff is not None:
        return riff
    if data[4:8] == b"ftyp":
        return _iso_media(data[8:12])
    if data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC"):
        return Content(_AUDIO, "audio/aiff", "aiff")
    for signature, offset, content in _PREFIXES:
        if data[offset : offset + len(signature)] == signature:
            return content
    return _mpeg_audio(data)


def _riff(data: bytes) -> Content | None:
    if data[:4] != b"RIFF":
        return None
    form = data[8:12]
    if form == b"WAVE":
        return Content(_AUDIO, "audio/wav", "wav")
    if form == b"WEBP":
        return Content(_IMAGE, "image/webp", "webp")
    if form == b"AVI ":
        return Content(_VIDEO, "video/x-msvideo", "avi")
    return None


def _iso_media(brand: bytes) -> Content:
    if brand in _AUDIO_BRANDS:
        return Content(_AUDIO, "audio/mp4", "m4a")
    if brand in _IMAGE_BRANDS:
        return Content(
            _IMAGE,
            "image/avif" if brand.startswith(b"avi") else "image/heic",
            "avif" if brand.startswith(b"avi") else "heic",
        )
    if brand in _QUICKTIME_BRANDS:
        return Content(_VIDEO, "video/quicktime", "mov")
    return Content(_VIDEO, "video/mp4", "mp4")


def _mpeg_audio(data: bytes) -> Content | None:
    """An MPEG audio frame (MP3) or an ADTS frame (AAC) right at the start."""
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return None
    version, layer = (data[1] >> 3) & 0b11, (data[1] >> 1) & 0b11
    if layer == 0b00:
        return Content(_AUDIO, "audio/aac", "aac") if data[1] & 0xF6 == 0xF0 else None
    if version == 0b01 or (data[2] >> 4) == 0b1111:  # reserved version, bad bitrate
        return None
    return Content(_AUDIO, "audio/mpeg", "mp3")
