"""Webhook delivery as Kie does it: POST JSON to ``callBackUrl``, 15 s timeout, up to 3 retries,
optional HMAC headers (``X-Webhook-Timestamp`` / ``X-Webhook-Signature``).

The signature is computed here on its own (not with the client's helper) so that the client's
verification is tested against an independent implementation of the documented scheme.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from typing import Any

import aiohttp

from emulators.kie.state import CallbackDelivery, SandboxState, SandboxTask

log = logging.getLogger(__name__)


def sign(task_id: str, timestamp: str, key: str) -> str:
    mac = hmac.new(key.encode("utf-8"), (task_id + "." + timestamp).encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


class CallbackSender:
    def __init__(
        self,
        state: SandboxState,
        *,
        webhook_key: str | None = None,
        timeout: float = 15.0,
        retries: int = 3,
        retry_delay: float = 1.0,
    ) -> None:
        self.state = state
        self.webhook_key = webhook_key
        self.timeout = timeout
        self.retries = retries
        self.retry_delay = retry_delay
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def deliver(self, task: SandboxTask, copies: int = 1) -> None:
        """Send the final callback ``copies`` times (duplicates are a documented Kie behaviour)."""
        if not task.callback_url:
            return
        for _ in range(max(1, copies)):
            await self._deliver_once(task)

    async def _deliver_once(self, task: SandboxTask) -> None:
        assert task.callback_url is not None
        body = task.callback_body()
        for attempt in range(1 + self.retries):
            sent = await self.post(task, body, self.signed_headers(task.task_id))
            if sent.status == 200:
                return
            log.info(
                "sandbox callback for %s failed (%s), attempt %d",
                task.task_id,
                sent.status or sent.error,
                attempt + 1,
            )
            if attempt < self.retries:
                await asyncio.sleep(self.retry_delay)

    def signed_headers(self, task_id: str) -> dict[str, str]:
        """The headers Kie would send now: a fresh timestamp and its signature (when keyed)."""
        headers = {"Content-Type": "application/json"}
        if self.webhook_key:
            stamp = str(int(time.time()))
            headers["X-Webhook-Timestamp"] = stamp
            headers["X-Webhook-Signature"] = sign(task_id, stamp, self.webhook_key)
        return headers

    async def post(
        self, task: SandboxTask, body: dict[str, Any], headers: dict[str, str]
    ) -> CallbackDelivery:
        """One POST of exactly this body and these headers to the task's callback URL, no
        retries: for forged and replayed callbacks (see ``KieSandbox.forge_callback``)."""
        assert task.callback_url is not None, "the task has no callback URL"
        status: int | None = None
        error: str | None = None
        try:
            async with self._ensure().post(
                task.callback_url,
                data=json.dumps(body).encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as resp:
                status = resp.status
                await resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = type(exc).__name__
        delivery = CallbackDelivery(task.task_id, task.callback_url, body, headers, status, error)
        self.state.callbacks.append(delivery)
        return delivery

    def _ensure(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session
