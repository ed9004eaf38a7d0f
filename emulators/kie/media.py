"""Deterministic stand-ins for generated media, built from the standard library only.

The same prompt always yields the same bytes (colours and pitch come from its SHA-256), so a test
can tell two results apart and a human can see in the chat that something came back. Video is a
real two-second H.264 MP4 written without an encoder (see ``emulators.kie.mp4``); the animated
GIF writer stays for tests of GIF results.
"""

from __future__ import annotations

import hashlib
import math
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from emulators.kie.mp4 import mp4_clip


class MediaKind(StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


@dataclass(frozen=True)
class MediaFile:
    data: bytes
    mime: str
    extension: str


# Checked in this order: "speech-to-video" is a video, "text-to-speech" is audio.
_VIDEO_HINTS = (
    "video",
    "i2v",
    "t2v",
    "r2v",
    "veo",
    "sora",
    "seedance",
    "hailuo",
    "avatar",
    "lip-sync",
    "lipsync",
    "motion-control",
    "omnihuman",
    "omni-human",
    "infinitalk",
    "runway",
    "aleph",
    "kling/v2",
    "kling-o1",
    "kling-3.0",
    "pixverse",
    "grok-imagine/extend",
    "wan/2-2-animate",
    "luma-dream-machine",
    "gemini-omni",
)
_AUDIO_HINTS = ("speech", "tts", "music", "audio", "sound", "suno", "voice", "dialogue", "lyrics")
_FORMAT_KINDS = {
    "mp4": MediaKind.VIDEO,
    "mov": MediaKind.VIDEO,
    "webm": MediaKind.VIDEO,
    "mp3": MediaKind.AUDIO,
    "wav": MediaKind.AUDIO,
    "ogg": MediaKind.AUDIO,
    "png": MediaKind.IMAGE,
    "jpg": MediaKind.IMAGE,
    "jpeg": MediaKind.IMAGE,
    "webp": MediaKind.IMAGE,
}


def infer_kind(model: str, input: Mapping[str, Any] | None = None) -> MediaKind:
    """What a model produces, guessed from its id, then from an explicit output format."""
    name = model.lower()
    if any(hint in name for hint in _VIDEO_HINTS):
        return MediaKind.VIDEO
    if any(hint in name for hint in _AUDIO_HINTS):
        return MediaKind.AUDIO
    for key in ("output_format", "format"):
        value = (input or {}).get(key)
        if isinstance(value, str) and value.lower() in _FORMAT_KINDS:
            return _FORMAT_KINDS[value.lower()]
    return MediaKind.IMAGE


def render(kind: MediaKind, seed_text: str) -> MediaFile:
    seed = hashlib.sha256(seed_text.encode()).digest()
    if kind is MediaKind.AUDIO:
        return MediaFile(wav_tone(seed), "audio/wav", "wav")
    if kind is MediaKind.VIDEO:
        return MediaFile(mp4_clip(seed), "video/mp4", "mp4")
    return MediaFile(png_gradient(seed), "image/png", "png")


def png_gradient(seed: bytes, width: int = 128, height: int = 128) -> bytes:
    """An RGB PNG fading from the seed's colour to its complement, left to right."""
    start = seed[0:3]
    end = bytes(255 - c for c in start)
    row = bytearray()
    for x in range(width):
        t = x / max(width - 1, 1)
        row += bytes(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
    shade = bytes(seed[3] % 64 for _ in range(width * 3))
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type: none
        raw += bytes((c + s * y // height) % 256 for c, s in zip(row, shade, strict=True))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _png_chunk(b"IEND", b"")
    )


def png_layer(seed: bytes, index: int, size: int = 96) -> bytes:
    """An RGBA PNG: one opaque square of the seed's colour on a transparent ground, placed by
    ``index`` — a stand-in for one layer of a layer decomposition."""
    colour = bytes(seed[(3 * index + k) % len(seed)] for k in range(3)) + b"\xff"
    clear = b"\x00\x00\x00\x00"
    left = (index * 17) % (size // 2)
    raw = bytearray()
    for y in range(size):
        raw.append(0)
        inside_row = left <= y < left + size // 2
        for x in range(size):
            raw += colour if inside_row and left <= x < left + size // 2 else clear
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def wav_tone(seed: bytes, seconds: float = 1.0, rate: int = 16000) -> bytes:
    """16-bit mono PCM: a sine between 220 and 730 Hz with short fades (no clicks)."""
    frequency = 220 + seed[0] * 2
    count = int(seconds * rate)
    fade = rate // 50
    samples = bytearray()
    for n in range(count):
        envelope = min(1.0, n / fade, (count - n) / fade)
        value = int(0.4 * 32767 * envelope * math.sin(2 * math.pi * frequency * n / rate))
        samples += struct.pack("<h", value)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(samples))
    return b"RIFF" + struct.pack("<I", len(body) + len(samples)) + body + bytes(samples)


_GIF_COLOURS = 128  # LZW minimum code size 7: every code is exactly one byte, see _lzw_literal


def animated_gif(seed: bytes, width: int = 64, height: int = 64, frames: int = 8) -> bytes:
    """A looping GIF89a whose diagonal colour bands move one step per frame."""
    palette = bytearray()
    for i in range(_GIF_COLOURS):
        t = i / (_GIF_COLOURS - 1)
        palette += bytes(round(c * t + (255 - c) * (1 - t)) for c in seed[0:3])
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", width, height, 0x80 | (6 << 4) | 6, 0, 0)
    out += palette
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    for frame in range(frames):
        out += b"\x21\xf9\x04\x00" + struct.pack("<H", 10) + b"\x00\x00"  # 0.1 s per frame
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
        pixels = bytes(((x + y) * 2 + frame * 16) % _GIF_COLOURS for y in range(height) for x in range(width))
        out += b"\x07" + _sub_blocks(_lzw_literal(pixels)) + b"\x00"
    out += b"\x3b"
    return bytes(out)


def _lzw_literal(pixels: bytes) -> bytes:
    """LZW data that uses literal codes only (valid, just uncompressed).

    With 8-bit codes (clear = 128, end = 129) the decoder's table grows by one per code; sending a
    clear code every 125 pixels keeps it below 256, so the code width never changes and each code
    is one byte.
    """
    clear, end, run = 128, 129, 125
    out = bytearray()
    for i in range(0, len(pixels), run):
        out.append(clear)
        out += pixels[i : i + run]
    out.append(end)
    return bytes(out)


def _sub_blocks(data: bytes) -> bytes:
    return b"".join(bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255))
