"""The API key must never appear in reprs, exception texts (with their causes) or logs."""

from __future__ import annotations

import logging
import socket
import traceback
from collections.abc import Awaitable, Callable

import pytest

from emulators.kie import DropConnection, HttpError, KieSandbox, MalformedBody, SlowReply
from plugins.integrations.kie import KieClient, KieError

from .conftest import API_KEY, FAST_RETRY, FAST_TIMEOUT


def rendered(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + str(exc)


async def test_key_is_absent_everywhere(
    client: KieClient, sandbox: KieSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert API_KEY not in repr(client) and API_KEY not in str(client)
    assert "***" in repr(client)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    offline = KieClient(API_KEY, f"http://127.0.0.1:{closed_port}", retry=FAST_RETRY, timeout=FAST_TIMEOUT)

    def create() -> Awaitable[object]:
        return client.create_task("nano-banana-2", {"prompt": "x"})

    scenarios: list[tuple[Callable[[], None], Callable[[], Awaitable[object]]]] = [
        (lambda: sandbox.faults.error("createTask", 401), create),
        (lambda: sandbox.faults.error("createTask", 402), create),
        (lambda: sandbox.faults.error("createTask", 422, f"echoing your key {API_KEY} back"), create),
        (lambda: sandbox.faults.error("createTask", 429, times=None), create),
        (lambda: sandbox.faults.error("createTask", 500), create),
        (lambda: sandbox.faults.error("createTask", 501), create),
        (lambda: sandbox.faults.reply("createTask", DropConnection()), create),
        (lambda: sandbox.faults.reply("createTask", HttpError(502)), create),
        (lambda: sandbox.faults.reply("createTask", MalformedBody()), create),
        (lambda: sandbox.faults.reply("createTask", SlowReply(1.0)), create),
        (lambda: sandbox.faults.reply("credit", DropConnection(), times=None), client.credits),
        (lambda: sandbox.faults.reply("credit", SlowReply(1.0), times=None), client.credits),
        (lambda: sandbox.faults.error("recordInfo", 455, times=None), lambda: client.record_info("a" * 32)),
        (lambda: None, lambda: client.record_info("b" * 32)),
        (lambda: sandbox.faults.error("upload", 401), lambda: client.upload_file(b"x", "x.png", "image/png")),
        (lambda: None, lambda: client.download(f"{sandbox.base_url}/files/missing.png")),
        (lambda: None, lambda: client.download_url("https://example.com/x.png")),
        (lambda: None, offline.credits),
        (lambda: None, lambda: offline.create_task("nano-banana-2", {"prompt": "x"})),
    ]
    seen: list[KieError] = []
    for arrange, act in scenarios:
        sandbox.faults.clear()
        arrange()
        with pytest.raises(KieError) as caught:
            await act()
        text = rendered(caught.value)
        assert API_KEY not in text, text
        seen.append(caught.value)
    await offline.close()
    assert len({type(e) for e in seen}) >= 8  # the battery really covered most error types
    assert seen[2].message == "echoing your key *** back"  # the server's own text is scrubbed too
    assert caplog.records, "expected retry/debug logs"
    assert all(API_KEY not in r.getMessage() for r in caplog.records)


def test_key_is_required_and_not_in_errors() -> None:
    with pytest.raises(ValueError) as caught:
        KieClient("  ")
    assert "key" in str(caught.value)
