"""Generated outputs are valid files of their format, decoded here by independent readers."""

from __future__ import annotations

import hashlib
import io
import struct
import wave
import zlib

import pytest

from emulators.kie.media import MediaKind, animated_gif, infer_kind, png_gradient, render, wav_tone

SEED = hashlib.sha256(b"a prompt").digest()


def read_png(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        pos += 12 + length
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(chunks[1][1])
    assert len(raw) == height * (1 + 3 * width)
    return width, height, raw


def lzw_decode(data: bytes, min_size: int) -> list[int]:
    """A plain GIF LZW decoder with growing code widths (not the encoder's shortcut)."""
    clear, end = 1 << min_size, (1 << min_size) + 1
    width, table, out, prev = min_size + 1, {}, [], None
    bits = int.from_bytes(data, "little")
    pos, total = 0, len(data) * 8
    while pos + width <= total:
        code = (bits >> pos) & ((1 << width) - 1)
        pos += width
        if code == clear:
            table = {i: [i] for i in range(clear)}
            width, prev = min_size + 1, None
            continue
        if code == end:
            break
        assert prev is not None or code < clear
        if code in table:
            entry = table[code]
        else:
            assert prev is not None and code == len(table) + 2
            entry = prev + prev[:1]
        out += entry
        if prev is not None:
            table[len(table) + 2] = prev + entry[:1]
            if len(table) + 2 == 1 << width and width < 12:
                width += 1
        prev = entry
    return out


def read_gif(data: bytes) -> tuple[int, int, list[list[int]]]:
    assert data[:6] == b"GIF89a"
    width, height, packed = struct.unpack("<HHB", data[6:11])
    pos = 13 + (3 * (2 << (packed & 7)) if packed & 0x80 else 0)
    frames: list[list[int]] = []
    while data[pos] != 0x3B:
        if data[pos] == 0x21:  # extension: label, then sub-blocks
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        elif data[pos] == 0x2C:
            fw, fh = struct.unpack("<HH", data[pos + 5 : pos + 9])
            min_size = data[pos + 10]
            pos += 11
            blocks = bytearray()
            while data[pos]:
                blocks += data[pos + 1 : pos + 1 + data[pos]]
                pos += data[pos] + 1
            pos += 1
            pixels = lzw_decode(bytes(blocks), min_size)
            assert len(pixels) == fw * fh
            frames.append(pixels)
        else:
            raise AssertionError(f"unexpected block {data[pos]:#x}")
    assert pos == len(data) - 1
    return width, height, frames


def test_png_is_a_valid_gradient() -> None:
    width, height, raw = read_png(png_gradient(SEED))
    assert (width, height) == (128, 128)
    assert raw[1:4] != raw[1 + 3 * 127 : 4 + 3 * 127]  # left and right ends differ


def test_wav_is_a_one_second_tone() -> None:
    with wave.open(io.BytesIO(wav_tone(SEED))) as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) == (1, 2, 16000)
        assert clip.getnframes() == 16000
        samples = struct.unpack("<16000h", clip.readframes(16000))
    assert max(samples) > 10000 and samples[0] == 0


def test_gif_is_an_animation() -> None:
    width, height, frames = read_gif(animated_gif(SEED))
    assert (width, height, len(frames)) == (64, 64, 8)
    assert frames[0] != frames[1]
    assert all(0 <= p < 128 for p in frames[0])


def test_outputs_are_deterministic_per_seed() -> None:
    assert render(MediaKind.IMAGE, "cat") == render(MediaKind.IMAGE, "cat")
    assert render(MediaKind.IMAGE, "cat").data != render(MediaKind.IMAGE, "dog").data
    assert render(MediaKind.AUDIO, "cat").data != render(MediaKind.AUDIO, "dog").data
    assert render(MediaKind.VIDEO, "cat").mime == "video/mp4"
    assert render(MediaKind.VIDEO, "cat").data != render(MediaKind.VIDEO, "dog").data


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        ("nano-banana-2", MediaKind.IMAGE),
        ("google/imagen4-fast", MediaKind.IMAGE),
        ("wan/2-7-image", MediaKind.IMAGE),
        ("kling-2.6/text-to-video", MediaKind.VIDEO),
        ("wan/2-2-a14b-speech-to-video-turbo", MediaKind.VIDEO),
        ("wan/2-7-r2v", MediaKind.VIDEO),
        ("veo-3-1", MediaKind.VIDEO),
        ("bytedance/seedance-2", MediaKind.VIDEO),
        ("elevenlabs/text-to-speech-multilingual-v2", MediaKind.AUDIO),
        ("google/gemini-3-1-flash-tts", MediaKind.AUDIO),
        ("ai-music-api/generate", MediaKind.AUDIO),
        ("elevenlabs/sound-effect-v2", MediaKind.AUDIO),
    ],
)
def test_kind_from_model_id(model: str, kind: MediaKind) -> None:
    assert infer_kind(model) is kind


def test_kind_from_input_format() -> None:
    assert infer_kind("acme/thing", {"output_format": "mp3"}) is MediaKind.AUDIO
    assert infer_kind("acme/thing", {"output_format": "MP4"}) is MediaKind.VIDEO
    assert infer_kind("acme/thing", {"output_format": "png"}) is MediaKind.IMAGE
