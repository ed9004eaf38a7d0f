"""A file is what its bytes say, whatever its name or reported type."""

from __future__ import annotations

import pytest

from engine.files.content import ContentKind, accepts, sniff
from tests.support.media import exe, mp4, pdf, png, svg, wav, zip_archive


@pytest.mark.parametrize(
    ("data", "kind", "mime"),
    [
        (png(), ContentKind.IMAGE, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, ContentKind.IMAGE, "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ContentKind.IMAGE, "image/webp"),
        (b"\x00\x00\x00\x18ftypheic", ContentKind.IMAGE, "image/heic"),
        (pdf(), ContentKind.PDF, "application/pdf"),
        (wav(1), ContentKind.AUDIO, "audio/wav"),
        (b"ID3\x04\x00", ContentKind.AUDIO, "audio/mpeg"),
        (b"\xff\xfb\x90\x00", ContentKind.AUDIO, "audio/mpeg"),  # an MP3 frame, no tag
        (b"\xff\xf1\x50\x80", ContentKind.AUDIO, "audio/aac"),  # an ADTS frame
        (b"OggS\x00\x02", ContentKind.AUDIO, "audio/ogg"),
        (b"\x00\x00\x00\x20ftypM4A \x00", ContentKind.AUDIO, "audio/mp4"),
        (mp4(2), ContentKind.VIDEO, "video/mp4"),
        (mp4(2, b"qt  "), ContentKind.VIDEO, "video/quicktime"),
        (b"\x1aE\xdf\xa3\x9f", ContentKind.VIDEO, "video/x-matroska"),
    ],
)
def test_known_formats_by_their_magic_numbers(data: bytes, kind: ContentKind, mime: str) -> None:
    found = sniff(data)
    assert found is not None and (found.kind, found.mime) == (kind, mime)


@pytest.mark.parametrize(
    "data",
    [
        exe(),
        zip_archive(),
        svg(),
        b"",
        b"hello",
        b"\xff\xff\xff\xff",
        b"<html><body>receipt</body></html>",
        b"RIFF\x00\x00\x00\x00AVIX",
    ],
)
def test_anything_else_is_nothing_the_bot_takes(data: bytes) -> None:
    assert sniff(data) is None


def test_accept_lists_match_by_format_whatever_the_spelling() -> None:
    wave, jpeg = sniff(wav(1)), sniff(b"\xff\xd8\xff\xe0")
    assert wave is not None and jpeg is not None
    assert accepts(["audio/mpeg", "audio/x-wav"], wave)
    assert accepts(["image/jpg"], jpeg)
    assert not accepts(["image/png"], jpeg)
