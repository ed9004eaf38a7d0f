"""What Kie receives: form values under Kie's keys, files as Kie URLs — inside lists too."""

from __future__ import annotations

from typing import Any

from engine.schema.catalog import InputField, ModelEntry
from plugins.generation.inputs import InputBuilder

ENTRY = ModelEntry.model_validate({
    "id": "acme/board", "vendor": "Acme", "category": "text-to-video",
    "name": {"ru": "Доска", "en": "Board"}, "description": {"ru": "Д", "en": "B"},
    "input": {
        "n_frames": {"type": "enum", "options": ["10", "15"], "required": True},
        "shots": {"type": "list", "required": True, "items": {
            "scene": {"type": "string", "required": True, "api_name": "Scene"},
            "duration": {"type": "number", "send_as": "string"},
            "image_url": {"type": "file", "media": "image"},
            "extra_urls": {"type": "files", "media": "image"}}},
        "image_urls": {"type": "files", "media": "image"}}})


class Uploads(InputBuilder):
    """Uploads without Telegram or Kie: a file becomes a Kie-like URL of its id."""

    def __init__(self) -> None:
        super().__init__(files=None, client=None)  # type: ignore[arg-type]

    async def upload(self, file: dict[str, Any], spec: InputField) -> str:
        return f"https://kie.example/{file['file_id']}"


async def test_a_list_of_objects_goes_as_objects_with_kie_keys_and_urls() -> None:
    values = {"n_frames": "10", "image_urls": [{"file_id": "top"}], "shots": [
        {"scene": "A fox runs", "duration": 4, "image_url": {"file_id": "a"},
         "extra_urls": [{"file_id": "b"}, {"file_id": "c"}]},
        {"scene": "The fox sleeps", "unknown": "dropped"}]}
    built = await Uploads().build(ENTRY, values)
    assert built == {"n_frames": "10", "image_urls": ["https://kie.example/top"], "shots": [
        {"Scene": "A fox runs", "duration": "4", "image_url": "https://kie.example/a",
         "extra_urls": ["https://kie.example/b", "https://kie.example/c"]},
        {"Scene": "The fox sleeps"}]}
