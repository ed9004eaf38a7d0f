"""A file a form receives is fetched once, capped, and judged by its bytes."""

from __future__ import annotations

from typing import Any

import pytest

from engine.files.source import MB, MemoryFiles
from engine.runtime.forms.received import inspect, size_cap
from engine.runtime.forms.values import Refusal
from engine.schema.catalog import InputField
from tests.support.media import exe, mkv, mp4, padded_png, png, svg, wav

AUDIO = InputField.model_validate(
    {
        "type": "file",
        "media": "audio",
        "max_mb": 10,
        "max_seconds": 30,
        "accept": ["audio/mpeg", "audio/x-wav"],
    }
)
VIDEO = InputField.model_validate({"type": "file", "media": "video"})
IMAGE = InputField.model_validate(
    {"type": "file", "media": "image", "max_mb": 1, "accept": ["image/jpeg", "image/png"]}
)


async def received(spec: InputField, data: bytes) -> dict[str, Any] | Refusal:
    files = MemoryFiles({"f": data})
    result = await inspect(spec, {"file_id": "f", "kind": "document", "file_name": "x.png"}, files)
    assert files.fetched == ["f"]  # one fetch, whatever the outcome
    return result


async def test_a_recording_keeps_its_measured_length_and_true_type() -> None:
    value = await received(AUDIO, wav(12.5))
    assert value == {
        "file_id": "f",
        "kind": "document",
        "file_name": "x.png",
        "mime_type": "audio/wav",
        "file_size": len(wav(12.5)),
        "seconds": 12.5,
    }


async def test_a_video_without_max_seconds_keeps_its_length_when_readable() -> None:
    value = await received(VIDEO, mp4(4))
    assert isinstance(value, dict) and value["seconds"] == 4.0
    assert await received(VIDEO, mkv(6)) == {
        "file_id": "f",
        "kind": "document",
        "file_name": "x.png",
        "mime_type": "video/x-matroska",
        "file_size": len(mkv(6)),
        "seconds": 6.0,
    }
    broken = await received(VIDEO, b"\x1aE\xdf\xa3" + b"\x00" * 64)
    assert isinstance(broken, dict) and "seconds" not in broken  # no max_seconds: nothing priced


@pytest.mark.parametrize(
    ("spec", "data", "key"),
    [
        (AUDIO, b"ID3" + b"\x00" * 2000, "form.error_file_unreadable"),  # priced per second
        (AUDIO, wav(31), "form.error_file_long"),
        (AUDIO, png(), "form.error_file_kind"),
        (AUDIO, b"OggS" + b"\x00" * 100, "form.error_file_type"),  # audio, not accepted
        (IMAGE, exe(), "form.error_file_kind"),
        (IMAGE, svg(), "form.error_file_kind"),
        (IMAGE, b"RIFF\x00\x00\x00\x00WEBPVP8 ", "form.error_file_type"),
        (IMAGE, padded_png(2 * MB), "form.error_file_size"),
    ],
)
async def test_refusals_by_content(spec: InputField, data: bytes, key: str) -> None:
    assert await received(spec, data) == Refusal(key)


async def test_a_file_that_cannot_be_fetched_is_refused() -> None:
    result = await inspect(IMAGE, {"file_id": "gone"}, MemoryFiles())
    assert result == Refusal("form.error_file_unavailable")


def test_the_cap_is_the_field_s_and_never_above_what_bots_can_download() -> None:
    assert size_cap(IMAGE) == 1 * MB
    assert size_cap(InputField.model_validate({"type": "file", "media": "video", "max_mb": 500})) == 20 * MB
