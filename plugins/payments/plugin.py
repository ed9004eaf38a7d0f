"""The ``payments`` namespace: a Stars invoice for a package, and telling a user how an admin
decided their manual top-up. Crediting itself is the wallet's, on ``successful_payment``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, Plugin, PluginModel, action
from plugins.payments.notices import NOTICE_TEXTS, Notices, language_of
from plugins.wallet.money import format_rub
from plugins.wallet.service import Wallet

if TYPE_CHECKING:
    from aiogram import Bot


log = logging.getLogger(__name__)


class PackageArgs(PluginModel):
    package: str


class ReceiptArgs(PluginModel):
    receipt_id: int


class InvoiceSent(PluginModel):
    label: str
    stars: int


PAYMENT_TEXTS: dict[str, dict[str, Any]] = {
    "payments.invoice_title": {"label": str},
    "payments.invoice_description": {"label": str, "stars": int},
    "payments.credited": {"amount": str, "balance": str},
    "payments.refused": {},
    "payments.checkout_refused": {},
    "payments.no_such_package": {},
    "payments.receipt_waiting": {"receipt": int, "user": int, "amount": str},
    **NOTICE_TEXTS,
    "payments.back_to_form": {},
}


class PaymentsPlugin(Plugin):
    namespace = "payments"
    texts = PAYMENT_TEXTS

    def __init__(
        self, bundle: Bundle, bot: Bot, wallet: Wallet, admin_ids: frozenset[int] = frozenset()
    ) -> None:
        self.bundle = bundle
        self.bot = bot
        self.wallet = wallet
        self.admin_ids = admin_ids
        self.notices = Notices(wallet.pool, bundle, bot)

    @action
    async def stars_invoice(self, ctx: CallContext, args: PackageArgs) -> InvoiceSent:
        """Send a Telegram Stars invoice for a package; the balance moves only once it is paid."""
        from aiogram.types import LabeledPrice

        package = next((p for p in self.wallet.stars.catalog.packages if p.id == args.package), None)
        if package is None:
            raise ActionError("payments.no_such_package")
        params = {"label": package.label, "stars": package.stars}
        title = self.bundle.render("payments.invoice_title", ctx.language, params)[:32]
        description = self.bundle.render("payments.invoice_description", ctx.language, params)[:255]
        await self.bot.send_invoice(
            ctx.chat_id,
            title=title,
            description=description,
            payload=package.payload,
            currency="XTR",
            prices=[LabeledPrice(label=package.label, amount=package.stars)],
            provider_token="",
        )
        return InvoiceSent(label=package.label, stars=package.stars)

    @action
    async def receipt_outcome(self, ctx: CallContext, args: ReceiptArgs) -> None:
        """Tell the receipt's owner what the admin decided, once (a repeat sends nothing)."""
        receipt = await self.wallet.receipts.get(args.receipt_id)
        if receipt is not None:
            await self.notices.receipt_decided(receipt)

    @action
    async def tell_admins(self, ctx: CallContext, args: ReceiptArgs) -> None:
        """Let every admin know a receipt waits for a decision (they decide in /admin)."""
        receipt = await self.wallet.receipts.get(args.receipt_id)
        if receipt is None or receipt.status != "pending":
            return
        for admin in sorted(self.admin_ids):
            language = await self._language_of(admin)
            text = self.bundle.render(
                "payments.receipt_waiting",
                language,
                {
                    "receipt": receipt.id,
                    "user": receipt.user_id,
                    "amount": format_rub(receipt.amount_kopecks, language),
                },
            )
            try:
                await self.bot.send_message(admin, text, parse_mode="HTML")
            except Exception:  # an admin who blocked the bot must not stop the others
                log.warning("admin %s could not be told about receipt %s", admin, receipt.id)

    @action
    async def show_receipt(self, ctx: CallContext, args: ReceiptArgs) -> None:
        """Send an admin the file of a manual top-up receipt, as it was sent."""
        if not ctx.is_admin:
            raise ActionError("engine.forbidden")
        receipt = await self.wallet.receipts.get(args.receipt_id)
        if receipt is None:
            raise ActionError("wallet.error.receipt_not_found")
        if receipt.file_kind == "photo":
            await self.bot.send_photo(ctx.chat_id, receipt.file_id)
        else:
            await self.bot.send_document(ctx.chat_id, receipt.file_id)

    async def _language_of(self, user_id: int) -> str:
        return await language_of(self.wallet.pool, user_id)
