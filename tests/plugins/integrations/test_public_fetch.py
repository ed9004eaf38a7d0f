"""Third-party URLs are fetched from public addresses only: resolved first, every redirect
checked again, the body capped while it streams."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from plugins.integrations.public_fetch import (
    AddressPolicy,
    FetchError,
    PublicFetcher,
    TooLarge,
    UnsafeAddress,
    check_url,
    is_public,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


async def _server(routes: list[web.RouteDef]) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@pytest.fixture
async def secret_service() -> AsyncIterator[str]:
    """Something on loopback that must never be read: the bot's own metrics, say."""

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(text="bot_secret_total 1\n")

    runner, base = await _server([web.get("/metrics", metrics)])
    yield base
    await runner.cleanup()


@pytest.fixture
async def files(secret_service: str) -> AsyncIterator[str]:
    """A stand-in for a result CDN (on loopback too, so allowed explicitly in the tests)."""

    async def image(_: web.Request) -> web.Response:
        return web.Response(body=PNG, content_type="image/png")

    async def to_secret(_: web.Request) -> web.Response:
        raise web.HTTPFound(f"{secret_service}/metrics")

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(request.url))

    async def hop(request: web.Request) -> web.Response:
        left = int(request.match_info["n"])
        raise web.HTTPFound(f"/hop/{left - 1}" if left > 0 else "/image.png")

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # chunked: no Content-Length to go by
        await response.prepare(request)
        for _ in range(64):
            await response.write(b"\x00" * 65536)
        await response.write_eof()
        return response

    runner, base = await _server(
        [
            web.get("/image.png", image),
            web.get("/to-secret", to_secret),
            web.get("/loop", loop),
            web.get("/hop/{n}", hop),
            web.get("/endless", endless),
        ]
    )
    yield base
    await runner.cleanup()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8081/metrics",
        "http://localhost:8081/metrics",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:8081/",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "http://user:pass@example.com/x",
        "http://2130706433/",
    ],
)
async def test_refused_before_any_request(url: str) -> None:
    with pytest.raises((UnsafeAddress, FetchError)):
        await check_url(url)


async def test_loopback_is_refused_by_default(secret_service: str) -> None:
    async with PublicFetcher(attempts=1) as fetcher:
        with pytest.raises(UnsafeAddress):
            await fetcher.fetch(f"{secret_service}/metrics")


async def test_an_allowed_origin_is_fetched(files: str) -> None:
    async with PublicFetcher(AddressPolicy.allowing(files), attempts=1) as fetcher:
        fetched = await fetcher.fetch(f"{files}/image.png")
    assert fetched.data == PNG and fetched.content_type == "image/png"


async def test_each_redirect_is_checked(files: str) -> None:
    """Allowed host, redirecting to another loopback port: refused at the redirect."""
    async with PublicFetcher(AddressPolicy.allowing(files), attempts=1) as fetcher:
        with pytest.raises(UnsafeAddress):
            await fetcher.fetch(f"{files}/to-secret")


async def test_redirects_are_followed_a_few_times_only(files: str) -> None:
    async with PublicFetcher(AddressPolicy.allowing(files), max_redirects=3, attempts=1) as fetcher:
        assert (await fetcher.fetch(f"{files}/hop/2")).data == PNG
        with pytest.raises(UnsafeAddress):
            await fetcher.fetch(f"{files}/hop/5")
        with pytest.raises(UnsafeAddress):
            await fetcher.fetch(f"{files}/loop")


async def test_the_size_cap_holds_while_streaming(files: str) -> None:
    async with PublicFetcher(AddressPolicy.allowing(files), attempts=1) as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch(f"{files}/endless", max_bytes=1024 * 1024)
        probe = await fetcher.fetch(f"{files}/endless", probe=True)
    assert len(probe.data) == 64 * 1024
