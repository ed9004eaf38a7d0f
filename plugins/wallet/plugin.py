"""The ``wallet`` namespace for flows: balance, operations, Stars packages, manual top-ups and
admin settings. Generation money (reserve/capture/release) is not here: the job runner calls
``plugin.wallet`` directly, inside its own transactions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg

from engine.files.source import FileSource, NoFiles
from engine.params import ParamType
from engine.plugin import ActionError, CallContext, NoArgs, Plugin, action, query
from plugins.wallet.errors import InvalidSetting, ReceiptRefused
from plugins.wallet.ledger import Kind
from plugins.wallet.money import parse_rub
from plugins.wallet.receipt_file import check_receipt_file
from plugins.wallet.receipts import Receipt
from plugins.wallet.service import Wallet
from plugins.wallet.settings import SETTING_KEYS, setting_text
from plugins.wallet.topup import PACKAGES_FILE
from plugins.wallet.views import (
    AmountArgs,
    AmountChecked,
    BalanceView,
    Contacts,
    JobNames,
    OperationItem,
    OperationsArgs,
    PackageItem,
    ReceiptDecision,
    ReceiptIdArgs,
    ReceiptItem,
    ReceiptSubmitted,
    RejectReceiptArgs,
    SetSettingArgs,
    SettingItem,
    SubmitReceiptArgs,
    UserDates,
    WelcomeResult,
    rub,
    show_date,
    support_url,
)

#: texts this plug-in shows on its own (refusals raised as ActionError), with their variables
WALLET_TEXTS: dict[str, dict[str, Any]] = {
    "wallet.error.forbidden": {},
    "wallet.error.amount_invalid": {},
    "wallet.error.amount_not_number": {},
    "wallet.error.amount_out_of_range": {"min": str, "max": str},
    "wallet.error.too_many_pending": {"limit": int},
    "wallet.error.already_decided": {},
    "wallet.error.receipt_not_found": {},
    "wallet.error.receipt_file_type": {},
    "wallet.error.receipt_too_big": {"max_mb": int},
    "wallet.error.receipt_unavailable": {},
    "wallet.error.invalid_setting": {"key": str, "reason": str},
    "wallet.error.transfer_unavailable": {},
}


def _admin_only(ctx: CallContext) -> None:
    # the flow guard should stop a non-admin first; this holds even if a flow forgets it
    if not ctx.is_admin:
        raise ActionError("wallet.error.forbidden")


def _refusal(exc: ReceiptRefused, language: str) -> ActionError:
    params = {
        k: rub(v, language) if k in ("min", "max") and isinstance(v, int) else v
        for k, v in exc.params.items()
    }
    return ActionError(f"wallet.error.{exc.reason}", **params)


def _receipt_item(r: Receipt, language: str) -> ReceiptItem:
    return ReceiptItem(
        id=r.id,
        user_id=r.user_id,
        amount_kopecks=r.amount_kopecks,
        amount_text=rub(r.amount_kopecks, language),
        file_id=r.file_id,
        file_kind=r.file_kind,
        date=show_date(r.created_at),
    )


class WalletPlugin(Plugin):
    namespace = "wallet"
    param_types = (
        ParamType("receipt", int, "a top-up receipt (its number)"),
        ParamType("setting", str, "a money setting's key"),
    )
    texts = WALLET_TEXTS

    def __init__(
        self,
        pool: asyncpg.Pool,
        packages_file: Path = PACKAGES_FILE,
        files: FileSource | None = None,
        clock: UserDates | None = None,
        job_names: JobNames | None = None,
    ) -> None:
        self.wallet = Wallet(pool, packages_file)
        self.files: FileSource = files or NoFiles()  # without a source no receipt is taken
        self.clock = clock  # the user's own time zone for operations (Moscow without it)
        self.job_names = job_names  # which model a generation's money was for

    @query
    async def balance(self, ctx: CallContext, args: NoArgs) -> BalanceView:
        """The user's balance."""
        kopecks = await self.wallet.balance(ctx.user_id)
        return BalanceView(kopecks=kopecks, text=rub(kopecks, ctx.language))

    @query
    async def operations(self, ctx: CallContext, args: OperationsArgs) -> list[OperationItem]:
        """The user's latest ledger entries, newest first, in the user's time zone; money of a
        generation names its model."""
        entries = await self.wallet.recent(ctx.user_id, args.limit)
        date = await self.clock.for_user(ctx.user_id, ctx.language) if self.clock else show_date
        jobs = [e.job_id for e in entries if e.job_id]
        names = await self.job_names(jobs, ctx.language) if self.job_names and jobs else {}
        return [
            OperationItem(
                id=e.id,
                kind=Kind(e.kind),
                amount_kopecks=e.amount,
                amount_text=rub(e.amount, ctx.language, signed=True),
                note=e.note,
                job_id=e.job_id,
                model_name=names.get(e.job_id or "", ""),
                date=date(e.created_at),
            )
            for e in entries
        ]

    @query
    async def packages(self, ctx: CallContext, args: NoArgs) -> list[PackageItem]:
        """Stars top-up packages on sale."""
        return [
            PackageItem(
                id=p.id,
                stars=p.stars,
                kopecks=p.kopecks,
                label=p.label,
                price_text=rub(p.kopecks, ctx.language),
                payload=p.payload,
            )
            for p in self.wallet.stars.catalog.packages
        ]

    @query
    async def pending_receipts(self, ctx: CallContext, args: NoArgs) -> list[ReceiptItem]:
        """Manual top-ups waiting for a decision, oldest first (admin)."""
        _admin_only(ctx)
        return [_receipt_item(r, ctx.language) for r in await self.wallet.pending_receipts()]

    @query
    async def settings(self, ctx: CallContext, args: NoArgs) -> list[SettingItem]:
        """Current money settings (admin)."""
        _admin_only(ctx)
        current = await self.wallet.get_settings()
        return [SettingItem(key=k, value=setting_text(current, k)) for k in SETTING_KEYS]

    @query
    async def contacts(self, ctx: CallContext, args: NoArgs) -> Contacts:
        """Bank details for transfers and the support contact, as admins set them."""
        s = await self.wallet.get_settings()
        return Contacts(
            transfer=bool(s.bank_details),
            bank_details=s.bank_details,
            support=s.support_contact,
            support_url=support_url(s.support_contact),
        )

    @action
    async def grant_welcome(self, ctx: CallContext, args: NoArgs) -> WelcomeResult:
        """The welcome bonus, once per user; a no-op on every later call."""
        granted = await self.wallet.grant_welcome(ctx.user_id)
        amount = (await self.wallet.get_settings()).welcome_bonus_kopecks if granted else 0
        return WelcomeResult(granted=granted, amount_kopecks=amount, amount_text=rub(amount, ctx.language))

    @action
    async def check_amount(self, ctx: CallContext, args: AmountArgs) -> AmountChecked:
        """A manual top-up's amount, checked as it is typed (a number of roubles within the
        top-up bounds), before the user is asked for the receipt."""
        try:
            kopecks = parse_rub(args.amount)
        except ValueError:
            raise ActionError("wallet.error.amount_not_number") from None
        try:
            await self.wallet.receipts.check_amount(kopecks)
        except ReceiptRefused as exc:
            raise _refusal(exc, ctx.language) from None
        rub_part, kop = divmod(kopecks, 100)
        typed = f"{rub_part},{kop:02d}" if kop else str(rub_part)
        return AmountChecked(kopecks=kopecks, text=rub(kopecks, ctx.language), typed=typed)

    @action
    async def submit_receipt(self, ctx: CallContext, args: SubmitReceiptArgs) -> ReceiptSubmitted:
        """Queue a manual top-up for an admin's review; nothing is credited yet."""
        try:
            kopecks = parse_rub(args.amount)
        except ValueError:
            raise ActionError("wallet.error.amount_invalid") from None
        if not (await self.wallet.get_settings()).bank_details:  # nowhere to transfer to
            raise ActionError("wallet.error.transfer_unavailable")
        await check_receipt_file(self.files, args.file_id)
        try:
            receipt_id = await self.wallet.submit_receipt(ctx.user_id, kopecks, args.file_id, args.kind)
        except ReceiptRefused as exc:
            raise _refusal(exc, ctx.language) from None
        return ReceiptSubmitted(id=receipt_id, amount_kopecks=kopecks, amount_text=rub(kopecks, ctx.language))

    async def _decision(self, receipt_id: int, language: str) -> ReceiptDecision:
        receipt = await self.wallet.receipts.get(receipt_id)
        if receipt is None:  # pragma: no cover - decided receipts are never deleted
            raise ActionError("wallet.error.receipt_not_found")
        return ReceiptDecision(
            id=receipt.id,
            user_id=receipt.user_id,
            status=receipt.status,
            amount_text=rub(receipt.amount_kopecks, language),
        )

    @action
    async def approve_receipt(self, ctx: CallContext, args: ReceiptIdArgs) -> ReceiptDecision:
        """Credit a pending receipt (admin); refused if it was decided already."""
        _admin_only(ctx)
        if await self.wallet.receipts.get(args.receipt_id) is None:
            raise ActionError("wallet.error.receipt_not_found")
        if not await self.wallet.approve_receipt(args.receipt_id, ctx.user_id):
            raise ActionError("wallet.error.already_decided")
        return await self._decision(args.receipt_id, ctx.language)

    @action
    async def reject_receipt(self, ctx: CallContext, args: RejectReceiptArgs) -> ReceiptDecision:
        """Refuse a pending receipt (admin); refused if it was decided already."""
        _admin_only(ctx)
        if await self.wallet.receipts.get(args.receipt_id) is None:
            raise ActionError("wallet.error.receipt_not_found")
        if not await self.wallet.reject_receipt(args.receipt_id, ctx.user_id, args.reason):
            raise ActionError("wallet.error.already_decided")
        return await self._decision(args.receipt_id, ctx.language)

    @action(guard="admin")
    async def set_setting(self, ctx: CallContext, args: SetSettingArgs) -> SettingItem:
        """Change one money setting (admin); audited."""
        _admin_only(ctx)
        try:
            updated = await self.wallet.set_setting(args.key, args.value, ctx.user_id)
        except InvalidSetting as exc:
            raise ActionError("wallet.error.invalid_setting", key=exc.key, reason=exc.reason) from None
        return SettingItem(key=args.key, value=setting_text(updated, args.key))
