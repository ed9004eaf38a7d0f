"""Which fields a form asks, on shipped models whose fields depend on earlier answers."""

from __future__ import annotations

from engine.loader.bundle import load_bundle
from engine.runtime.forms.state import SUMMARY, FormState, missing_required, next_step
from engine.schema.catalog import ModelEntry
from tests.conftest import PROJECT_ROOT

BUNDLE = load_bundle(PROJECT_ROOT)


def asked(entry: ModelEntry, answers: dict[str, object]) -> list[str]:
    """The fields a user answering ``answers`` (in order, as asked) is asked, in order."""
    state = FormState(screen="s", model=entry.id)
    seen: list[str] = []
    while (step := next_step(entry, state)) != SUMMARY:
        seen.append(step)
        if step in answers:
            state.values[step] = answers[step]
        else:
            state.skipped.append(step)
    assert not missing_required(entry, state), missing_required(entry, state)
    return seen


def test_suno_asks_a_description_unless_in_custom_mode() -> None:
    entry = BUNDLE.models["ai-music-api/generate"].entry
    simple = asked(entry, {"custom_mode": False, "prompt": "an upbeat jingle", "instrumental": True})
    assert "prompt" in simple
    assert not {"style", "title", "lyrics", "vocal_gender", "duration"} & set(simple)
    custom = asked(
        entry,
        {
            "custom_mode": True,
            "instrumental": False,
            "style": "synth-pop",
            "title": "Sale",
            "lyrics": "la la",
            "vocal_gender": "f",
        },
    )
    assert {"style", "title", "lyrics", "vocal_gender"} <= set(custom)
    assert "prompt" not in custom
    instrumental = asked(
        entry, {"custom_mode": True, "instrumental": True, "style": "lo-fi", "title": "Calm"}
    )
    assert not {"lyrics", "vocal_gender", "prompt"} & set(instrumental)


def test_runway_asks_the_aspect_ratio_only_without_a_photo() -> None:
    entry = BUNDLE.models["runway"].entry
    photo = {"file_id": "x", "kind": "photo", "mime_type": "image/jpeg"}
    with_photo = asked(entry, {"prompt": "a car", "duration": 5, "quality": "720p", "image_url": photo})
    without = asked(entry, {"prompt": "a car", "duration": 5, "quality": "720p", "aspect_ratio": "9:16"})
    assert "aspect_ratio" not in with_photo and "aspect_ratio" in without
