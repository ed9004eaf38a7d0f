from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest

from engine.files.source import MB, MemoryFiles
from engine.plugin import ActionError, NoArgs, OperationKind, PluginSet
from plugins.wallet import WalletPlugin
from plugins.wallet.views import (
    OperationsArgs,
    ReceiptIdArgs,
    RejectReceiptArgs,
    SetSettingArgs,
    SubmitReceiptArgs,
)
from tests.support.media import exe, padded_png, pdf, png, svg, zip_archive


@dataclass
class Ctx:
    user_id: int
    is_admin: bool = False
    language: str = "ru"
    session_args: dict[str, Any] = field(default_factory=dict)

    def set_language(self, language: str) -> None:
        self.language = language


def test_the_plugin_declares_what_flows_need() -> None:
    ops = WalletPlugin.declarations().operations
    queries = {n for n, o in ops.items() if o.kind is OperationKind.QUERY}
    actions = {n for n, o in ops.items() if o.kind is OperationKind.ACTION}
    assert queries == {"balance", "operations", "packages", "pending_receipts", "settings", "contacts"}
    assert actions == {
        "grant_welcome",
        "check_amount",
        "submit_receipt",
        "approve_receipt",
        "reject_receipt",
        "set_setting",
    }
    for name in ("operations", "packages", "pending_receipts", "settings"):
        assert ops[name].item_type is not None, name
    # job money is plain Python for the job runner, never a button
    assert not {"reserve", "capture", "release", "credit", "debit"} & set(ops)
    assert PluginSet([WalletPlugin.declarations()]).find("wallet.balance") == ops["balance"]


async def test_a_user_sees_balance_operations_and_packages(pool: asyncpg.Pool) -> None:
    plugin = WalletPlugin(pool)
    user = Ctx(1)
    welcome = await plugin.grant_welcome(user, NoArgs())
    assert (welcome.granted, welcome.amount_kopecks) == (True, 20_000)
    assert (await plugin.grant_welcome(user, NoArgs())).granted is False
    balance = await plugin.balance(user, NoArgs())
    assert (balance.kopecks, balance.text) == (20_000, "200\u00a0₽")
    await plugin.wallet.reserve(1, "job-1", 3_540)
    ops = await plugin.operations(user, OperationsArgs(limit=5))
    assert [(o.kind, o.amount_text) for o in ops] == [("hold", "−35,40\u00a0₽"), ("welcome", "+200\u00a0₽")]
    assert ops[0].job_id == "job-1" and ops[0].date
    packages = await plugin.packages(Ctx(1, language="en"), NoArgs())
    assert packages[0].payload.startswith("stars:") and packages[0].price_text.endswith("₽")


async def transfers_open(plugin: WalletPlugin) -> None:
    """Bank details set: without them no receipt is taken (there is nowhere to transfer to)."""
    await plugin.wallet.set_setting("bank_details", "ООО «Ромашка», р/с 40702810000000000001", 99)


async def test_no_receipt_is_taken_without_bank_details(pool: asyncpg.Pool) -> None:
    plugin = WalletPlugin(pool, files=MemoryFiles({"p": png()}))
    assert (await plugin.contacts(Ctx(2), NoArgs())).transfer is False
    with pytest.raises(ActionError) as refused:
        await plugin.submit_receipt(Ctx(2), SubmitReceiptArgs(amount="500", file_id="p"))
    assert refused.value.text_key == "wallet.error.transfer_unavailable"
    await transfers_open(plugin)
    await plugin.wallet.set_setting("support_contact", "@kie_help", 99)
    contacts = await plugin.contacts(Ctx(2), NoArgs())
    assert contacts.transfer and contacts.bank_details.startswith("ООО")
    assert (contacts.support, contacts.support_url) == ("@kie_help", "https://t.me/kie_help")
    assert (await plugin.submit_receipt(Ctx(2), SubmitReceiptArgs(amount="500", file_id="p"))).id


async def test_manual_top_up_through_the_flow_actions(pool: asyncpg.Pool) -> None:
    plugin = WalletPlugin(pool, files=MemoryFiles({"photo-1": png(), "p": png()}))
    user, admin = Ctx(2), Ctx(99, is_admin=True)
    await transfers_open(plugin)
    submitted = await plugin.submit_receipt(
        user, SubmitReceiptArgs(amount="1 500,50", file_id="photo-1", kind="photo")
    )
    assert submitted.amount_kopecks == 150_050
    with pytest.raises(ActionError) as bad:
        await plugin.submit_receipt(user, SubmitReceiptArgs(amount="lots", file_id="p"))
    assert bad.value.text_key == "wallet.error.amount_invalid"
    with pytest.raises(ActionError) as small:
        await plugin.submit_receipt(user, SubmitReceiptArgs(amount="5", file_id="p"))
    assert small.value.text_key == "wallet.error.amount_out_of_range"
    assert small.value.params == {"min": "100\u00a0₽", "max": "50\u00a0000\u00a0₽"}

    # a non-admin reaches nothing of the queue, even if a flow forgot its guard
    for call in (
        plugin.pending_receipts(user, NoArgs()),
        plugin.approve_receipt(user, ReceiptIdArgs(receipt_id=submitted.id)),
        plugin.reject_receipt(user, RejectReceiptArgs(receipt_id=submitted.id)),
        plugin.set_setting(user, SetSettingArgs(key="markup", value="1")),
        plugin.settings(user, NoArgs()),
    ):
        with pytest.raises(ActionError) as denied:
            await call
        assert denied.value.text_key == "wallet.error.forbidden"
    assert await plugin.wallet.balance(2) == 0

    queue = await plugin.pending_receipts(admin, NoArgs())
    assert [(r.id, r.amount_text) for r in queue] == [(submitted.id, "1\u00a0500,50\u00a0₽")]
    decision = await plugin.approve_receipt(admin, ReceiptIdArgs(receipt_id=submitted.id))
    assert (decision.status, decision.user_id) == ("approved", 2)
    with pytest.raises(ActionError) as twice:
        await plugin.approve_receipt(admin, ReceiptIdArgs(receipt_id=submitted.id))
    assert twice.value.text_key == "wallet.error.already_decided"
    with pytest.raises(ActionError) as missing:
        await plugin.reject_receipt(admin, RejectReceiptArgs(receipt_id=424242))
    assert missing.value.text_key == "wallet.error.receipt_not_found"
    assert await plugin.wallet.balance(2) == 150_050


async def test_admin_settings_through_the_flow_actions(pool: asyncpg.Pool) -> None:
    plugin = WalletPlugin(pool)
    admin = Ctx(99, is_admin=True)
    changed = await plugin.set_setting(admin, SetSettingArgs(key="markup", value="2,5"))
    assert (changed.key, changed.value) == ("markup", "2.5")
    with pytest.raises(ActionError) as refused:
        await plugin.set_setting(admin, SetSettingArgs(key="markup", value="0.9"))
    assert refused.value.text_key == "wallet.error.invalid_setting"
    assert refused.value.params["key"] == "markup"
    items = {s.key: s.value for s in await plugin.settings(admin, NoArgs())}
    assert items["markup"] == "2.5" and items["fx_rub_per_usd"] == "95.00"
    audit = await pool.fetch("SELECT admin_id, new_value FROM wallet_audit")
    assert [tuple(a) for a in audit] == [(99, "2.5")]


async def test_a_receipt_is_an_image_or_a_pdf_by_its_bytes_whatever_its_name(pool: asyncpg.Pool) -> None:
    files = MemoryFiles(
        {"exe": exe(), "zip": zip_archive(), "svg": svg(), "pdf": pdf(), "huge": padded_png(11 * MB)}
    )
    plugin = WalletPlugin(pool, files=files)
    user, admin = Ctx(3), Ctx(99, is_admin=True)
    await transfers_open(plugin)
    for file_id in ("exe", "zip", "svg"):  # each sent as a document named receipt.png
        with pytest.raises(ActionError) as refused:
            await plugin.submit_receipt(
                user, SubmitReceiptArgs(amount="500", file_id=file_id, kind="document")
            )
        assert refused.value.text_key == "wallet.error.receipt_file_type"
    with pytest.raises(ActionError) as big:
        await plugin.submit_receipt(user, SubmitReceiptArgs(amount="500", file_id="huge"))
    assert big.value.text_key == "wallet.error.receipt_too_big"
    assert big.value.params == {"max_mb": 10}
    with pytest.raises(ActionError) as gone:
        await plugin.submit_receipt(user, SubmitReceiptArgs(amount="500", file_id="nowhere"))
    assert gone.value.text_key == "wallet.error.receipt_unavailable"
    assert await plugin.pending_receipts(admin, NoArgs()) == []  # nothing stored or shown

    taken = await plugin.submit_receipt(user, SubmitReceiptArgs(amount="500", file_id="pdf", kind="document"))
    assert [r.id for r in await plugin.pending_receipts(admin, NoArgs())] == [taken.id]


async def test_without_a_file_source_no_receipt_is_taken(pool: asyncpg.Pool) -> None:
    plugin = WalletPlugin(pool)
    await transfers_open(plugin)
    with pytest.raises(ActionError) as refused:
        await plugin.submit_receipt(Ctx(4), SubmitReceiptArgs(amount="500", file_id="x"))
    assert refused.value.text_key == "wallet.error.receipt_unavailable"
