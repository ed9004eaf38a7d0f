"""Confirming a generation: the job row and its money move together, under concurrency."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from engine.loader.bundle import Bundle
from engine.plugin import ActionError
from engine.runtime.context import ActionContext
from engine.runtime.incoming import Person
from engine.runtime.session import Session
from plugins.catalog.pricing import credits_for, price_from
from plugins.generation.plugin import FormArgs, GenerationPlugin, media_seconds
from plugins.generation.store import JobStore
from plugins.wallet.free_tier import pick_free_models
from plugins.wallet.service import Wallet

USER = 4242


def _prompt_only(bundle: Bundle, model: str) -> bool:
    required = [n for n, f in bundle.models[model].entry.input.items() if f.required]
    return required == ["prompt"]


def context() -> ActionContext:
    return ActionContext(Session(user_id=USER, chat_id=USER), Person(id=USER), is_admin=False)


async def test_200_concurrent_confirmations_pay_for_exactly_k(
    pool: asyncpg.Pool, shipped_bundle: Bundle
) -> None:
    wallet = Wallet(pool)
    settings = await wallet.get_settings()
    enabled = {m.entry.id: price_from(m.entry) for m in shipped_bundle.models.values() if m.entry.enabled}
    free = pick_free_models(enabled, settings.free_models_count)
    model = next(
        m
        for m in sorted(enabled, key=enabled.__getitem__, reverse=True)
        if m not in free and _prompt_only(shipped_bundle, m)
    )
    plugin = GenerationPlugin(shipped_bundle, JobStore(pool), wallet)
    values = {"prompt": "a red bicycle"}
    price = (await plugin.quote(context(), FormArgs(model=model, values=values))).kopecks
    assert price > 0
    k = 37
    await wallet.credit(USER, k * price + price - 1, "adjustment", "test-funds")

    async def confirm() -> bool:
        try:
            await plugin.submit(context(), FormArgs(model=model, values=values))
        except ActionError as err:
            assert err.text_key == "generation.not_enough"
            return False
        return True

    results = await asyncio.gather(*(confirm() for _ in range(200)))
    assert sum(results) == k
    assert await pool.fetchval("SELECT count(*) FROM jobs WHERE user_id = $1", USER) == k
    assert await pool.fetchval("SELECT count(*) FROM holds WHERE user_id = $1", USER) == k
    balance = await wallet.balance(USER)
    assert balance == price - 1
    assert balance == await pool.fetchval("SELECT sum(amount) FROM ledger WHERE user_id = $1", USER)


def test_per_second_prices_read_only_the_measured_seconds(shipped_bundle: Bundle) -> None:
    entry = shipped_bundle.models["omnihuman-1-5"].entry
    claimed = {"audio_url": {"file_id": "a", "duration": 1}}  # the client's word
    measured = {"audio_url": {"file_id": "a", "duration": 1, "seconds": 12.4}}
    assert media_seconds(entry, claimed) == {}  # priced at max_seconds, never at 1 s
    assert media_seconds(entry, measured) == {"audio_url": 12.4}
    assert credits_for(entry, claimed, media_seconds(entry, claimed)) == 27 * 30
    assert credits_for(entry, measured, media_seconds(entry, measured)) == 27 * 13


async def test_a_zero_price_for_a_paid_model_is_refused_not_crashed(
    pool: asyncpg.Pool, shipped_bundle: Bundle
) -> None:
    wallet = Wallet(pool)
    await wallet.credit(USER, 100_000, "adjustment", "test-funds")
    plugin = GenerationPlugin(shipped_bundle, JobStore(pool), wallet)
    values = {"image_url": {"file_id": "i"}, "audio_url": {"file_id": "a", "seconds": 0.0}}
    with pytest.raises(ActionError) as refused:
        await plugin.submit(context(), FormArgs(model="omnihuman-1-5", values=values))
    assert refused.value.text_key == "generation.no_price"
    assert await pool.fetchval("SELECT count(*) FROM jobs WHERE user_id = $1", USER) == 0
    assert await wallet.balance(USER) == 100_000


async def test_the_same_update_handled_again_orders_one_job(
    pool: asyncpg.Pool, shipped_bundle: Bundle
) -> None:
    """A crash after the job was made, before the user's screen moved on: the update comes
    again (Telegram's retry, another instance) and confirms again — one job, one charge."""
    wallet = Wallet(pool)
    await wallet.credit(USER, 1_000_000, "adjustment", "test-funds")
    plugin = GenerationPlugin(shipped_bundle, JobStore(pool), wallet)
    enabled = {m.entry.id: price_from(m.entry) for m in shipped_bundle.models.values() if m.entry.enabled}
    free = pick_free_models(enabled, (await wallet.get_settings()).free_models_count)
    model = next(m for m in sorted(enabled) if m not in free and _prompt_only(shipped_bundle, m))
    args = FormArgs(model=model, values={"prompt": "a red bicycle"})

    def serving(update_id: int) -> ActionContext:
        return ActionContext(Session(user_id=USER, chat_id=USER), Person(id=USER), False, update_id)

    first = await plugin.submit(serving(500_001), args)
    again = await plugin.submit(serving(500_001), args)
    other = await plugin.submit(serving(500_002), args)  # a new confirmation is a new job
    assert first.job == again.job != other.job
    assert await pool.fetchval("SELECT count(*) FROM jobs WHERE user_id = $1", USER) == 2
    assert await pool.fetchval("SELECT count(*) FROM holds WHERE user_id = $1", USER) == 2
    price = (await plugin.quote(serving(1), args)).kopecks
    assert await wallet.balance(USER) == 1_000_000 - 2 * price
