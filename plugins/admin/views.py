"""What the admin plug-in's queries and actions take and return (typed for the linter)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field

from engine.plugin import PluginModel
from plugins.generation.job import JobState
from plugins.wallet.ledger import Kind

#: the user card, opened also by forwarding a user's message
CARD_SCREEN = "admin.users.card"

#: times are shown in the owner's zone, with its name
DISPLAY_ZONE = ZoneInfo("Europe/Moscow")


def show_time(moment: datetime) -> str:
    return moment.astimezone(DISPLAY_ZONE).strftime("%d.%m.%Y %H:%M %Z")


class Args(PluginModel):
    model_config = ConfigDict(extra="forbid")


class UserArgs(Args):
    user: int


class FindArgs(Args):
    query: str = Field(max_length=200)


class JobArgs(Args):
    job: str = Field(max_length=64)


class AmountArgs(Args):
    amount: str = Field(max_length=40)


class PrepareArgs(Args):
    user: int
    amount: int
    reason: str = Field(max_length=500)


class PreviewArgs(Args):
    user: int
    amount: int


class AdjustArgs(Args):
    user: int
    amount: int
    reason: str = Field(min_length=3, max_length=500)
    nonce: str = Field(min_length=8, max_length=64)


class BlockArgs(Args):
    user: int
    blocked: bool


class MessageArgs(Args):
    user: int
    text: str = Field(min_length=1, max_length=4000)


class GrantArgs(Args):
    user: int
    role: Literal["support", "admin"]


class AuditArgs(Args):
    admin: int | None = None
    user: int | None = None


class EntryArgs(Args):
    entry: int


class Found(PluginModel):
    user: int


class UserCard(PluginModel):
    user_id: int
    name: str
    username: str
    language: str
    role: str
    balance_text: str
    free_hour: int
    free_day: int
    free_hourly_limit: int
    free_daily_limit: int
    jobs: int
    receipts_pending: int
    receipts_total: int
    blocked: bool
    block_reason: str
    bot_blocked: bool
    seen: str


class OperationItem(PluginModel):
    id: int
    amount_text: str
    kind: Kind  # named by the row's text, in the reader's language
    detail: str = Field("", description="the model it paid for, or the note (a correction's reason)")
    time: str


class JobItem(PluginModel):
    id: str
    user_id: int
    model: str
    state: JobState
    price_text: str
    charged: bool
    refunded: bool
    time: str


class Amount(PluginModel):
    kopecks: int
    text: str


class Prepared(PluginModel):
    nonce: str
    reason: str


class Preview(PluginModel):
    amount_text: str
    before_text: str
    after_text: str


class Adjusted(PluginModel):
    before_text: str
    after_text: str


class Refunded(PluginModel):
    user: int
    amount_text: str


class BlockState(PluginModel):
    user: int
    blocked: bool


class Done(PluginModel):
    user: int


class StaffItem(PluginModel):
    user_id: int
    role: str
    name: str


class AuditItem(PluginModel):
    id: int
    admin_id: int
    action: str
    target_user: int | None
    subject: str
    old_value: str
    new_value: str
    note: str
    time: str
    action_text: str  # the action's name in the reader's language
    admin_text: str  # "Anna (1001)"
    target_text: str
    subject_text: str
    old_text: str  # values in their unit ("190 ₽", "да")
    new_text: str


class DashboardArgs(Args):
    period: Literal["today", "week", "month"]


class ModelLine(PluginModel):
    """One model's runs in the period, as the dashboard lists them."""

    name: str
    runs: int
    failed: int
    failure_percent: str
    median: str


class Dashboard(PluginModel):
    """The period's figures, money already written as the owner reads it."""

    since: str
    topups_text: str
    topup_stars_text: str
    topup_transfer_text: str
    spent_text: str
    kie_cost_text: str
    kie_credits: str
    refunds_text: str
    stars_refunded_text: str  # top-ups given back in Stars
    net_topups_text: str  # top-ups less Stars refunds
    given_away_text: str
    given_welcome_text: str
    given_referral_text: str
    given_promo_text: str
    margin_text: str
    free_runs: int
    new_users: int
    active_users: int
    paying_users: int
    jobs_without_credits: int
    models: list[ModelLine]
    kie_balance: str  # Kie.ai credits left; empty when Kie.ai did not answer
