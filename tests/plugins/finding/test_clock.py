"""Dates in the user's zone with the zone named; Moscow until the user picks another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from engine.loader.bundle import load_bundle
from plugins.finding.clock import BY_KEY, DEFAULT_ZONE, ZONES, Clock, offset_text
from tests.conftest import PROJECT_ROOT

BUNDLE = load_bundle(PROJECT_ROOT)
MOMENT = datetime(2026, 12, 5, 11, 3, tzinfo=UTC)


def test_moscow_is_named_msk_and_others_by_offset() -> None:
    clock = Clock(BUNDLE, None)
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert clock.show(MOMENT, DEFAULT_ZONE, "ru", now) == "5 дек, 14:03 МСК"
    assert clock.show(MOMENT, DEFAULT_ZONE, "en", now) == "5 Dec, 14:03 MSK"
    assert clock.show(MOMENT, BY_KEY["vladivostok"], "ru", now) == "5 дек, 21:03 UTC+10"
    assert clock.show(MOMENT, BY_KEY["utc"], "ru", now) == "5 дек, 11:03 UTC+0"
    assert clock.show(MOMENT, DEFAULT_ZONE, "ru", datetime(2027, 1, 2, tzinfo=UTC)) == "5 дек 2026, 14:03 МСК"


def test_a_moment_coming_today_is_a_time_with_its_zone() -> None:
    # when free runs come back: "14:03 МСК" today, with the date only on another day
    clock = Clock(BUNDLE, None)
    same_day = datetime(2026, 12, 5, 9, tzinfo=UTC)
    assert clock.show(MOMENT, DEFAULT_ZONE, "ru", same_day, soon=True) == "14:03 МСК"
    assert clock.show(MOMENT, BY_KEY["vladivostok"], "en", same_day, soon=True) == "21:03 UTC+10"
    assert clock.show(MOMENT, DEFAULT_ZONE, "ru", datetime(2026, 12, 4, 9, tzinfo=UTC), soon=True) == (
        "5 дек, 14:03 МСК"
    )


def test_offsets_as_people_write_them() -> None:
    assert offset_text(timedelta(hours=3)) == "+3"
    assert offset_text(timedelta(hours=-2)) == "−2"
    assert offset_text(timedelta(hours=5, minutes=30)) == "+5:30"


def test_every_zone_has_a_name_in_both_languages() -> None:
    for zone in ZONES:
        for language in ("ru", "en"):
            assert BUNDLE.locales[language].texts.get(f"finding.zones.{zone.key}") is not None


async def test_a_users_zone_is_kept(pool: asyncpg.Pool) -> None:
    clock = Clock(BUNDLE, pool)
    assert await clock.zone(1) == DEFAULT_ZONE
    await clock.set_zone(1, BY_KEY["omsk"])
    await clock.set_zone(1, BY_KEY["samara"])
    assert await clock.zone(1) == BY_KEY["samara"]
    assert await clock.zone(2) == DEFAULT_ZONE
    show = await clock.for_user(1, "ru")
    assert show(MOMENT).endswith("UTC+4")
