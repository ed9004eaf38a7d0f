"""What Kie receives: form values under Kie's keys, files as Kie URLs — inside lists too."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from engine.files.source import MB, MemoryFiles
from engine.schema.catalog import InputField, ModelEntry
from plugins.generation.inputs import InputBuilder, InputError
from tests.support.media import padded_png, wav

ENTRY = ModelEntry.model_validate(
    {
        "id": "acme/board",
        "vendor": "Acme",
        "category": "text-to-video",
        "name": {"ru": "Доска", "en": "Board"},
        "description": {"ru": "Д", "en": "B"},
        "input": {
            "n_frames": {"type": "enum", "options": ["10", "15"], "required": True},
            "shots": {
                "type": "list",
                "required": True,
                "items": {
                    "scene": {"type": "string", "required": True, "api_name": "Scene"},
                    "duration": {"type": "number", "send_as": "string"},
                    "image_url": {"type": "file", "media": "image"},
                    "extra_urls": {"type": "files", "media": "image"},
                },
            },
            "image_urls": {"type": "files", "media": "image"},
        },
    }
)


class Uploads(InputBuilder):
    """Uploads without Telegram or Kie: a file becomes a Kie-like URL of its id."""

    def __init__(self) -> None:
        super().__init__(files=None, client=None)  # type: ignore[arg-type]

    async def upload(self, file: dict[str, Any], spec: InputField) -> str:
        return f"https://kie.example/{file['file_id']}"


async def test_a_list_of_objects_goes_as_objects_with_kie_keys_and_urls() -> None:
    values = {
        "n_frames": "10",
        "image_urls": [{"file_id": "top"}],
        "shots": [
            {
                "scene": "A fox runs",
                "duration": 4,
                "image_url": {"file_id": "a"},
                "extra_urls": [{"file_id": "b"}, {"file_id": "c"}],
            },
            {"scene": "The fox sleeps", "unknown": "dropped"},
        ],
    }
    built = await Uploads().build(ENTRY, values)
    assert built == {
        "n_frames": "10",
        "image_urls": ["https://kie.example/top"],
        "shots": [
            {
                "Scene": "A fox runs",
                "duration": "4",
                "image_url": "https://kie.example/a",
                "extra_urls": ["https://kie.example/b", "https://kie.example/c"],
            },
            {"Scene": "The fox sleeps"},
        ],
    }


class RecordingKie:
    """Kie's upload endpoint as far as the builder sees it: records what it is given."""

    def __init__(self) -> None:
        self.uploads: list[tuple[bytes, str, str]] = []

    async def upload_file(self, data: bytes, name: str, mime: str, *, upload_path: str) -> Any:
        self.uploads.append((data, name, mime))
        return SimpleNamespace(download_url=f"https://kie.example/{len(self.uploads)}")


async def test_files_go_with_the_type_their_bytes_show_and_within_the_field_cap() -> None:
    kie = RecordingKie()
    files = MemoryFiles({"voice": wav(2), "huge": padded_png(11 * MB)})
    builder = InputBuilder(files, kie)  # type: ignore[arg-type]
    audio = InputField.model_validate({"type": "file", "media": "audio", "max_mb": 10})
    url = await builder.upload({"file_id": "voice", "mime_type": "image/png"}, audio)
    assert url == "https://kie.example/1"
    data, name, mime = kie.uploads[0]
    assert data == wav(2) and name.endswith(".wav") and mime == "audio/wav"
    image = InputField.model_validate({"type": "file", "media": "image", "max_mb": 10})
    with pytest.raises(InputError):
        await builder.upload({"file_id": "huge"}, image)
    with pytest.raises(InputError):
        await builder.upload({"file_id": "gone"}, image)
    assert len(kie.uploads) == 1
