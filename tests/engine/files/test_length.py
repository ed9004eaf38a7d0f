"""The length of a recording or a video, from the file itself."""

from __future__ import annotations

import pytest

from engine.files.length import seconds
from tests.support.media import mkv, mp4, png, wav


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (wav(4.25), 4.25),
        (wav(0.1), 0.1),
        (mp4(7.5), 7.5),
        (mp4(90, b"qt  "), 90.0),
        (mkv(12.34), 12.34),
        (mkv(3, b"webm"), 3.0),
    ],
)
def test_lengths_read_from_the_bytes(data: bytes, expected: float) -> None:
    assert seconds(data) == pytest.approx(expected)


@pytest.mark.parametrize(
    "data",
    [
        b"ID3" + b"\x00" * 2000,  # a tag and nothing playable
        png(),
        b"",
        b"\x00" * 100,
        wav(0),
        mp4(0),
        wav(3)[:30],
        mkv(0),
        mkv(5)[:40],
        b"\x1aE\xdf\xa3" + b"\xff" * 64,
    ],
)
def test_no_length_when_the_bytes_do_not_tell(data: bytes) -> None:
    assert seconds(data) is None
