"""Prices per unit as cards, buttons and recipes state them (``unit_price``)."""

from __future__ import annotations

from decimal import Decimal

from engine.loader.bundle import load_bundle
from plugins.catalog.recipes import RecipePrice, unit_price
from tests.conftest import PROJECT_ROOT

BUNDLE = load_bundle(PROJECT_ROOT)


def price(model: str, values: dict[str, object] | None = None) -> RecipePrice:
    return unit_price(BUNDLE.models[model].entry, values)  # type: ignore[arg-type]


def test_a_voice_over_is_priced_per_100_characters_not_per_1000() -> None:
    # 6 credits per 1000 characters: a card saying the price of 1000 ("от 5,70 ₽") misleads
    # when an 86-character order costs a tenth of it
    assert price("elevenlabs/text-to-speech-turbo-2-5") == RecipePrice(Decimal("0.6"), "characters", 100)


def test_a_video_priced_per_duration_choice_is_priced_per_second() -> None:
    # Kling 2.6: 5 s for 55 credits, 10 s for 110, with or without sound at other rates
    found = price("kling-2.6/text-to-video")
    assert found.unit == "seconds" and found.amount == 1
    assert found.credits == Decimal(55) / 5 and found.at_least  # sound costs more


def test_a_video_priced_per_second_of_its_duration() -> None:
    found = price("bytedance/seedance-2", {"resolution": "720p"})
    assert found == RecipePrice(Decimal(41), "seconds")


def test_a_video_whose_price_mixes_length_and_quality_states_the_clip_it_buys() -> None:
    # Hailuo 2.3 Pro: 6 s at 768P for 45 credits, 10 s for 90, 1080P for 80 — not a rate per
    # second, so "from 45 per video" would hide that a longer clip costs twice as much
    assert price("hailuo/2-3-image-to-video-pro") == RecipePrice(Decimal(45), "clip", 6, at_least=True)
    # Sora 2 counts its length in n_frames ("10" = 10 s); Runway's cheapest is 5 s at 720p
    assert price("sora-2-text-to-video") == RecipePrice(Decimal(20), "clip", 10, at_least=True)
    assert price("runway") == RecipePrice(Decimal(12), "clip", 5, at_least=True)
    # a recipe that fixes the length states the exact price of that clip
    assert price("sora-2-text-to-video", {"n_frames": "15"}) == RecipePrice(Decimal(25), "clip", 15)
    # a per-second model whose recipe fixes the length: the price of that clip
    assert price("kling/v2-1-standard", {"duration": "5"}) == RecipePrice(Decimal(25), "clip", 5)


def test_a_video_of_one_length_at_several_resolutions_is_priced_per_video() -> None:
    assert price("wan/2-2-a14b-text-to-video-turbo") == RecipePrice(Decimal(40), "video", at_least=True)


def test_a_picture_at_one_price_is_exact_and_one_with_choices_says_from() -> None:
    assert price("z-image") == RecipePrice(Decimal("0.8"), "image")
    assert price("nano-banana-2").at_least and price("nano-banana-2").unit == "image"
    assert not price("nano-banana-2", {"resolution": "2K"}).at_least


def test_a_price_per_second_of_the_users_audio() -> None:
    assert price("infinitalk/from-audio") == RecipePrice(Decimal(3), "seconds", at_least=True)
    assert price("infinitalk/from-audio", {"resolution": "720p"}) == RecipePrice(Decimal(12), "seconds")
