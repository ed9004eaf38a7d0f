"""What a user is told about a free-tier model: free now (runs left), or free runs used up and
when one comes back. The free tier is per user, per model, in rolling windows
(``plugins.wallet.free_tier``), so the 🆓 badge is worked out for the person looking: a model
whose runs are used up shows its price like any paid model, never a badge it will not honour."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from engine.plugin import PluginModel
from plugins.wallet.service import Wallet
from plugins.wallet.views import DISPLAY_TZ


class FreeBadge(PluginModel):
    free: bool = False  # in the free tier with a run left: this run costs nothing
    used_up: bool = False  # in the free tier, but no run left: this run is paid
    back: str = ""  # when a free run comes back, in the user's zone ("14:05 МСК"); "" when not used up
    left: int = 0


NOT_FREE = FreeBadge()

#: how a moment reads for the user looking (their zone, named), given by the app
ShowMoment = Callable[[datetime], str]


@runtime_checkable
class SoonTimes(Protocol):
    """Each user's way of reading a moment in the next hours (``plugins.finding.clock.Clock``)."""

    async def soon_for_user(self, user_id: int, language: str) -> ShowMoment: ...


def back_text(moment: datetime, now: datetime | None = None) -> str:
    """ "14:05 МСК" today, "07.12 14:05 МСК" on another day: without the app's clock (tests),
    Moscow, the audience's default."""
    local = moment.astimezone(DISPLAY_TZ)
    today = (now or datetime.now(UTC)).astimezone(DISPLAY_TZ).date()
    shown = local.strftime("%H:%M") if local.date() == today else local.strftime("%d.%m %H:%M")
    return f"{shown} МСК"


async def free_badge(
    wallet: Wallet,
    user_id: int,
    model_id: str,
    free_models: Collection[str],
    show: ShowMoment | None = None,
) -> FreeBadge:
    """``show`` reads the moment a free run comes back in the user's own zone."""
    if model_id not in free_models:
        return NOT_FREE
    status = await wallet.free_status(user_id, model_id)
    if status.left > 0:
        return FreeBadge(free=True, left=status.left)
    if status.back_at is None:
        return FreeBadge(used_up=True)
    return FreeBadge(used_up=True, back=(show or back_text)(status.back_at))


async def reader(clock: object, user_id: int, language: str) -> ShowMoment | None:
    """The user's way of reading a coming moment, when the app gave a clock that knows it."""
    return await clock.soon_for_user(user_id, language) if isinstance(clock, SoonTimes) else None
