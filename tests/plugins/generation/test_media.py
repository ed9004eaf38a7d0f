"""A result is delivered only when its bytes are what its model's category promises."""

from __future__ import annotations

import pytest

from plugins.generation.media import content_problem

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 32
WAV = b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 32
METRICS = b"bot_updates_total 12\n"


@pytest.mark.parametrize(
    ("data", "declared", "category"),
    [
        (PNG, "image/png", "text-to-image"),
        (PNG, "application/octet-stream", "image-edit"),
        (PNG, "", "text-to-image"),
        (MP4, "video/mp4", "text-to-video"),
        (GIF, "image/gif", "image-to-video"),  # a GIF result is a video too
        (WAV, "audio/wav", "text-to-speech"),
        (PNG, "image/png", "upscale"),
        (b"PK\x03\x04", "application/zip", "other"),  # tools promise no media family
    ],
)
def test_what_the_category_promises_is_delivered(data: bytes, declared: str, category: str) -> None:
    assert content_problem(data, declared, category) is None


@pytest.mark.parametrize(
    ("data", "declared", "category"),
    [
        (METRICS, "text/plain", "text-to-image"),  # the bot's own /metrics
        (b"<html>", "text/html", "text-to-video"),
        (WAV, "audio/wav", "text-to-image"),  # an image result must be an image
        (PNG, "image/png", "text-to-speech"),
        (PNG, "text/html", "upscale"),  # the declared type contradicts the bytes
        (MP4, "audio/mpeg", "text-to-video"),
    ],
)
def test_anything_else_is_refused(data: bytes, declared: str, category: str) -> None:
    assert content_problem(data, declared, category) is not None
