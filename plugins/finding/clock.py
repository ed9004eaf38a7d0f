"""Dates as a user reads them: in their own time zone (Settings; Moscow unless changed), with
the zone named, "5 дек, 14:03 МСК". The wording (month names, "МСК") is in the locales; here
is only which zone and which moment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg

from engine.loader.bundle import Bundle


@dataclass(frozen=True)
class Zone:
    """A zone users may choose: its key (stored, and its name's locale key), the IANA zone, and
    the offset used if this machine has no tz database (none of these observe DST today)."""

    key: str
    iana: str
    hours: int

    def tz(self) -> tzinfo:
        try:
            return ZoneInfo(self.iana)
        except ZoneInfoNotFoundError:
            return timezone(timedelta(hours=self.hours))


ZONES: tuple[Zone, ...] = (
    Zone("kaliningrad", "Europe/Kaliningrad", 2),
    Zone("moscow", "Europe/Moscow", 3),
    Zone("samara", "Europe/Samara", 4),
    Zone("yekaterinburg", "Asia/Yekaterinburg", 5),
    Zone("omsk", "Asia/Omsk", 6),
    Zone("novosibirsk", "Asia/Novosibirsk", 7),
    Zone("irkutsk", "Asia/Irkutsk", 8),
    Zone("yakutsk", "Asia/Yakutsk", 9),
    Zone("vladivostok", "Asia/Vladivostok", 10),
    Zone("magadan", "Asia/Magadan", 11),
    Zone("kamchatka", "Asia/Kamchatka", 12),
    Zone("minsk", "Europe/Minsk", 3),
    Zone("almaty", "Asia/Almaty", 5),
    Zone("tashkent", "Asia/Tashkent", 5),
    Zone("tbilisi", "Asia/Tbilisi", 4),
    Zone("utc", "UTC", 0),
)
BY_KEY = {z.key: z for z in ZONES}
DEFAULT_ZONE = BY_KEY["moscow"]

#: the variables of ``finding.date`` (rendered here) and ``finding.zone_offset``
DATE_TEXTS: dict[str, dict[str, type]] = {
    "finding.date": {
        "day": int,
        "month": int,
        "year": int,
        "this_year": bool,
        "today": bool,
        "time": str,
        "zone": str,
        "offset": str,
    },
    **{f"finding.zones.{z.key}": {} for z in ZONES},
}


def offset_text(offset: timedelta | None) -> str:
    """+3, −2, +5:30 — the UTC offset as people write it."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


class Clock:
    """Each user's zone (``user_settings``) and how a moment reads in it."""

    def __init__(self, bundle: Bundle, pool: asyncpg.Pool | None) -> None:
        self.bundle = bundle
        self.pool = pool

    async def zone(self, user_id: int) -> Zone:
        if self.pool is None:
            return DEFAULT_ZONE
        key = await self.pool.fetchval("SELECT time_zone FROM user_settings WHERE user_id = $1", user_id)
        return BY_KEY.get(key or "", DEFAULT_ZONE)

    async def set_zone(self, user_id: int, zone: Zone) -> None:
        assert self.pool is not None
        await self.pool.execute(
            "INSERT INTO user_settings (user_id, time_zone) VALUES ($1, $2)"
            " ON CONFLICT (user_id) DO UPDATE SET time_zone = $2, updated_at = now()",
            user_id,
            zone.key,
        )

    def show(
        self, moment: datetime, zone: Zone, language: str, now: datetime | None = None, *, soon: bool = False
    ) -> str:
        """ "5 дек, 14:03 МСК"; with ``soon`` (a moment in the next hours, as when free runs come
        back) today's date is left out: "14:03 МСК"."""
        tz = zone.tz()
        local = moment.astimezone(tz)
        today = (now or datetime.now(UTC)).astimezone(tz)
        return self.bundle.render(
            "finding.date",
            language,
            {
                "day": local.day,
                "month": local.month,
                "year": local.year,
                "this_year": local.year == today.year,
                "today": soon and local.date() == today.date(),
                "time": local.strftime("%H:%M"),
                "zone": zone.key,
                "offset": offset_text(local.utcoffset()),
            },
        )

    async def for_user(self, user_id: int, language: str) -> Callable[[datetime], str]:
        """How this user reads dates: their zone is read once for a whole list."""
        zone = await self.zone(user_id)
        return lambda moment: self.show(moment, zone, language)

    async def soon_for_user(self, user_id: int, language: str) -> Callable[[datetime], str]:
        """How this user reads a moment later today or soon after: "14:03 МСК", "7 дек, 09:00 МСК"."""
        zone = await self.zone(user_id)
        return lambda moment: self.show(moment, zone, language, soon=True)
