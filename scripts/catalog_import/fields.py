"""One reference input → one catalog field: its type, media kind, texts, limits and default.

Media fields are recognised by name (``MEDIA``); list and object inputs become the uncollectable
types ``list`` and ``object``, which ``Model`` leaves out or reports as blockers — except a list
of objects whose items the reference describes: a ``list`` with ``items``, each item field
converted like a top-level one (titles may be ``list.field`` in ``FIELD_TEXT``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .field_texts import FIELD_TEXT, LABELS, local_text
from .voices import told_apart

#: reference field → media kind of the file the user sends
MEDIA: dict[str, frozenset[str]] = {
    "image": frozenset(
        {
            "image",
            "image_url",
            "image_urls",
            "input_urls",
            "image_input",
            "input_image",
            "mask_url",
            "reference_image",
            "reference_image_urls",
            "reference_mask_urls",
            "first_frame",
            "first_frame_url",
            "last_frame_url",
            "first_frame_image_url",
            "last_frame_image_url",
            "end_image_url",
            "tail_image_url",
        }
    ),
    "video": frozenset(
        {
            "video_url",
            "video_urls",
            "reference_video",
            "reference_video_urls",
            "first_clip_url",
            "character_file_url",
        }
    ),
    "audio": frozenset(
        {"audio_url", "driving_audio_url", "reference_voice", "reference_audio_urls", "upload_url"}
    ),
}

#: technical knobs a form may tuck under "more settings"
ADVANCED = frozenset(
    {
        "seed",
        "nsfw_checker",
        "enable_safety_checker",
        "num_inference_steps",
        "guidance_scale",
        "shift",
        "acceleration",
        "sync_mode",
        "cfg_scale",
        "output_format",
        "watermark",
        "prompt_optimizer",
        "enable_prompt_expansion",
        "prompt_extend",
        "expand_prompt",
        "stability",
        "similarity_boost",
        "timestamps",
        "language_code",
        "web_search",
        "pe_fast_mode",
        "open_scenedet",
        "align_audio",
        "align_audio_reverse",
        "templ_start_seconds",
        "separate_vocal",
        "return_last_frame",
        "negative_prompt",
        "strength",
        "thinking_mode",
        "enable_sequential",
        "prefer_multi_shots",
        "generate_multi_clip_switch",
        "multi_shots",
        "template_id",
        "remove_watermark",
        "camera_fixed",
        "fixed_lens",
        "speed",
        "style_weight",
        "weirdness_constraint",
        "audio_weight",
        "prompt_influence",
        "temperature",
        ("style", "number"),
    }
)

UNCOLLECTABLE = {
    "object": "object",
    "object-array": "list",
    "array-array": "list",
    "string-array": "list",
    "integer-array": "list",
}

FIELD_KEYS = [
    "type",
    "media",
    "required",
    "required_unless",
    "default",
    "title",
    "hint",
    "options",
    "minimum",
    "maximum",
    "min_length",
    "max_length",
    "min_items",
    "max_items",
    "accept",
    "max_mb",
    "max_seconds",
    "send_as",
    "send",
    "api_name",
    "ask_when",
    "requires",
    "excludes",
    "advanced",
    "from_job",
    "items",
]


def _media_of(name: str) -> str | None:
    for kind, names in MEDIA.items():
        if name in names:
            return kind
    return None


def _options(model_id: str, name: str, ref: dict[str, Any]) -> list[Any]:
    labels = ref.get("enum_labels") or {}
    uses = Counter(labels.get(str(v)) for v in ref["enum"] if str(v) in labels)
    options: list[Any] = []
    for value in ref["enum"]:
        pair = LABELS.get((model_id, name, str(value))) or LABELS.get((name, str(value)))
        if pair is None and str(value) in labels:
            label = labels[str(value)]
            pair = (label, label)
            if uses[label] > 1:  # two voices of one name: each says what it is
                pair = told_apart(str(value), label) or pair
        if pair is None:
            options.append(value)
        else:
            options.append({"value": value, "label": pair[0] if pair[0] == pair[1] else local_text(pair)})
    return options


def _title(name: str, kind: str, parent: str | None = None) -> dict[str, Any]:
    spec = (FIELD_TEXT.get(f"{parent}.{api_safe_name(name)[0]}") if parent else None) or (
        FIELD_TEXT.get((name, kind)) or FIELD_TEXT.get(name)
    )
    if spec is None:
        return {}
    out: dict[str, Any] = {"title": local_text(spec[0])}
    if len(spec) > 1:
        out["hint"] = local_text(spec[1])
    return out


def _default_ok(field: dict[str, Any], value: Any) -> bool:
    kind = field["type"]
    if value is None or value == "" or kind in ("file", "files", "list", "object"):
        return False
    if kind == "enum":
        return any(str(o["value"] if isinstance(o, dict) else o) == str(value) for o in field["options"])
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        low, high = field.get("minimum"), field.get("maximum")
        return (low is None or value >= low) and (high is None or value <= high)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str)


def convert_field(model_id: str, ref: dict[str, Any], parent: str | None = None) -> dict[str, Any]:
    """One reference input (``parent``: of that list's items) → a field of ours; its ``type`` may
    be list/object: uncollectable unless it is a list with ``items``."""
    name, kind = ref["name"], ref["type"]
    field: dict[str, Any] = {}
    if kind == "object-array" and ref.get("items") and parent is None:
        field["type"] = "list"
    elif kind in UNCOLLECTABLE:
        field["type"] = UNCOLLECTABLE[kind]
    elif kind in ("url", "url-array"):
        media = _media_of(name)
        if media is None:
            field["type"] = "list"
        else:
            field["type"] = "file" if kind == "url" else "files"
            field["media"] = media
    elif kind == "enum":
        field["type"] = "enum"
        field["options"] = _options(model_id, name, ref)
    else:
        field["type"] = kind
    if ref.get("required"):
        field["required"] = True
    field.update(_title(name, field["type"], parent))
    if parent is None and (name in ADVANCED or (name, field["type"]) in ADVANCED):
        field["advanced"] = True
    low, high = ref.get("min"), ref.get("max")
    if "range_from_description" in ref:
        low, high = ref["range_from_description"]
    if field["type"] in ("integer", "number"):
        if low is not None:
            field["minimum"] = _number(low)
        if high is not None:
            field["maximum"] = _number(high)
    if field["type"] == "string":
        if ref.get("min_length"):
            field["min_length"] = ref["min_length"]
        if ref.get("max_length"):
            field["max_length"] = ref["max_length"]
    if field["type"] in ("file", "files"):
        if ref.get("accepted_mime"):
            field["accept"] = list(ref["accepted_mime"])
        if ref.get("max_file_mb"):
            field["max_mb"] = _number(ref["max_file_mb"])
    if field["type"] in ("files", "list"):
        if ref.get("min_items"):
            field["min_items"] = ref["min_items"]
        if ref.get("max_items"):
            field["max_items"] = ref["max_items"]
    if _default_ok(field, ref.get("default")):
        field["default"] = ref["default"]
    if field["type"] == "list" and parent is None and ref.get("items"):
        field["items"] = _items(model_id, name, ref["items"])
    if ref.get("bot_only"):  # scripts/verified/: asked and priced here, never a Kie input
        field["send"] = False
    return field


def _items(model_id: str, parent: str, refs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fields of a list's items, by our names, keys in catalog order."""
    items: dict[str, Any] = {}
    for ref in refs:
        name, api_name = api_safe_name(ref["name"])
        field = convert_field(model_id, ref, parent)
        if api_name:
            field["api_name"] = api_name
        items[name] = {k: field[k] for k in sorted(field, key=FIELD_KEYS.index)}
    return items


def uncollectable_item(field: dict[str, Any]) -> str | None:
    """The first item field of a list a form cannot ask, if any."""
    return next((k for k, f in field.get("items", {}).items() if f["type"] in ("list", "object")), None)


def _number(value: Any) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def api_safe_name(name: str) -> tuple[str, str | None]:
    if re.fullmatch(r"[a-z][a-z0-9_]*", name):
        return name, None
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return snake, name
