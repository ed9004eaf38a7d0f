"""Small valid files the explorer sends, by MIME type: a PNG, a WAV, an MP4 header."""

from __future__ import annotations

import struct

from emulators.kie.media import png_gradient, wav_tone


def mp4() -> bytes:
    brand = b"isom" + struct.pack(">I", 512) + b"isomiso2mp41"
    return struct.pack(">I", 8 + len(brand)) + b"ftyp" + brand


def sample(mime: str) -> tuple[bytes, str]:
    """Bytes and a file name for a file of this MIME type."""
    if mime.startswith("image/"):
        return png_gradient(b"explorer", 64, 64), "picture.png"
    if mime.startswith("audio/"):
        ext = {
            "audio/wav": "wav",
            "audio/x-wav": "wav",
            "audio/mpeg": "mp3",
            "audio/mp4": "m4a",
            "audio/aac": "aac",
            "audio/ogg": "ogg",
        }.get(mime, "wav")
        return wav_tone(b"explorer", seconds=1.0), f"sound.{ext}"
    if mime.startswith("video/"):
        return mp4(), "clip.mp4"
    return b"explorer document\n", "note.txt"
