"""What the ``money`` namespace (receipts and Stars refunds in the console) takes and returns,
typed for the linter; amounts are already written as the admin reads them."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from engine.plugin import PluginModel


class Args(PluginModel):
    model_config = ConfigDict(extra="forbid")


class ReceiptsArgs(Args):
    status: Literal["pending", "decided"]


class ReceiptArgs(Args):
    receipt: int


class ApproveArgs(Args):
    receipt: int
    #: kopecks to credit when the transfer differs from the claim; none: as claimed
    amount: int | None = None


class AmountArgs(Args):
    receipt: int
    amount: str = Field(max_length=40)


class PreviewArgs(Args):
    receipt: int
    amount: int


class RejectArgs(Args):
    receipt: int
    reason: str = Field(max_length=1000)


class UserArgs(Args):
    user: int


class PaymentArgs(Args):
    payment: int


class ReceiptRow(PluginModel):
    id: int
    user_id: int
    status: str  # pending, approved, rejected
    amount_text: str  # credited when approved, else claimed
    date: str  # sent
    decided_at: str
    decided_by: str  # the admin's name, empty while pending


class ReceiptCard(PluginModel):
    id: int
    user_id: int
    user_name: str
    status: str
    claimed_text: str
    credited_text: str  # empty unless approved
    corrected: bool  # credited differs from the claim
    date: str
    decided_by: str  # the admin's name and id, empty while pending
    decided_at: str
    reason: str
    balance_text: str


class Pending(PluginModel):
    """The receipt, while it waits: a row that only a pending receipt shows."""

    id: int
    amount_text: str


class ParsedAmount(PluginModel):
    kopecks: int
    text: str


class ApprovePreview(PluginModel):
    user_id: int
    claimed_text: str
    credited_text: str
    balance_text: str
    after_text: str


class Decision(PluginModel):
    receipt: int


class Reason(PluginModel):
    reason: str


class StarRow(PluginModel):
    id: int
    stars: int
    amount_text: str
    date: str
    state: str  # credited, refused (never credited), pending, refunded, failed


class StarCard(PluginModel):
    id: int
    user_id: int
    stars: int
    amount_text: str
    charge_id: str
    date: str
    state: str
    refunded_by: str
    refunded_at: str
    error: str
    balance_text: str
    covered: bool  # the balance covers taking the top-up back


class Refundable(PluginModel):
    """The payment, while a refund can start or be asked again."""

    id: int
    stars: int
    retry: bool


class StarsRefunded(PluginModel):
    payment: int
    user: int
