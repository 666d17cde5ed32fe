"""The passive security probe: what any visitor's browser could see, asked once per site.

Collect for the `security.*` rules; it records and never judges. Run after the crawl of a
running, unblocked site (like the search probe), it sends a short, fixed list of requests and
nothing else — no injection payloads, no logins, no port scans (docs/security.md):

1. one TLS handshake with the home host on port 443 (through the run's `--resolve` map, with
   the run's `--ca`), and, when verification fails, a second unverified handshake only to read
   the certificate the server presents;
2. one GET of `https://HOST/` when the handshake succeeded (its headers are judged), and one
   GET of `http://HOST/` when the site is registered with https (does plain HTTP redirect?);
3. one GET per path of `SENSITIVE_PATHS` and `LISTING_DIRS` on the site's own origin, each
   read at most `SENSITIVE_READ_BYTES`, robots.txt obeyed.

Every request waits for the host's slot in the run's pool, so the probe is as polite as the
crawl. What came back is kept small: status, content type, the first 512 bytes as text, and
the names of content markers (`MARKERS`) found in the part that was read.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from govsite.collect import soft404
from govsite.collect.fetch import Fetcher, FetchResult, FetchStats, ReadLimits
from govsite.collect.hosts import HostPool
from govsite.collect.resolve import MapResolver
from govsite.collect.robots import Robots
from govsite.collect.urls import host_of, scheme_of
from govsite.snapshot import Page

HTTPS_PORT = 443

# Files whose mere presence leaks source, credentials or configuration, each with the
# marker(s) that prove the answer is that file (not a 200 "not found" page). Bounded on
# purpose: one GET each, never a wordlist.
SENSITIVE_PATHS: dict[str, tuple[str, ...]] = {
    "/.git/HEAD": ("git_head",),
    "/.svn/entries": ("svn_entries",),
    "/.env": ("dotenv",),
    "/www.zip": ("zip",),
    "/wwwroot.zip": ("zip",),
    "/backup.zip": ("zip",),
    "/web.rar": ("rar",),
    "/phpinfo.php": ("phpinfo",),
    "/.DS_Store": ("ds_store",),
    "/WEB-INF/web.xml": ("web_xml",),
}
# Upload and file directories that CMSs leave browsable most often.
LISTING_DIRS = ("/upload/", "/uploads/", "/files/", "/backup/")

# Enough to see a phpinfo() title behind its inline CSS, or an autoindex heading; a backup
# archive is never downloaded, only its first bytes.
SENSITIVE_READ_BYTES = 65_536
SENSITIVE_LIMITS = ReadLimits(html=SENSITIVE_READ_BYTES, other=SENSITIVE_READ_BYTES)
HOME_LIMITS = ReadLimits(html=2_000_000, other=4096)
EVIDENCE_BYTES = 512

# Content markers: byte patterns that identify a kind of file or page.
MARKERS: dict[str, re.Pattern[bytes]] = {
    "git_head": re.compile(rb"\A(ref: refs/|[0-9a-f]{40}\s*\Z)"),
    "svn_entries": re.compile(rb"\A(\d{1,2}\n|<\?xml[^>]*>\s*<wc-entries)"),
    "dotenv": re.compile(rb"(?m)^(APP_KEY|APP_ENV|DB_(HOST|PASSWORD|USERNAME|DATABASE)|"
                         rb"[A-Z][A-Z0-9_]*(SECRET|PASSWORD|TOKEN|KEY))=\S*"),
    "zip": re.compile(rb"\APK\x03\x04"),
    "rar": re.compile(rb"\ARar!\x1a\x07"),
    "phpinfo": re.compile(rb"phpinfo\(\)|<title>PHP [0-9.]+ - phpinfo", re.IGNORECASE),
    "ds_store": re.compile(rb"\A\x00\x00\x00\x01Bud1"),
    "web_xml": re.compile(rb"<web-app[\s>]"),
    # Apache/nginx autoindex, IIS directory browsing, Python/Tomcat listings.
    "index_of": re.compile(
        rb"<title>\s*Index of /|<h1>\s*Index of /|\[To Parent Directory\]|"
        rb"<title>\s*Directory listing for /",
        re.IGNORECASE,
    ),
}


def find_markers(body: bytes) -> list[str]:
    """Names of the `MARKERS` present in `body`."""
    return [name for name, pattern in MARKERS.items() if pattern.search(body)]


def text_safe(body: bytes, limit: int = EVIDENCE_BYTES) -> str:
    """The first `limit` bytes as printable text: UTF-8 where valid, \\xNN escapes elsewhere."""
    return body[:limit].decode("utf-8", errors="backslashreplace")


def _name_value(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def cert_facts(der: bytes) -> dict[str, Any]:
    """Subject, SAN, issuer and validity of a DER certificate, as JSON-ready facts."""
    cert = x509.load_der_x509_certificate(der)
    try:
        ext = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
        names = ext.value
        assert isinstance(names, x509.SubjectAlternativeName)
        san = [*names.get_values_for_type(x509.DNSName),
               *(str(ip) for ip in names.get_values_for_type(x509.IPAddress))]
    except x509.ExtensionNotFound:
        san = []
    return {
        "subject": cert.subject.rfc4514_string(),
        "subject_cn": _name_value(cert.subject, NameOID.COMMON_NAME),
        "san": san,
        "issuer": cert.issuer.rfc4514_string(),
        "self_issued": cert.issuer == cert.subject,
        "not_before": cert.not_valid_before_utc.astimezone(UTC).isoformat(),
        "not_after": cert.not_valid_after_utc.astimezone(UTC).isoformat(),
    }


class SecurityProbe:
    """Runs the probe for one site through the run's fetcher, pool, resolver and robots."""

    def __init__(
        self,
        fetcher: Fetcher,
        robots: Robots,
        pool: HostPool,
        resolver: MapResolver,
        *,
        verifying: ssl.SSLContext,
        lenient: ssl.SSLContext,
        timeout_s: float,
    ) -> None:
        self._fetcher = fetcher
        self._robots = robots
        self._pool = pool
        self._resolver = resolver
        self._verifying = verifying
        self._lenient = lenient
        self._timeout_s = timeout_s

    async def run(
        self, home: Page, soft404_fp: dict[str, Any] | None, stats: FetchStats
    ) -> dict[str, Any]:
        """The `SiteSnapshot.security` record for the site whose home page is `home`."""
        host = host_of(home.url)
        tls = await self._handshake(host, stats)
        https_home = None
        if tls["handshake"]:
            result = await self._fetcher.fetch(
                f"https://{host}/", limits=HOME_LIMITS, stats=stats, lenient_tls=True
            )
            https_home = _response(result)
        http_redirect = await self._http_redirect(home, host, stats)
        origin = _own_origin(home)
        paths = []
        for path, expected in SENSITIVE_PATHS.items():
            paths.append(await self._path(origin, path, "file", expected, soft404_fp, stats))
        for path in LISTING_DIRS:
            paths.append(await self._path(origin, path, "dir", ("index_of",), soft404_fp, stats))
        return {
            "host": host,
            "tls": tls,
            "https_home": https_home,
            "http_redirects_to_https": http_redirect,
            "origin": origin,
            "paths": paths,
        }

    async def _handshake(self, host: str, stats: FetchStats) -> dict[str, Any]:
        """Verified handshake; on a certificate failure, an unverified one to read the cert."""
        record: dict[str, Any] = {
            "tried": f"https://{host}:{HTTPS_PORT}/",
            "handshake": False,
            "verified": False,
            "verify_error": None,
            "error": None,
            "cert": None,
        }
        try:
            target = (await self._resolver.resolve(host, HTTPS_PORT))[0]
        except OSError as exc:
            record["error"] = f"dns: {exc}"[:300]
            return record
        address = (target["host"], target["port"])
        record["address"] = f"{address[0]}:{address[1]}"
        der, error = await self._connect(host, address, self._verifying, stats)
        if der is not None:
            record.update(handshake=True, verified=True)
        elif isinstance(error, ssl.SSLCertVerificationError):
            record["verify_error"] = error.verify_message or str(error)
            der, error = await self._connect(host, address, self._lenient, stats)
            record["handshake"] = der is not None
        if der is None:
            record["error"] = f"{type(error).__name__}: {error}"[:300]
            return record
        record["cert"] = cert_facts(der)
        return record

    async def _connect(
        self, host: str, address: tuple[str, int], context: ssl.SSLContext, stats: FetchStats
    ) -> tuple[bytes | None, BaseException | None]:
        """The peer certificate (DER) of one handshake, or the exception that ended it."""
        async with self._pool.get(host).slot():
            stats.requests += 1
            writer = None
            try:
                async with asyncio.timeout(self._timeout_s):
                    _reader, writer = await asyncio.open_connection(
                        address[0], address[1], ssl=context, server_hostname=host
                    )
                ssl_object = writer.get_extra_info("ssl_object")
                der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
                if der is None:
                    return None, ssl.SSLError("no peer certificate")
                return der, None
            except (OSError, TimeoutError, ssl.SSLError) as exc:
                return None, exc
            finally:
                if writer is not None:
                    writer.close()
                    try:
                        await asyncio.wait_for(writer.wait_closed(), 1.0)
                    except (OSError, TimeoutError, ssl.SSLError):
                        pass

    async def _http_redirect(self, home: Page, host: str, stats: FetchStats) -> bool | None:
        """Whether plain http:// on the home host ends on https (None: could not tell)."""
        if scheme_of(home.url) == "http":
            if home.status is None:
                return None
            return scheme_of(home.final_url) == "https"
        url = f"http://{host}/"
        if not await self._robots.allowed(url, stats):
            return None
        result = await self._fetcher.fetch(url, limits=SENSITIVE_LIMITS, stats=stats)
        if result.status is None:
            return None  # no plain HTTP at all: nothing to redirect
        return scheme_of(result.final_url) == "https"

    async def _path(
        self,
        origin: str,
        path: str,
        kind: str,
        expected: tuple[str, ...],
        fp: dict[str, Any] | None,
        stats: FetchStats,
    ) -> dict[str, Any]:
        url = origin + path
        record: dict[str, Any] = {"path": path, "url": url, "kind": kind, "expected": list(expected)}
        if not await self._robots.allowed(url, stats):
            record.update(status=None, error="robots_denied")
            return record
        result = await self._fetcher.fetch(
            url, limits=SENSITIVE_LIMITS, stats=stats, lenient_tls=True
        )
        record.update(
            status=result.status,
            error=result.error,
            final_url=result.final_url,
            content_type=result.content_type,
            head=text_safe(result.body),
            markers=find_markers(result.body),
            soft404=soft404.matches(
                fp,
                url=url,
                status=result.status,
                html=result.text,
                final_url=result.final_url,
                redirected=bool(result.redirects),
            ),
        )
        return record


def _response(result: FetchResult) -> dict[str, Any]:
    return {
        "url": result.url,
        "final_url": result.final_url,
        "status": result.status,
        "error": result.error,
        "headers": result.headers,
        "tls_error": result.tls_error,
    }


def _own_origin(home: Page) -> str:
    """The origin the site is served from: the home page's final URL when on its own host."""
    url = home.final_url if host_of(home.final_url) == host_of(home.url) else home.url
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
