"""What flows see of the money core: pydantic views with amounts already formatted, and the
arguments of the wallet actions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Literal, Protocol

from pydantic import ConfigDict, Field

from engine.plugin import PluginModel
from plugins.wallet.ledger import Kind
from plugins.wallet.money import format_rub
from plugins.wallet.settings import SettingKey

#: dates are shown in Moscow time (UTC+3 all year), the audience's default
DISPLAY_TZ = timezone(timedelta(hours=3), "MSK")


def show_date(moment: datetime) -> str:
    """A date where no reader's zone is known (staff screens, a job's own messages without
    the app's clock): Moscow time, and saying so, so no one reads it as their own."""
    return moment.astimezone(DISPLAY_TZ).strftime("%d.%m.%Y %H:%M МСК")


class UserDates(Protocol):
    """How one user reads dates (their time zone, their language): given by the app."""

    async def for_user(self, user_id: int, language: str) -> Callable[[datetime], str]: ...


#: the model names of generations, by job id, in a language: given by the app
JobNames = Callable[[list[str], str], Awaitable[dict[str, str]]]


class View(PluginModel):
    model_config = ConfigDict(frozen=True)


class BalanceView(View):
    kopecks: int
    text: str = Field(description="formatted, e.g. '1 234,50 ₽'")


class OperationItem(View):
    id: int
    kind: Kind
    amount_kopecks: int
    amount_text: str = Field(description="signed, e.g. '+200 ₽' or '−35,40 ₽'")
    note: str
    job_id: str | None
    model_name: str = Field("", description="the model a generation's money was for")
    date: str


class PackageItem(View):
    id: str
    stars: int
    kopecks: int
    label: str
    price_text: str
    payload: str


class ReceiptItem(View):
    id: int
    user_id: int
    amount_kopecks: int
    amount_text: str
    file_id: str
    file_kind: str
    date: str


class WelcomeResult(View):
    granted: bool
    amount_kopecks: int
    amount_text: str


class AmountArgs(PluginModel):
    model_config = ConfigDict(extra="forbid")
    amount: str = Field(max_length=64, description="roubles as the user typed them")


class AmountChecked(View):
    """A top-up amount that fits: ``typed`` is how the next step passes it on (``1500,50``)."""

    kopecks: int
    text: str
    typed: str


class ReceiptSubmitted(View):
    id: int
    amount_kopecks: int
    amount_text: str


class ReceiptDecision(View):
    id: int
    user_id: int
    status: str
    amount_text: str


class Contacts(View):
    """What users are told about paying by transfer and reaching support."""

    transfer: bool = Field(description="top-up by transfer is open: bank details are set")
    bank_details: str
    support: str = Field(description="'@name' or a link; empty when not set")
    support_url: str = Field(description="where the support contact leads")


def support_url(contact: str) -> str:
    return f"https://t.me/{contact[1:]}" if contact.startswith("@") else contact


class SettingItem(View):
    key: str
    value: str


class OperationsArgs(PluginModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(10, ge=1, le=50)


class SubmitReceiptArgs(PluginModel):
    model_config = ConfigDict(extra="forbid")
    amount: str = Field(description="roubles as the user typed them, e.g. '1 500' or '99,90'")
    file_id: str = Field(min_length=1, max_length=255)
    kind: Literal["photo", "document"] = "photo"


class ReceiptIdArgs(PluginModel):
    model_config = ConfigDict(extra="forbid")
    receipt_id: int


class RejectReceiptArgs(PluginModel):
    model_config = ConfigDict(extra="forbid")
    receipt_id: int
    reason: str = Field("", max_length=500)


class SetSettingArgs(PluginModel):
    model_config = ConfigDict(extra="forbid")
    key: SettingKey
    value: str = Field(max_length=100)


def rub(kopecks: int, language: str, *, signed: bool = False) -> str:
    return format_rub(kopecks, language, signed=signed)
