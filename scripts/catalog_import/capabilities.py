"""Short facts for a model's description (length, top resolution, sound …) read from its fields.

Drawn only from the collectable schema, so a description never promises what the form lacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def _seconds_phrase(values: list[int], span: bool = False) -> tuple[str, str]:
    values = sorted(set(values))
    if len(values) == 1:
        return f"{values[0]} с", f"{values[0]} s"
    if len(values) == 2 and not span:
        return f"{values[0]} или {values[1]} с", f"{values[0]} or {values[1]} s"
    return f"{values[0]}–{values[-1]} с", f"{values[0]}–{values[-1]} s"


def _numeric(values: Iterable[Any]) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(str(value)))
        except ValueError:
            continue
    return out


def _option_values(field: dict[str, Any]) -> list[Any]:
    return [o["value"] if isinstance(o, dict) else o for o in field.get("options", [])]


INPUT_IMAGES = frozenset(
    {"image_urls", "input_urls", "image_input", "reference_image_urls", "reference_image"}
)
RESOLUTION_ORDER = [
    "360p",
    "480p",
    "512p",
    "540p",
    "580p",
    "720p",
    "768p",
    "1k",
    "1080p",
    "1.5k",
    "2k",
    "3k",
    "4k",
    "8k",
]


def capabilities(fields: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Short facts for a description, from the collectable schema (never invented)."""
    caps: list[tuple[str, str]] = []
    for name in ("duration", "n_frames"):
        field = fields.get(name)
        if field and field["type"] == "enum":
            secs = _numeric(_option_values(field))
            if secs:
                caps.append(_seconds_phrase(secs))
                break
        elif field and field.get("minimum", 0) > 0 and field.get("maximum") is not None:
            caps.append(_seconds_phrase([int(field["minimum"]), int(field["maximum"])], span=True))
            break
    for name in ("resolution", "quality", "image_resolution", "output_resolution", "mode"):
        field = fields.get(name)
        if not field or field["type"] != "enum":
            continue
        found = [str(v).lower() for v in _option_values(field) if str(v).lower() in RESOLUTION_ORDER]
        if found:
            best = max(found, key=RESOLUTION_ORDER.index).replace("k", "K").replace("p", "p")
            caps.append((f"до {best}", f"up to {best}"))
            break
    for name in ("sound", "audio", "generate_audio", "generate_audio_switch"):
        field = fields.get(name)
        if field and field["type"] == "boolean":
            caps.append(
                ("со звуком", "with sound")
                if field.get("default") is True
                else ("звук по желанию", "optional sound")
            )
            break
    if any(
        n in fields for n in ("last_frame_url", "end_image_url", "tail_image_url", "last_frame_image_url")
    ):
        caps.append(("можно задать последний кадр", "optional last frame"))
    for name in ("num_images", "n", "max_images"):
        field = fields.get(name)
        if field:
            most = max(_numeric(_option_values(field)) or [int(field.get("maximum") or 1)])
            if most > 1:
                caps.append((f"до {most} картинок за раз", f"up to {most} images per run"))
            break
    for name, field in fields.items():
        if name in INPUT_IMAGES and field["type"] == "files" and (field.get("max_items") or 0) > 1:
            caps.append(
                (f"до {field['max_items']} изображений на входе", f"up to {field['max_items']} input images")
            )
            break
    voice = fields.get("voice")
    if voice and voice["type"] == "enum":
        count = len(voice["options"])
        caps.append((f"{count} голосов", f"{count} voices"))
    return caps
