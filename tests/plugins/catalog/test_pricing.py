"""Prices in credits from the shipped catalog: the figures are the reference's, exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.loader.bundle import load_bundle
from engine.schema.catalog import ModelEntry
from plugins.catalog.pricing import PricingError, credits_for, price_basis, price_from, usd

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def catalog() -> dict[str, ModelEntry]:
    return {mid: m.entry for mid, m in load_bundle(ROOT).models.items()}


def D(text: str) -> Decimal:
    return Decimal(text)


@pytest.mark.parametrize(
    ("model", "values", "credits"),
    [
        # per video, by duration and resolution (Kie table 2026-06-30)
        ("bytedance/v1-pro-image-to-video", {"duration": "10", "resolution": "1080p"}, "140"),
        ("bytedance/v1-pro-image-to-video", {}, "30"),  # defaults: 5 s, 720p
        ("wan/2-6-text-to-video", {}, "104.5"),  # defaults: 5 s, 1080p
        ("wan/2-6-text-to-video", {"duration": "15", "resolution": "720p"}, "210"),
        ("kling/v2-1-pro", {"duration": "10"}, "100"),
        ("kling-2.6/text-to-video", {"duration": "10", "sound": True}, "220"),
        # per second × duration, by resolution / audio
        ("happyhorse/text-to-video", {"duration": 7, "resolution": "720p"}, "196"),
        ("kling-3.0-omni/text-to-video", {"duration": 10, "audio": True}, "270"),
        ("kling-3.0-omni/text-to-video", {}, "90"),  # 5 s, no audio
        (
            "bytedance/seedance-1.5-pro",
            {"duration": 12, "resolution": "1080p", "generate_audio": True},
            "180",
        ),
        ("kling/v3-turbo-text-to-video", {"duration": 15, "resolution": "1080p"}, "337.5"),
        # per image × number of images, by quality tier
        ("ideogram/character", {"num_images": "3", "rendering_speed": "QUALITY"}, "72"),
        ("nano-banana-pro", {"resolution": "4K"}, "24"),
        ("gpt-image-2-text-to-image", {"resolution": "2K"}, "10"),
        ("qwen/image-edit", {"num_images": "2", "image_size": "square_hd"}, "24"),
        # a hidden field stands in with its default: 10 s is only asked at 768P
        ("hailuo/2-3-image-to-video-pro", {"resolution": "1080P", "duration": "10"}, "80"),
        ("hailuo/2-3-image-to-video-pro", {"resolution": "768P", "duration": "10"}, "90"),
        # flat
        ("z-image", {}, "0.8"),
    ],
)
def test_credits_for_real_models(
    catalog: dict[str, ModelEntry], model: str, values: dict[str, object], credits: str
) -> None:
    assert credits_for(catalog[model], {"prompt": "x", **values}) == D(credits)


def test_per_1000_characters_of_text(catalog: dict[str, ModelEntry]) -> None:
    tts = catalog["elevenlabs/text-to-speech-multilingual-v2"]
    assert credits_for(tts, {"text": "a" * 2500}) == D("30")  # 12 per 1000 characters
    assert price_from(tts) == D("12")
    basis = price_basis(tts)
    assert basis is not None and (basis.field, basis.kind, basis.unit) == ("text", "characters", D("1000"))


def test_per_second_of_uploaded_audio_known_or_worst_case(catalog: dict[str, ModelEntry]) -> None:
    talk = catalog["infinitalk/from-audio"]
    values = {"prompt": "x", "image_url": "i", "audio_url": "a", "resolution": "720p"}
    assert credits_for(talk, values, {"audio_url": 9.2}) == D("120")  # 12/s × ceil(9.2)
    assert credits_for(talk, values) == D("180")  # unknown: 15 s cap


def test_lip_sync_charges_the_longer_media(catalog: dict[str, ModelEntry]) -> None:
    sync = catalog["volcengine/video-to-video-lip-sync"]
    values = {"mode": "lite", "video_url": "v", "audio_url": "a"}
    assert credits_for(sync, values, {"video_url": 20, "audio_url": 35}) == D("280")


def test_video_edit_keeping_the_input_length(catalog: dict[str, ModelEntry]) -> None:
    edit = catalog["wan/2-7-videoedit"]
    assert credits_for(edit, {"video_url": "v"}, {"video_url": 7}) == D("168")  # duration 0
    assert credits_for(edit, {"video_url": "v", "duration": 4}) == D("96")


@pytest.mark.parametrize(
    ("model", "lowest"),
    [
        ("kling/v2-1-pro", "50"),
        ("nano-banana-pro", "18"),
        ("hailuo/2-3-image-to-video-standard", "30"),
        ("bytedance/seedance-1.5-pro", "7"),  # 4 s × 1.75 (480p, no audio)
        ("elevenlabs/audio-isolation", "0.2"),  # per second of audio
        ("ideogram/v3-remix", "3.5"),
    ],
)
def test_price_from_is_the_cheapest_choice(catalog: dict[str, ModelEntry], model: str, lowest: str) -> None:
    assert price_from(catalog[model]) == D(lowest)


def test_every_enabled_model_has_a_price_from(catalog: dict[str, ModelEntry]) -> None:
    for entry in catalog.values():
        if entry.enabled:
            assert price_from(entry) > 0, entry.id


def test_usd_is_half_a_cent_per_credit() -> None:
    assert usd(D("100")) == D("0.500")


def test_errors_name_the_model(catalog: dict[str, ModelEntry]) -> None:
    with pytest.raises(PricingError, match="no price rule"):
        credits_for(catalog["v3-api"], {})
    with pytest.raises(PricingError, match='needs a value for "text"'):
        credits_for(catalog["elevenlabs/text-to-speech-turbo-2-5"], {})


def _entry(price: dict[str, object], inputs: dict[str, object]) -> ModelEntry:
    return ModelEntry.model_validate(
        {
            "id": "t/x",
            "vendor": "T",
            "category": "c",
            "name": {"ru": "x", "en": "x"},
            "description": {"ru": "x", "en": "x"},
            "price": price,
            "input": inputs,
        }
    )


def test_first_matching_case_wins_and_numbers_match_strings() -> None:
    entry = _entry(
        {"cases": [{"when": {"n": 2}, "credits": 3}, {"credits": 1, "per": "n"}]},
        {"n": {"type": "enum", "options": ["1", "2", "3"], "default": "1"}},
    )
    assert credits_for(entry, {"n": "2"}) == D("3")
    assert credits_for(entry, {"n": "3"}) == D("3")
    assert price_from(entry) == D("1")


def test_no_matching_case_is_an_error() -> None:
    entry = _entry(
        {"cases": [{"when": {"q": "a"}, "credits": 3}]},
        {"q": {"type": "enum", "options": ["a", "b"], "default": "a"}},
    )
    with pytest.raises(PricingError, match="no price case matches"):
        credits_for(entry, {"q": "b"})


def test_files_of_video_are_priced_by_total_seconds() -> None:
    entry = _entry(
        {"cases": [{"credits": 2, "per": "clips"}]},
        {"clips": {"type": "files", "media": "video", "max_seconds": 10, "max_items": 3}},
    )
    assert credits_for(entry, {"clips": ["a", "b"]}) == D("40")  # worst case 2 × 10 s
    assert credits_for(entry, {"clips": ["a", "b"]}, {"clips": 12.5}) == D("26")


def test_a_dialogue_is_priced_per_1000_characters_of_all_its_lines(catalog: dict[str, ModelEntry]) -> None:
    dialogue = catalog["elevenlabs/text-to-dialogue-v3"]
    lines = [
        {"text": "a" * 1200, "voice": "EkK5I93UQWFDigLMpZcX"},
        {"text": "b" * 800, "voice": "Z3R5wn05IrDiVCyEkUrK"},
    ]
    assert credits_for(dialogue, {"dialogue": lines}) == D("28")  # 14 per 1000 of 2000
    assert credits_for(dialogue, {"dialogue": lines[:1]}) == D("16.8")
    assert price_from(dialogue) == D("14")
    basis = price_basis(dialogue)
    assert basis is not None and (basis.field, basis.kind) == ("dialogue.text", "characters")


def test_shots_do_not_change_a_price_per_second_of_the_whole_video(catalog: dict[str, ModelEntry]) -> None:
    kling = catalog["kling-3.0/video"]
    shots = [{"prompt": "a", "duration": 4}, {"prompt": "b", "duration": 6}]
    assert credits_for(kling, {"multi_prompt": shots, "duration": "10"}) == D("180")  # pro
    assert credits_for(kling, {"multi_prompt": shots, "duration": "10", "mode": "std", "sound": True}) == D(
        "200"
    )
    assert credits_for(kling, {"multi_prompt": shots, "duration": "3", "mode": "4K"}) == D("201")
    storyboard = catalog["sora-2-pro-storyboard"]
    assert credits_for(storyboard, {"shots": [{"scene": "x", "duration": 5}]}) == D("270")
    assert credits_for(storyboard, {"n_frames": "10"}) == D("150")


def test_a_price_per_item_counts_the_items() -> None:
    entry = ModelEntry.model_validate(
        {
            "id": "acme/talk",
            "vendor": "Acme",
            "category": "text-to-speech",
            "name": {"ru": "Разговор", "en": "Talk"},
            "description": {"ru": "Р", "en": "T"},
            "price": {"cases": [{"credits": 3, "per": "turns"}]},
            "input": {
                "turns": {
                    "type": "list",
                    "required": True,
                    "min_items": 2,
                    "items": {"who": {"type": "string", "required": True}},
                }
            },
        }
    )
    assert credits_for(entry, {"turns": [{"who": "a"}, {"who": "b"}, {"who": "c"}]}) == D("9")
    assert price_from(entry) == D("6")  # the least: 2 items
    basis = price_basis(entry)
    assert basis is not None and basis.kind == "entries"
    with pytest.raises(PricingError, match="needs a value"):
        credits_for(entry, {})


def test_a_price_per_item_field_needs_the_list(catalog: dict[str, ModelEntry]) -> None:
    with pytest.raises(PricingError, match='needs a value for "dialogue"'):
        credits_for(catalog["elevenlabs/text-to-dialogue-v3"], {})
