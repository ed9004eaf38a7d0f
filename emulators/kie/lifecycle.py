"""Drives each task through ``waiting → queuing → generating → success | fail`` in real time.

One asyncio task per sandbox task sleeps through the configured latencies (floats, 0 allowed),
so tests run fast and ``python main.py`` can feel like the real thing. Credits are taken only
when a task succeeds; the callback goes out after the final state is visible to recordInfo.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Callable
from decimal import Decimal

from emulators.kie import suno
from emulators.kie.callbacks import CallbackSender
from emulators.kie.media import png_layer, render
from emulators.kie.state import Latency, SandboxState, SandboxTask, StoredFile, now_ms

LAYERS_SUFFIX = "-layer-decomposition"  # Seedream 5.0 Flash/Pro: a base and transparent layers
LAYER_FILES = 3


class TaskDriver:
    def __init__(
        self,
        state: SandboxState,
        callbacks: CallbackSender,
        latency_for: Callable[[str], Latency],
        public_url: Callable[[], str],
    ) -> None:
        self.state = state
        self.callbacks = callbacks
        self.latency_for = latency_for
        self.public_url = public_url
        self._running: dict[str, asyncio.Task[None]] = {}
        self._deliveries: set[asyncio.Task[None]] = set()

    def start(self, task: SandboxTask) -> None:
        self._running[task.task_id] = asyncio.create_task(self._drive(task), name=f"kie-task-{task.task_id}")

    async def stop(self) -> None:
        running = [*self._running.values(), *self._deliveries]
        self._running.clear()
        self._deliveries.clear()
        for job in running:
            job.cancel()
        for job in running:
            with contextlib.suppress(asyncio.CancelledError):
                await job

    @property
    def deliveries_pending(self) -> int:
        """Callback deliveries (with their retries) still under way."""
        return len(self._deliveries)

    async def finish(
        self,
        task: SandboxTask,
        fail_code: str | None = None,
        fail_msg: str | None = None,
        callback_copies: int = 1,
    ) -> None:
        """End a task now (used by the driver, and by tests to end a never-finishing task).

        The callback is sent in the background, as Kie does: a slow or failing receiver delays
        nothing else."""
        current = self._running.pop(task.task_id, None)
        if current is not None and current is not asyncio.current_task():
            current.cancel()
        if task.finished:
            return
        if fail_code is not None:
            self._fail(task, fail_code, fail_msg or "Generation failed")
        else:
            self._succeed(task)
        if task.callback_url:
            delivery = asyncio.create_task(self.callbacks.deliver(task, callback_copies))
            self._deliveries.add(delivery)
            delivery.add_done_callback(self._deliveries.discard)

    async def _drive(self, task: SandboxTask) -> None:
        fault = task.fault
        latency = self.latency_for(task.model)
        if fault is not None and fault.latency is not None:
            latency = Latency.total(fault.latency)
        for state, pause in (("queuing", latency.waiting), ("generating", latency.queuing)):
            await asyncio.sleep(pause)
            self._move(task, state)
        if fault is not None and fault.never_finish:
            return
        await asyncio.sleep(latency.generating)
        if fault is not None and fault.fail_code is not None:
            await self.finish(task, fault.fail_code, fault.fail_msg, fault.callback_copies)
        else:
            await self.finish(task, callback_copies=fault.callback_copies if fault else 1)

    def _move(self, task: SandboxTask, state: str) -> None:
        task.state = state
        task.update_ms = now_ms()

    def _succeed(self, task: SandboxTask) -> None:
        refused = suno.problem(task, self.state) if suno.is_suno(task.model) else None
        if refused is not None:
            self._fail(task, "400", refused)
            return
        task.result = suno.result(task, self.state, self.public_url())
        if task.result is not None:
            task.result_urls = [str(t["audio_url"]) for t in task.result.get("data", [])]
            self._paid(task)
            return
        if task.fault is not None and task.fault.result_urls is not None:
            task.result_urls = list(task.fault.result_urls)
            self._paid(task)
            return
        prompt = str(task.input.get("prompt") or task.input.get("text") or task.model)
        if task.model.endswith(LAYERS_SUFFIX):
            self._layers(task, prompt)
            return
        media = render(task.kind, f"{task.model}\n{prompt}")
        key = f"results/{task.task_id}/0.{media.extension}"
        self.state.files[key] = StoredFile(media.data, media.mime)
        task.result_urls = [f"{self.public_url()}/files/{key}"]
        self._paid(task)

    def _layers(self, task: SandboxTask, prompt: str) -> None:
        """A layer decomposition: a base image and transparent layers, each its own PNG
        (``resultUrls`` holds them all; Kie decides how many: here always ``LAYER_FILES``)."""
        seed = hashlib.sha256(f"{task.model}\n{prompt}".encode()).digest()
        task.result_urls = []
        for index in range(LAYER_FILES):
            key = f"results/{task.task_id}/{index}.png"
            self.state.files[key] = StoredFile(png_layer(seed, index), "image/png")
            task.result_urls.append(f"{self.public_url()}/files/{key}")
        self._paid(task)

    def _paid(self, task: SandboxTask) -> None:
        task.credits_consumed = task.price
        self.state.credits -= task.price
        self._complete(task, "success")

    def _fail(self, task: SandboxTask, code: str, msg: str) -> None:
        task.fail_code = code
        task.fail_msg = msg
        task.credits_consumed = Decimal(0)
        self._complete(task, "fail")

    def _complete(self, task: SandboxTask, state: str) -> None:
        task.complete_ms = now_ms()
        self._move(task, state)
