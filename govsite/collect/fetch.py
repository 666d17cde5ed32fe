"""One polite request with manual redirects, retries, size caps and an error class, never raising.

`Fetcher.fetch()` is the only function in govsite that touches the network. It never raises
for anything a site does: DNS failures, resets, TLS errors, WAF pages and 5xx all come back as
a `FetchResult` with `error` set to a class from `errors`. Each request waits for its host's
slot (`hosts.py`); identical concurrent requests share one fetch; transient failures are
retried a bounded number of times, decided by `errors.is_transient` alone.

Redirects are followed by hand rather than by aiohttp so that every hop is recorded, every hop
waits for its own host's slot, and loops are caught early.

Requests are GETs, except a form submitted by POST (the site-search probe): it takes the
same path, slot and retries, since a search is a read that asking again cannot harm.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import aiohttp

from govsite.collect import errors, waf
from govsite.collect.charset import decode_html
from govsite.collect.hosts import HostPool
from govsite.collect.settings import CollectSettings
from govsite.collect.urls import HTTP_SCHEMES, absolutize, host_of, scheme_of

# Browsers stop at 20 hops; the issue fixes 10, which no legitimate gov site needs.
MAX_REDIRECTS = 10
# A URL may redirect to itself once (servers that set a session cookie and bounce back);
# asked to go there a third time, it is a loop.
MAX_REDIRECT_VISITS = 2
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A POST redirected with these is posted again to the new URL; any other redirect turns it
# into a GET without a body, as browsers do (RFC 9110 §15.4).
METHOD_KEEPING_REDIRECTS = frozenset({307, 308})
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

# Enough of a non-HTML body to tell a real file from an HTML error page; a 200 MB attachment
# is then not downloaded just to learn that its link works.
SNIFF_BYTES = 4096
READ_CHUNK = 65_536

# What a browser on a Chinese desktop sends; some servers answer crawlers without these with
# a different (or no) page.
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.5"


@dataclass(frozen=True)
class ReadLimits:
    """How much of a body to read: `html` for HTML (or untyped) answers, `other` for the rest."""

    html: int
    other: int = SNIFF_BYTES


@dataclass
class FetchStats:
    """Requests and bytes spent for one site (shared fetches count for the site that asked)."""

    requests: int = 0
    bytes: int = 0


@dataclass
class FetchResult:
    """What came back for one URL after redirects and retries.

    `redirects` lists the URLs that answered with a redirect, in order (the requested URL
    first); `final_url` is the one that gave the last answer. `text`/`charset` are set for
    HTML bodies read completely. `complete` is False when the body was cut at the read limit.
    `tls_error` says why the certificate failed when the answer was fetched without
    verification (only for callers that allow it).
    """

    url: str
    final_url: str
    fetched_at: str
    status: int | None = None
    error: str | None = None
    detail: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    body: bytes = b""
    complete: bool = True
    text: str | None = None
    charset: str | None = None
    redirects: list[str] = field(default_factory=list)
    attempts: int = 1
    elapsed_ms: float = 0.0
    tls_error: str | None = None


@dataclass
class _Answer:
    """One HTTP exchange (no redirects followed)."""

    status: int | None = None
    error: str | None = None
    detail: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    complete: bool = True


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_html_type(content_type: str) -> bool:
    """HTML, or no type at all (old servers omit it for .htm pages, browsers sniff them)."""
    kind = media_type(content_type)
    return not kind or "html" in kind


def classify(exc: BaseException) -> tuple[str, str]:
    """The error class and a one-line detail for an exception raised by one exchange."""
    detail = f"{type(exc).__name__}: {exc}".strip()[:300]
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return errors.TLS, detail
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return errors.DNS, detail
    if isinstance(exc, TimeoutError):
        return errors.TIMEOUT, detail or "TimeoutError"
    if isinstance(exc, aiohttp.ClientConnectorError):
        # Refused, or no route: nothing accepted the connection either way.
        return errors.REFUSED, detail
    if isinstance(exc, aiohttp.NonHttpUrlClientError):
        return errors.UNSUPPORTED_SCHEME, detail
    if isinstance(exc, ValueError):
        return errors.INVALID_URL, detail
    # Disconnects, truncated payloads and malformed responses: the exchange broke midway.
    return errors.RESET, detail


def ssl_contexts(ca_file: str | None) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(verifying context trusting the system CAs plus `ca_file`, lenient context).

    The lenient one is for auditing a site whose certificate failed: the failure is recorded,
    and the audit goes on without verification, accepting the legacy protocols and ciphers
    that old gov servers still speak (OpenSSL's default security level refuses them).
    """
    verifying = ssl.create_default_context()
    if ca_file:
        verifying.load_verify_locations(cafile=ca_file)
    lenient = ssl.create_default_context()
    lenient.check_hostname = False
    lenient.verify_mode = ssl.CERT_NONE
    try:
        lenient.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        lenient.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        pass  # an OpenSSL build without legacy support: the defaults still audit most sites
    return verifying, lenient


def _headers(resp: aiohttp.ClientResponse) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in resp.headers.items():
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


async def _read(resp: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """Up to `limit` bytes of the body, and whether that was all of it."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(READ_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], False
    return b"".join(chunks), True


class Fetcher:
    """Fetches URLs through one aiohttp session, politely and without raising."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        pool: HostPool,
        settings: CollectSettings,
        *,
        verifying: ssl.SSLContext,
        lenient: ssl.SSLContext,
    ) -> None:
        self._session = session
        self._pool = pool
        self._timeout_s = settings.timeout_s
        self._retries = max(0, settings.retries)
        self._verifying = verifying
        self._lenient = lenient
        self._headers = {
            "User-Agent": settings.user_agent,
            "Accept": ACCEPT,
            "Accept-Language": ACCEPT_LANGUAGE,
        }
        # Host → why its certificate failed; later requests that may go unverified skip
        # the doomed verified handshake.
        self._bad_certs: dict[str, str] = {}

    async def fetch(
        self,
        url: str,
        *,
        limits: ReadLimits,
        stats: FetchStats,
        lenient_tls: bool = False,
        form_data: bytes | None = None,
    ) -> FetchResult:
        """GET (or POST) `url`: follow redirects, retry transient failures, classify the answer.

        With `lenient_tls`, a certificate that fails verification is recorded in
        `tls_error` and the request is made again without verification, so that a site's
        bad certificate becomes a finding instead of ending its audit. With `form_data`
        (already urlencoded in the form's charset), the request is a POST of that body.
        """
        host = self._pool.get(host_of(url))
        key = (url, limits, lenient_tls, form_data)
        result = await host.once(
            key, lambda: self._with_retries(url, limits, stats, lenient_tls, form_data)
        )
        # Waiters share one result object; give each its own so later edits stay local.
        return replace(result, headers=dict(result.headers), redirects=list(result.redirects))

    async def _with_retries(
        self,
        url: str,
        limits: ReadLimits,
        stats: FetchStats,
        lenient_tls: bool,
        form_data: bytes | None,
    ) -> FetchResult:
        attempt = 1
        while True:
            result = await self._follow(url, limits, stats, lenient_tls, form_data)
            result.attempts = attempt
            if attempt > self._retries or not errors.is_transient(result.error, result.status):
                return result
            attempt += 1

    async def _follow(
        self,
        url: str,
        limits: ReadLimits,
        stats: FetchStats,
        lenient_tls: bool,
        form_data: bytes | None,
    ) -> FetchResult:
        """One attempt: the request and its redirect chain."""
        started = time.perf_counter()
        result = FetchResult(url=url, final_url=url, fetched_at=now_iso())
        visits: Counter[str] = Counter()
        current = url
        while True:
            answer, tls_error = await self._exchange(current, limits, stats, lenient_tls, form_data)
            result.tls_error = result.tls_error or tls_error
            location = answer.headers.get("location")
            if answer.error or answer.status not in REDIRECT_STATUSES or not location:
                break
            target = absolutize(location, current)
            result.redirects.append(current)
            visits[current] += 1
            if len(result.redirects) > MAX_REDIRECTS or visits[target] >= MAX_REDIRECT_VISITS:
                answer.error = errors.TOO_MANY_REDIRECTS
                answer.detail = f"{len(result.redirects)} redirects, last to {target}"
                break
            current = target
            if answer.status not in METHOD_KEEPING_REDIRECTS:
                form_data = None
        result.final_url = current
        result.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        self._fill(result, answer)
        return result

    def _fill(self, result: FetchResult, answer: _Answer) -> None:
        """Copy the last answer into the result, decode HTML and recognise WAF pages."""
        result.status, result.error, result.detail = answer.status, answer.error, answer.detail
        result.headers, result.body, result.complete = answer.headers, answer.body, answer.complete
        content_type = answer.headers.get("content-type", "")
        result.content_type = media_type(content_type)
        if answer.status is None:
            return
        if result.error is None:
            result.error = errors.error_for_status(answer.status)
        if not (answer.body and answer.complete and is_html_type(content_type)):
            return
        decoded = decode_html(answer.body, content_type)
        result.text, result.charset = decoded.text, decoded.charset
        if answer.status in waf.CHALLENGE_STATUSES or len(answer.body) <= waf.MAX_CHALLENGE_BYTES:
            challenge = waf.detect(answer.status, decoded.text)
            if challenge and result.error != errors.TOO_MANY_REDIRECTS:
                result.error, result.detail = errors.BLOCKED, challenge

    async def _exchange(
        self,
        url: str,
        limits: ReadLimits,
        stats: FetchStats,
        lenient_tls: bool,
        form_data: bytes | None,
    ) -> tuple[_Answer, str | None]:
        """One exchange, falling back to an unverified handshake if allowed and needed."""
        scheme, host = scheme_of(url), host_of(url)
        if scheme not in HTTP_SCHEMES:
            if not scheme:
                return _Answer(error=errors.INVALID_URL, detail="not an absolute URL"), None
            return _Answer(error=errors.UNSUPPORTED_SCHEME, detail=f"scheme {scheme!r}"), None
        if not host:
            return _Answer(error=errors.INVALID_URL, detail="no host in URL"), None
        if scheme == "https" and lenient_tls and host in self._bad_certs:
            answer = await self._request(url, limits, stats, self._lenient, form_data)
            return answer, self._bad_certs[host]
        answer = await self._request(url, limits, stats, self._verifying, form_data)
        if answer.error == errors.TLS and lenient_tls:
            self._bad_certs[host] = answer.detail
            return await self._request(url, limits, stats, self._lenient, form_data), answer.detail
        return answer, None

    async def _request(
        self,
        url: str,
        limits: ReadLimits,
        stats: FetchStats,
        context: ssl.SSLContext,
        form_data: bytes | None,
    ) -> _Answer:
        slot = self._pool.get(host_of(url))
        method, sent = "GET", self._headers
        if form_data is not None:
            method, sent = "POST", {**self._headers, "Content-Type": FORM_CONTENT_TYPE}
        async with slot.slot():
            stats.requests += 1
            try:
                async with asyncio.timeout(self._timeout_s):
                    async with self._session.request(
                        method,
                        url,
                        headers=sent,
                        data=form_data,
                        allow_redirects=False,
                        ssl=context,
                    ) as resp:
                        headers = _headers(resp)
                        kind = headers.get("content-type", "")
                        limit = limits.html if is_html_type(kind) else limits.other
                        body, complete = await _read(resp, limit)
            except (aiohttp.ClientError, OSError, ValueError) as exc:
                error, detail = classify(exc)
                return _Answer(error=error, detail=detail)
            stats.bytes += len(body)
            slot.observe(resp.status, headers.get("retry-after"))
            return _Answer(status=resp.status, headers=headers, body=body, complete=complete)
