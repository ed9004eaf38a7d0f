"""What flows see of growth: views with amounts formatted, and the actions' arguments."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from engine.plugin import PluginModel


class View(PluginModel):
    model_config = ConfigDict(frozen=True)


class ReferralView(View):
    link: str = Field(description="t.me/<bot>?start=ref_<code>")
    share_url: str = Field(description="Telegram's share page for the link")
    invited: int
    paying: int = Field(description="invitees who topped up")
    earned_text: str


class RedeemArgs(PluginModel):
    code: str = Field(max_length=200)


class PromoOutcome(View):
    """What a redeemed code gave, for the texts to say."""

    code: str
    kind: str
    amount_text: str
    percent: int
    cap_text: str
    runs: int
    model: str


class PromoItem(View):
    code: str
    kind: str
    amount_text: str
    percent: int
    cap_text: str
    runs: int
    model: str
    used: int
    max_uses: int
    expires: str
    new_users_only: bool
    disabled: bool
    expired: bool
    cost_text: str


class RedemptionItem(View):
    user_id: int
    date: str
    bonus_text: str
    runs_left: int
    applied: bool


class PromoDetail(PromoItem):
    redemptions: list[RedemptionItem]


class CodeArgs(PluginModel):
    code: str = Field(max_length=64)


class CreatePromoArgs(PluginModel):
    kind: Literal["bonus", "topup_percent", "free_runs"]
    spec: str = Field(max_length=300)
