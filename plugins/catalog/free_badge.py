"""What a user is told about a free-tier model: free now (runs left), or free runs used up and
when one comes back. The free tier is per user, per model, in rolling windows
(``plugins.wallet.free_tier``), so the 🆓 badge is worked out for the person looking: a model
whose runs are used up shows its price like any paid model, never a badge it will not honour."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from pydantic import BaseModel

from plugins.wallet.service import Wallet
from plugins.wallet.views import DISPLAY_TZ


class FreeBadge(BaseModel):
    free: bool = False  # in the free tier with a run left: this run costs nothing
    used_up: bool = False  # in the free tier, but no run left: this run is paid
    back: str = ""  # when a free run comes back (Moscow time), "" when not used up
    left: int = 0


NOT_FREE = FreeBadge()


def back_text(moment: datetime, now: datetime | None = None) -> str:
    """ "14:05" today (Moscow time), "07.12 14:05" on another day."""
    local = moment.astimezone(DISPLAY_TZ)
    today = (now or datetime.now(UTC)).astimezone(DISPLAY_TZ).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%d.%m %H:%M")


async def free_badge(wallet: Wallet, user_id: int, model_id: str, free_models: Collection[str]) -> FreeBadge:
    if model_id not in free_models:
        return NOT_FREE
    status = await wallet.free_status(user_id, model_id)
    if status.left > 0:
        return FreeBadge(free=True, left=status.left)
    return FreeBadge(used_up=True, back=back_text(status.back_at) if status.back_at else "")
