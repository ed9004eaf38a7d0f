"""Small real media files for tests: pictures, recordings and videos whose true length is
known, and files that only pretend to be pictures."""

from __future__ import annotations

import io
import struct
import wave
import zipfile
import zlib


def png(size: int = 32) -> bytes:
    raw = b"".join(b"\x00" + bytes([x % 256, 90, 255 - x % 256]) * size for x in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def padded_png(total_bytes: int) -> bytes:
    """A valid PNG made ``total_bytes`` long by an ancillary chunk (a 'big photo')."""
    head = png()
    filler = max(0, total_bytes - len(head) - 12)
    extra = struct.pack(">I", filler) + b"teXt" + b"\x00" * filler + b"\x00\x00\x00\x00"
    return head[:-12] + extra + head[-12:]


def wav(seconds: float, rate: int = 8000) -> bytes:
    """Mono 8-bit silence that plays exactly ``seconds``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(rate * seconds))
    return buffer.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(seconds: float, brand: bytes = b"isom") -> bytes:
    """An MP4 whose movie header says it plays ``seconds`` (one video track, empty media)."""
    timescale, duration = 1000, int(seconds * 1000)
    mvhd = _box(b"mvhd", b"\x00" * 4 + struct.pack(">IIII", 0, 0, timescale, duration) + b"\x00" * 80)
    mdhd = _box(b"mdhd", b"\x00" * 4 + struct.pack(">IIII", 0, 0, timescale, duration) + b"\x00" * 4)
    hdlr = _box(b"hdlr", b"\x00" * 8 + b"vide" + b"\x00" * 13)
    trak = _box(b"trak", _box(b"mdia", mdhd + hdlr))
    ftyp = _box(b"ftyp", brand + b"\x00\x00\x02\x00" + b"isomiso2mp41")
    return ftyp + _box(b"moov", mvhd + trak) + _box(b"mdat", b"\x00" * 64)


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 200


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("receipt.png", png())
    return buffer.getvalue()


def svg() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _element(ident: int, payload: bytes, unknown_size: bool = False) -> bytes:
    size = (
        b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown_size else (b"\x01" + len(payload).to_bytes(7, "big"))
    )
    return ident.to_bytes((ident.bit_length() + 7) // 8, "big") + size + payload


def mkv(seconds: float, doc_type: bytes = b"matroska") -> bytes:
    """A Matroska (or WebM) file whose segment says it plays ``seconds`` (milliseconds at the
    default timecode scale), with a cluster of unknown size after it, as live muxers write."""
    header = _element(0x1A45DFA3, _element(0x4282, doc_type))
    info = _element(
        0x1549A966,
        _element(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
        + _element(0x4489, struct.pack(">d", seconds * 1000)),
    )
    seek_head = _element(0x114D9B74, b"\x00" * 16)
    cluster = _element(0x1F43B675, b"\xe7\x81\x00" + b"\x00" * 32, unknown_size=True)
    return header + _element(0x18538067, seek_head + info + cluster, unknown_size=True)
