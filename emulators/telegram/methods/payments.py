"""Payments: invoices, pre-checkout answers, Star refunds and the Star transaction list."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from ..errors import QUERY_TOO_OLD, bad_request
from ..models import validate_prices
from ..params import Params
from ..registry import api_method
from ..state import Invoice
from .common import reply_markup, send, target_user

if TYPE_CHECKING:
    from ..bot_api import BotApi

STARS = "XTR"


@api_method("sendInvoice")
async def send_invoice(api: BotApi, params: Params) -> Any:
    user = target_user(api, params)
    title = params.get_str("title") or ""
    description = params.get_str("description") or ""
    payload = params.get_str("payload") or ""
    currency = params.get_str("currency") or ""
    provider_token = params.get_str("provider_token") or ""
    if not 1 <= len(title) <= 32:
        raise bad_request("INVOICE_TITLE_INVALID")
    if not 1 <= len(description) <= 255:
        raise bad_request("INVOICE_DESCRIPTION_INVALID")
    if not 1 <= len(payload.encode("utf-8")) <= 128:
        raise bad_request("INVOICE_PAYLOAD_INVALID")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise bad_request("CURRENCY_INVALID")
    prices = validate_prices(params.get_json("prices", "prices"))
    if currency == STARS and (len(prices) != 1 or provider_token):
        raise bad_request("STARS_INVOICE_INVALID")
    if currency != STARS and not provider_token:
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    total = sum(price.amount for price in prices)
    if total <= 0 or any(price.amount < 0 for price in prices):
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
    reply_markup(params)
    invoice_api = {
        "title": title,
        "description": description,
        "start_parameter": params.get_str("start_parameter") or "",
        "currency": currency,
        "total_amount": total,
    }
    result = send(api, user, params, invoice=invoice_api)
    api.state.invoices.append(
        Invoice(
            chat_id=user.id,
            message_id=result["message_id"],
            title=title,
            description=description,
            payload=payload,
            currency=currency,
            prices=[p.model_dump() for p in prices],
            total_amount=total,
            provider_token=provider_token,
        )
    )
    return result


@api_method("answerPreCheckoutQuery")
async def answer_pre_checkout_query(api: BotApi, params: Params) -> Any:
    record = api.state.pre_checkouts.get(params.get_str("pre_checkout_query_id") or "")
    if record is None or record.ok is not None or record.expired:
        raise bad_request(QUERY_TOO_OLD)
    if not params.has("ok"):
        raise bad_request('parameter "ok" is required')
    ok = params.get_bool("ok")
    error_message = params.get_str("error_message") or None
    if not ok and error_message is None:
        raise bad_request("PAYMENT_ERROR_MESSAGE_EMPTY")
    record.ok, record.error_message = ok, error_message
    record.answered.set()
    api.state.touch()
    return True


@api_method("refundStarPayment")
async def refund_star_payment(api: BotApi, params: Params) -> Any:
    state = api.state
    user_id = params.required_int("user_id")
    payment = state.payments.get(params.get_str("telegram_payment_charge_id") or "")
    if payment is None or payment.user_id != user_id or payment.invoice.currency != STARS:
        raise bad_request("CHARGE_ID_INVALID")
    if payment.refunded:
        raise bad_request("CHARGE_ALREADY_REFUNDED")
    payment.refunded = True
    payment.refund_date = int(time.time())
    refunded = {
        "currency": STARS,
        "total_amount": payment.invoice.total_amount,
        "invoice_payload": payment.invoice.payload,
        "telegram_payment_charge_id": payment.telegram_payment_charge_id,
    }
    message = state.add_message(user_id, from_bot=False, refunded_payment=refunded)
    state.updates.push("message", state.message_api(message))
    return True


@api_method("getStarTransactions")
async def get_star_transactions(api: BotApi, params: Params) -> Any:
    offset = params.get_int("offset", 0) or 0
    limit = params.get_int("limit", 100) or 100
    transactions: list[dict[str, Any]] = []
    for payment in api.state.payments.values():
        if payment.invoice.currency != STARS:
            continue
        partner = {
            "type": "user",
            "transaction_type": "invoice_payment",
            "user": api.state.user(payment.user_id).api(),
            "invoice_payload": payment.invoice.payload,
        }
        transactions.append(
            {
                "id": payment.telegram_payment_charge_id,
                "amount": payment.invoice.total_amount,
                "date": payment.date,
                "source": partner,
            }
        )
        if payment.refunded:
            transactions.append(
                {
                    "id": payment.telegram_payment_charge_id,
                    "amount": payment.invoice.total_amount,
                    "date": payment.refund_date or payment.date,
                    "receiver": partner,
                }
            )
    return {"transactions": transactions[offset : offset + limit]}
