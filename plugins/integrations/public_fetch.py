"""Fetching a URL someone else named (a Kie.ai result), from public addresses only.

A result URL comes from a third party. Fetched blindly, it could make the bot read its own
health server, a cloud metadata endpoint or anything else on its network, and hand the answer
to a user. So every hop is checked before it is made:

* only ``http``/``https``; redirects are followed here, at most ``max_redirects``, each one
  checked again;
* the host is resolved and every address must be public: loopback, private, link-local,
  multicast, reserved, unspecified and shared (CGNAT) addresses are refused, IPv4 mapped into
  IPv6 included;
* the connection itself goes through a resolver that applies the same rule, so a name that
  resolves differently the second time (DNS rebinding) is refused too;
* the body is capped while it streams, whatever ``Content-Length`` says.

The only exception is ``AddressPolicy.allow``: exact ``host:port`` pairs that local wiring (the
sandbox, tests) names explicitly. Production passes none.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=300, connect=10, sock_read=60)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_IP = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """The URL could not be fetched (HTTP error, connection failure): it may work later."""


class FetchRefused(FetchError):
    """The URL must not be fetched, or what came back must not be used. Not worth retrying."""


class UnsafeAddress(FetchRefused):
    """The URL names (or redirects to) something that is not a public http(s) address."""


class TooLarge(FetchRefused):
    """The body is bigger than the cap."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public addresses may be fetched anyway: exact ``host:port`` pairs, for the
    local sandbox and tests only. The default allows none."""

    allow: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def allowing(cls, *origins: str) -> AddressPolicy:
        """From origins such as ``http://127.0.0.1:8090`` (scheme and path are ignored)."""
        pairs = set()
        for origin in origins:
            url = URL(origin)
            if url.host is None or url.port is None:
                raise ValueError(f"not an origin with a host and port: {origin!r}")
            pairs.add(f"{url.host}:{url.port}")
        return cls(frozenset(pairs))

    def allows(self, host: str, port: int) -> bool:
        return f"{host}:{port}" in self.allow


def is_public(address: _IP) -> bool:
    """True for an address on the public internet, and only then."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public(mapped)
        if address.is_site_local:
            return False
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _check_address(text: str, host: str) -> None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError as exc:
        raise UnsafeAddress(f"{host} resolved to something that is not an address") from exc
    if not is_public(address):
        raise UnsafeAddress(f"{host} is not a public address")


async def check_url(url: str | URL, policy: AddressPolicy = AddressPolicy()) -> URL:
    """The URL, parsed, if it is http(s) and its host resolves to public addresses only."""
    target = url if isinstance(url, URL) else URL(url, encoded=True)
    if target.scheme not in ("http", "https") or not target.host:
        raise UnsafeAddress("only http(s) URLs with a host are fetched")
    if target.user is not None or target.password is not None:
        raise UnsafeAddress("URLs with credentials are not fetched")
    host, port = target.host, target.port or (443 if target.scheme == "https" else 80)
    if policy.allows(host, port):
        return target
    if _is_literal(host):
        _check_address(host.strip("[]"), host)
        return target
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError(f"{host} does not resolve") from exc
    if not found:
        raise FetchError(f"{host} does not resolve")
    for *_, sockaddr in found:
        _check_address(str(sockaddr[0]), host)
    return target


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class _NotPublic(OSError):
    """Raised inside the connector; aiohttp wraps it, ``fetch`` unwraps it."""


class PublicResolver(AbstractResolver):
    """Resolves like aiohttp's threaded resolver, then refuses any non-public answer: the
    addresses actually connected to are the checked ones."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if not self.policy.allows(host, port):
            for entry in found:
                try:
                    _check_address(entry["host"], host)
                except UnsafeAddress as exc:
                    raise _NotPublic(str(exc)) from exc
        return found

    async def close(self) -> None:
        await self._inner.close()


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str  # the media type the server declared, lower case, without parameters
    url: URL  # after redirects


class PublicFetcher:
    """GETs third-party URLs under the rules above; owns its own HTTP session (no cookies, no
    credentials of ours ever sent)."""

    def __init__(
        self,
        policy: AddressPolicy = AddressPolicy(),
        *,
        max_redirects: int = 5,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        attempts: int = 3,
        retry_delay: float = 1.0,
    ) -> None:
        self.policy = policy
        self.max_redirects = max_redirects
        self.timeout = timeout
        self.attempts = attempts
        self.retry_delay = retry_delay
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> PublicFetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _ensure(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(resolver=PublicResolver(self.policy))
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self.timeout, cookie_jar=aiohttp.DummyCookieJar()
            )
        return self._session

    async def check(self, url: str) -> None:
        """Raise ``UnsafeAddress`` unless the URL itself may be fetched (redirects are
        checked only when fetching)."""
        await check_url(url, self.policy)

    async def fetch(self, url: str, max_bytes: int = DEFAULT_MAX_BYTES, probe: bool = False) -> Fetched:
        """The body (all of it, at most ``max_bytes``), its declared type and final URL.

        ``probe=True`` reads only the first bytes (up to 64 KiB), enough to tell what the file
        is, without downloading it whole. Failures that may pass are tried ``attempts`` times;
        refusals are final at once."""
        for attempt in range(1, self.attempts + 1):
            try:
                return await self._fetch_once(url, max_bytes, probe)
            except FetchRefused:
                raise
            except FetchError:
                if attempt >= self.attempts:
                    raise
            await asyncio.sleep(self.retry_delay * attempt)
        raise AssertionError("unreachable")

    async def _fetch_once(self, url: str, max_bytes: int, probe: bool) -> Fetched:
        target = await check_url(url, self.policy)
        for _ in range(self.max_redirects + 1):
            try:
                async with self._ensure().get(target, allow_redirects=False) as resp:
                    if resp.status in REDIRECTS:
                        location = resp.headers.get("Location")
                        if not location:
                            raise FetchError(f"HTTP {resp.status} without a Location")
                        target = await check_url(target.join(URL(location, encoded=True)), self.policy)
                        continue
                    if resp.status != 200:
                        raise FetchError(f"HTTP {resp.status}")
                    if not probe and (resp.content_length or 0) > max_bytes:
                        raise TooLarge(f"larger than {max_bytes} bytes")
                    data = await _read_capped(resp, 64 * 1024 if probe else max_bytes, probe)
                    return Fetched(data, resp.content_type.lower(), target)
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc.os_error, _NotPublic):
                    raise UnsafeAddress(str(exc.os_error)) from exc
                raise FetchError(type(exc).__name__) from exc
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise FetchError(type(exc).__name__) from exc
        raise UnsafeAddress(f"more than {self.max_redirects} redirects")


async def _read_capped(resp: aiohttp.ClientResponse, limit: int, truncate: bool) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        size += len(chunk)
        chunks.append(chunk)
        if size > limit:
            if truncate:
                return b"".join(chunks)[:limit]
            raise TooLarge(f"larger than {limit} bytes")
    return b"".join(chunks)
