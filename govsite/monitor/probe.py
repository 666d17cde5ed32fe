"""One timed availability probe: GET the page, time every phase, classify the outcome.

A probe is what a citizen's first visit would be: a fresh connection (no keep-alive, no DNS
cache), redirects followed, the whole body read, all within 15 s (standards.md §6.4: "超过
(含)15秒网站仍打不开"). It reuses collect's pieces rather than copying them: the `--resolve`
map, the User-Agent and Accept headers, the error taxonomy (`collect/errors.py`) and WAF
detection (`collect/waf.py`). Like `collect.fetch`, it never raises for anything a site does.

Timings come from aiohttp's TraceConfig (DNS, connection, response headers) plus one small
addition: aiohttp reports TCP connect and TLS handshake as a single "connection create", so
the socket records its first send, which is where the TLS handshake starts (or, over plain
HTTP, the request). That splits the two without touching aiohttp's internals.

Confirmation: a failed probe is asked again once after a short delay, and only a failure
that repeats counts (`attempts` = 2). A single lost packet is not an outage; a site that is
down stays down for the few seconds of the delay. WAF-challenged answers (`blocked`) are not
retried: they are not failures.
"""

from __future__ import annotations

import asyncio
import contextvars
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace, TracebackType
from typing import Any

import aiohttp

from govsite import USER_AGENT
from govsite.collect import errors, waf
from govsite.collect.charset import decode_html
from govsite.collect.fetch import (
    ACCEPT,
    ACCEPT_LANGUAGE,
    MAX_REDIRECTS,
    READ_CHUNK,
    classify,
    is_html_type,
    ssl_contexts,
)
from govsite.collect.resolve import MapResolver, parse_resolve
from govsite.collect.settings import DEFAULT_TIMEOUT_S
from govsite.monitor.schedule import Clock, RealClock
from govsite.monitor.targets import Target
from govsite.probes import ProbeRecord

# A home page is read to its end to count as opened, but a server streaming forever must not
# hold a probe: 5 MB is collect's cap for an HTML page (settings.DEFAULT_MAX_BODY_BYTES).
MAX_BODY_BYTES = 5_000_000
# Assumption: long enough for a server that restarted to finish coming back, short enough
# that a site which is down is still down. Monitors commonly use a few seconds.
DEFAULT_CONFIRM_DELAY_S = 5.0


@dataclass(frozen=True)
class ProbeSettings:
    """How probes are made: timeout, confirmation, and collect's network settings."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    confirm: bool = True
    confirm_delay_s: float = DEFAULT_CONFIRM_DELAY_S
    resolve: tuple[str, ...] = ()
    ca_file: str | None = None
    user_agent: str = USER_AGENT
    max_connections: int = 1000


@dataclass
class _Timing:
    """perf_counter() marks of one attempt, filled by the trace hooks and the socket."""

    started: float
    https: bool
    dns_start: float | None = None
    dns_end: float | None = None
    conn_start: float | None = None
    conn_end: float | None = None
    first_send: float | None = None
    headers: float | None = None

    def durations(self) -> dict[str, float | None]:
        """dns/connect/tls as durations, ttfb from the start; all in milliseconds."""

        def ms(a: float | None, b: float | None) -> float | None:
            return None if a is None or b is None else round((b - a) * 1000, 2)

        connect_start = self.dns_end if self.dns_end is not None else self.conn_start
        connect_end = self.first_send if self.https else self.conn_end
        return {
            "dns_ms": ms(self.dns_start, self.dns_end),
            "connect_ms": ms(connect_start, connect_end),
            "tls_ms": ms(self.first_send, self.conn_end) if self.https else None,
            "ttfb_ms": ms(self.started, self.headers),
        }


# The attempt being made by the current task: the socket factory runs inside aiohttp's
# connector, in the probing task's context, and finds its timing record here.
_CURRENT: contextvars.ContextVar[_Timing | None] = contextvars.ContextVar("probe_timing",
                                                                          default=None)


class _TimedSocket(socket.socket):
    """A socket that notes its first send: the end of TCP connect, the start of TLS."""

    __slots__ = ("timing",)
    timing: _Timing | None

    def _mark(self) -> None:
        timing = self.timing
        if timing is not None and timing.first_send is None and timing.conn_end is None:
            timing.first_send = time.perf_counter()

    def send(self, data: Any, flags: int = 0) -> int:
        self._mark()
        return super().send(data, flags)

    def sendmsg(self, *args: Any) -> int:
        self._mark()
        return super().sendmsg(*args)


def _timed_socket(addr_info: tuple[Any, ...]) -> socket.socket:
    family, kind, proto = addr_info[0], addr_info[1], addr_info[2]
    sock = _TimedSocket(family, kind, proto)
    sock.timing = _CURRENT.get()
    return sock


def _trace_config() -> aiohttp.TraceConfig:
    """Hooks that note the first DNS lookup, the first connection and the final headers."""
    config = aiohttp.TraceConfig()

    def first(attr: str) -> Any:
        async def hook(_s: aiohttp.ClientSession, ctx: SimpleNamespace, _p: Any) -> None:
            timing = ctx.trace_request_ctx
            if isinstance(timing, _Timing) and getattr(timing, attr) is None:
                setattr(timing, attr, time.perf_counter())
        return hook

    async def headers(_s: aiohttp.ClientSession, ctx: SimpleNamespace, _p: Any) -> None:
        if isinstance(ctx.trace_request_ctx, _Timing):
            ctx.trace_request_ctx.headers = time.perf_counter()

    config.on_dns_resolvehost_start.append(first("dns_start"))
    config.on_dns_resolvehost_end.append(first("dns_end"))
    config.on_connection_create_start.append(first("conn_start"))
    config.on_connection_create_end.append(first("conn_end"))
    config.on_request_end.append(headers)  # after redirects: the page's own headers
    return config


@dataclass
class Attempt:
    """One request of a probe."""

    time: datetime
    ok: bool
    status: int | None
    error: str
    detail: str
    elapsed_ms: float
    bytes: int
    timings: dict[str, float | None] = field(default_factory=dict)


class Prober:
    """Makes probes through one aiohttp session; use as `async with Prober(settings) as p`."""

    def __init__(self, settings: ProbeSettings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or RealClock()
        self._rules = [parse_resolve(spec) for spec in settings.resolve]
        self._session: aiohttp.ClientSession | None = None
        self._headers = {"User-Agent": settings.user_agent, "Accept": ACCEPT,
                         "Accept-Language": ACCEPT_LANGUAGE}
        self._verifying: ssl.SSLContext | None = None

    async def __aenter__(self) -> Prober:
        self._verifying, _ = ssl_contexts(self.settings.ca_file)
        connector = aiohttp.TCPConnector(
            resolver=MapResolver(self._rules),
            ssl=self._verifying,
            limit=self.settings.max_connections,
            limit_per_host=0,
            # Every probe a first visit: its own DNS lookup and its own connection, so DNS,
            # connect and TLS are measured (and can fail) every time.
            force_close=True,
            use_dns_cache=False,
            socket_factory=_timed_socket,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            # Browser-like cookies: a server that sets a session cookie and redirects back
            # would otherwise loop until too_many_redirects (as in collect).
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            trace_configs=[_trace_config()],
            timeout=aiohttp.ClientTimeout(total=None),  # our own asyncio.timeout bounds it
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def probe(self, target: Target, *, slot: datetime | None = None) -> ProbeRecord:
        """Probe `target` once, confirming a failure with a second attempt after a delay."""
        first = await self.attempt(target.url)
        final, attempts = first, 1
        if not first.ok and first.error != errors.BLOCKED and self.settings.confirm:
            await self.clock.sleep(self.settings.confirm_delay_s)
            final, attempts = await self.attempt(target.url), 2
        detail = final.detail
        if attempts == 2:
            outcome = "恢复" if final.ok else (final.error or f"HTTP {final.status}")
            detail = f"首次：{first.error or first.status}，{first.detail}；复测：{outcome}"
        return ProbeRecord(
            site_code=target.site_code, url=target.url, time=first.time, ok=final.ok,
            elapsed_ms=final.elapsed_ms, status=final.status, error=final.error,
            kind=target.kind, slot=slot or first.time, bytes=final.bytes, attempts=attempts,
            detail=detail[:500], **final.timings,  # type: ignore[arg-type]
        )

    async def attempt(self, url: str) -> Attempt:
        """One GET of `url` with redirects, bounded by the timeout; never raises for the site."""
        if self._session is None:
            raise RuntimeError("Prober must be used as an async context manager")
        started_at = self.clock.now()
        timing = _Timing(started=time.perf_counter(), https=url.lower().startswith("https:"))
        token = _CURRENT.set(timing)
        status, error, detail, body = None, "", "", b""
        try:
            async with asyncio.timeout(self.settings.timeout_s):
                async with self._session.get(
                    url, headers=self._headers, allow_redirects=True,
                    max_redirects=MAX_REDIRECTS, ssl=self._verifying, trace_request_ctx=timing,
                ) as resp:
                    status = resp.status
                    body = await _read(resp)
                    error, detail = _judge_answer(resp, body)
        except aiohttp.TooManyRedirects as exc:
            error, detail = errors.TOO_MANY_REDIRECTS, f"{type(exc).__name__}: {exc}"[:300]
        except (aiohttp.ClientError, OSError, ValueError, TimeoutError) as exc:
            error, detail = classify(exc)
            status = None
            if error == errors.TIMEOUT:
                detail = f"no complete answer within {self.settings.timeout_s:g} s"
        finally:
            _CURRENT.reset(token)
        elapsed = round((time.perf_counter() - timing.started) * 1000, 1)
        return Attempt(time=started_at, ok=not error, status=status, error=error, detail=detail,
                       elapsed_ms=elapsed, bytes=len(body), timings=timing.durations())


async def _read(resp: aiohttp.ClientResponse) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(READ_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY_BYTES:
            break
    return b"".join(chunks)


def _judge_answer(resp: aiohttp.ClientResponse, body: bytes) -> tuple[str, str]:
    """(error class or "", detail) for an answer that came: HTTP errors and WAF challenges.

    The WAF test runs on the same answers collect tests (challenge statuses, or small
    HTML bodies): a challenge page is `blocked` whatever its status, since a 200 challenge
    is no more the site than a 403 one.
    """
    content_type = resp.headers.get("Content-Type", "")
    if is_html_type(content_type) and body and (
        resp.status in waf.CHALLENGE_STATUSES or len(body) <= waf.MAX_CHALLENGE_BYTES
    ):
        challenge = waf.detect(resp.status, decode_html(body, content_type).text)
        if challenge:
            return errors.BLOCKED, challenge
    error = errors.error_for_status(resp.status)
    return (error, f"HTTP {resp.status} {resp.reason or ''}".strip()) if error else ("", "")

