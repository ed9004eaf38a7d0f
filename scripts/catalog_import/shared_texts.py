"""Texts that repeat across the models of one file: standard field titles, hints and labels move
to its ``field_texts`` once.
"""

from __future__ import annotations

from typing import Any

from .field_texts import FIELD_TEXT, local_text
from .voices import voice_groups


def share_texts(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Move the standard title/hint of a field name used twice or more to ``field_texts``."""
    uses: dict[str, int] = {}
    for entry in entries:
        for name in entry.get("input", {}):
            uses[name] = uses.get(name, 0) + 1
    shared: dict[str, dict[str, Any]] = {}
    for entry in entries:
        for name, field in entry.get("input", {}).items():
            spec = FIELD_TEXT.get(name)
            if spec is None or uses[name] < 2:
                continue
            texts = {"title": local_text(spec[0]), **({"hint": local_text(spec[1])} if len(spec) > 1 else {})}
            if field.get("title") == texts["title"]:
                del field["title"]
                if field.get("hint") == texts.get("hint"):
                    field.pop("hint", None)
                elif "hint" not in field and "hint" in texts:
                    raise SystemExit(f"{entry['id']}: {name} would inherit a hint it lacks")
                shared[name] = texts
    for name, labels in shared_labels(entries).items():
        shared.setdefault(name, {})["labels"] = labels
    groups = _voice_groups(entries)
    if groups:  # the loader gives each voice field the filters that fit its options
        shared.setdefault("voice", {})["groups"] = groups
    return dict(sorted(shared.items()))


def _voice_groups(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Filters for the file's ``voice`` fields (top-level or a list's items), over all their
    voices, when every one is a known voice."""
    values: list[Any] = []
    for entry in entries:
        for field in entry.get("input", {}).values():
            for found in (entry["input"].get("voice"), field.get("items", {}).get("voice")):
                if not isinstance(found, dict) or found.get("type") != "enum":
                    continue
                for option in found.get("options", []):
                    value = option["value"] if isinstance(option, dict) else option
                    if value not in values:
                        values.append(value)
    return voice_groups(values)


def shared_labels(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Option labels every model of the file gives alike move to ``field_texts.<name>.labels``."""
    seen: dict[str, dict[str, list[Any]]] = {}
    for entry in entries:
        for name, field in entry.get("input", {}).items():
            for option in field.get("options", []):
                if isinstance(option, dict):
                    seen.setdefault(name, {}).setdefault(str(option["value"]), []).append(option["label"])
    shared = {
        name: {
            value: labels[0]
            for value, labels in by_value.items()
            if len(labels) > 1 and all(label == labels[0] for label in labels)
        }
        for name, by_value in seen.items()
    }
    for entry in entries:
        for name, field in entry.get("input", {}).items():
            labels = shared.get(name, {})
            if "options" in field:
                field["options"] = [
                    o["value"] if isinstance(o, dict) and str(o["value"]) in labels else o
                    for o in field["options"]
                ]
    return {name: labels for name, labels in shared.items() if labels}
