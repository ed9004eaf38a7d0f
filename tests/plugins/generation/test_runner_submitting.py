"""The runner's "submitting" state: createTask's answer lost (a drop, a crash) never leads to a
second task. The task that announces itself on the job's callback URL is adopted once Kie.ai's
recordInfo confirms it; otherwise the job is resolved by rule and the money released once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from emulators.kie.faults import DropConnection, SlowReply, TaskFault
from plugins.generation.callbacks import callback_routes, callback_url
from plugins.generation.job import Job, JobState
from tests.plugins.generation.conftest import PRICE, START_BALANCE, USER, Rig, model_of
from tests.support.waiting import until

SECRET = "callback-secret-for-tests"


@pytest.fixture
async def public(rig: Rig) -> AsyncIterator[str]:
    """The rig's runner with a public callback URL served on a local port."""
    app = web.Application()
    app.add_routes(callback_routes(rig.store, rig.runner, SECRET))
    server = web.AppRunner(app)
    await server.setup()
    await web.TCPSite(server, "127.0.0.1", 0).start()
    host, port = server.addresses[0][:2]
    base = f"http://{host}:{port}"
    rig.runner.callback_url = lambda job: callback_url(base, SECRET, job)
    try:
        yield base
    finally:
        await server.cleanup()


def image_model(rig: Rig) -> str:
    return model_of(rig.bundle, "text-to-image")


def photos(rig: Rig) -> list:
    return [m for m in rig.emulator.bot_messages(USER) if m.media_kind == "photo"]


async def found_submitting(rig: Rig, timeout: timedelta = timedelta(minutes=5)) -> Job:
    """A job as a crash leaves it: marked "submitting", its createTask answer never stored."""
    concurrency, rig.runner.concurrency = rig.runner.concurrency, 0  # the runner looks away
    try:
        job = await rig.new_job(image_model(rig), timeout=timeout)
        marked = await rig.store.move(
            job.id, {JobState.CREATED}, JobState.SUBMITTING, submit_started_at=datetime.now(UTC)
        )
        assert marked is not None
        assert await rig.store.cancel(job.id, USER) is None  # too late to cancel
    finally:
        rig.runner.concurrency = concurrency
    rig.runner.wake()
    return marked


async def test_dropped_answer_waits_for_the_task_to_announce_itself(rig: Rig, public: str) -> None:
    rig.sandbox.faults.reply("createTask", DropConnection(apply=True))
    rig.sandbox.faults.task(TaskFault.slow(0.3))
    done = await rig.finished(await rig.new_job(image_model(rig)))
    assert done.state is JobState.SUCCEEDED
    (task_id,) = rig.sandbox.tasks
    assert done.kie_task_id == task_id and done.submit_started_at is not None
    assert rig.sandbox.create_calls() == 1 and len(photos(rig)) == 1
    assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()


async def test_callback_before_the_create_answer_is_adopted_once(rig: Rig, public: str) -> None:
    rig.sandbox.faults.reply("createTask", SlowReply(1.0))  # the task ends before its id comes
    done = await rig.finished(await rig.new_job(image_model(rig)))
    assert done.state is JobState.SUCCEEDED
    await until(
        lambda: rig.sandbox.count("createTask") == 1 and rig.runner.in_flight == 0,
        what="the slow answer was handled",
    )
    assert rig.sandbox.create_calls() == 1 and len(photos(rig)) == 1
    assert [c.status for c in rig.sandbox.callbacks] == [200]
    assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()


async def test_job_found_submitting_is_never_sent_again(rig: Rig, public: str) -> None:
    rig.runner.unknown_grace = timedelta(seconds=1)
    job = await found_submitting(rig, timeout=timedelta(0))
    done = await rig.finished(job)
    assert done.state is JobState.TIMED_OUT and done.error_code == "uncertain"
    assert done.finished_at is not None
    assert done.finished_at - done.deadline_at >= timedelta(seconds=1)  # waited the grace
    assert rig.sandbox.create_calls() == 0
    assert await rig.balance() == START_BALANCE == await rig.ledger_sum()
    assert any("не подтвердил приём заказа" in m.content for m in rig.emulator.bot_messages(USER))


async def test_without_a_callback_url_the_job_is_resolved_at_once(rig: Rig) -> None:
    done = await rig.finished(await found_submitting(rig))
    assert done.state is JobState.FAILED and done.error_code == "uncertain"
    assert rig.sandbox.create_calls() == 0
    assert await rig.balance() == START_BALANCE == await rig.ledger_sum()


async def test_only_a_task_made_for_the_job_is_adopted(rig: Rig, public: str) -> None:
    rig.sandbox.faults.task(TaskFault.stuck(), times=3)
    job = await found_submitting(rig)
    url = rig.runner.callback_url(job)
    client = rig.runner.client
    elsewhere = await client.create_task(job.model, {"prompt": "x"}, f"{public}/elsewhere")
    other_model = await client.create_task("sandbox/other-model", {"prompt": "x"}, url)
    for task_id in (elsewhere, other_model, "f" * 32):  # the last one Kie.ai does not know
        kept = await rig.runner.adopt(job, task_id)
        assert kept.state is JobState.SUBMITTING and kept.kie_task_id is None
    genuine = await client.create_task(job.model, {"prompt": "a red fox"}, url)
    await rig.sandbox.complete_task(genuine)  # calls back on the job's URL
    done = await rig.finished(job)
    assert done.state is JobState.SUCCEEDED and done.kie_task_id == genuine
    assert len(photos(rig)) == 1
    assert await rig.balance() == START_BALANCE - PRICE == await rig.ledger_sum()
    assert await rig.runner.adopt(done, elsewhere) == done  # a finished job takes nothing
