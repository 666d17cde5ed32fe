"""The artifacts a census collects for one site, and their (de)serialisation.

Collect writes a `SiteSnapshot`; rules read it and nothing else (Lighthouse's gatherers →
artifacts → audits). It serialises to plain JSON so that a stored snapshot can be judged
again by `govsite rescore` long after the site has changed: the evidence behind a 通报 must
survive the site.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any, BinaryIO

from selectolax.lexbor import LexborHTMLParser

from govsite.sites import Site

SNAPSHOT_FORMAT = "govsite.snapshot/1"

# zlib's gzip container (wbits 16 + 15): what gzip.compress(mtime=0) writes, so a blob's bytes,
# and the sha256 the store files it under, do not depend on how it was written.
GZIP_WBITS = 31
BLOB_LEVEL = 6

# Link kinds (the element that carried the URL). Only these are link-checked.
LINK_TAGS = ("a", "area", "img", "script", "link", "iframe", "frame", "embed", "source")


@dataclass(frozen=True)
class Link:
    """One URL found on a page.

    `url` is absolute (resolved against the page's final URL, fragment removed); `raw` is the
    attribute exactly as written, kept because `javascript:`/`mailto:` and friends are judged
    from it and because evidence quotes the site's own spelling.
    """

    url: str
    raw: str
    tag: str = "a"
    text: str = ""


@dataclass
class Page:
    """One fetched page: what was asked, what answered, and what was parsed from it.

    `error` is a class from `govsite.collect.errors` when nothing usable came back (then
    `status` may be None). `html` is the decoded document for HTML responses, None otherwise.
    `tls_error` says why the host's certificate failed verification when the page was then
    fetched without verification (an audit goes on past a bad certificate).
    """

    url: str
    final_url: str
    status: int | None
    fetched_at: str
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    content_type: str = ""
    charset: str | None = None
    html: str | None = None
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    redirects: list[str] = field(default_factory=list)
    depth: int = 0
    referrer: str | None = None
    tls_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @cached_property
    def tree(self) -> LexborHTMLParser | None:
        """Parsed DOM, built once on first use by whichever rule needs it."""
        return LexborHTMLParser(self.html) if self.html else None

    @cached_property
    def text(self) -> str:
        """Visible text (scripts and styles removed), whitespace folded; '' when not HTML.

        Parsed separately from `tree` because removing nodes would change the tree other
        rules read.
        """
        return visible_text(self.html)

    def to_json(self) -> dict[str, Any]:
        # Field by field, not asdict(): asdict would turn every Link into a dict first, only
        # to throw it away, which was most of the time spent serialising a big site. The
        # fields hold strings, numbers and flat containers of them: copying the containers
        # is all the deep copy asdict made.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["headers"], data["meta"] = dict(data["headers"]), dict(data["meta"])
        data["redirects"] = list(data["redirects"])
        data["links"] = [[ln.url, ln.raw, ln.tag, ln.text] for ln in data["links"]]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        data = dict(data)
        data["links"] = [Link(*row) for row in data.get("links", [])]
        return cls(**data)


@dataclass
class LinkCheck:
    """The result of checking one target URL, shared by every page that links to it.

    `ok` is True (works), False (broken, after retries) or None (not measured: robots-denied,
    blocked by a WAF, or transient failures that outlived their retries are *not* None; they
    are False with `attempts` recorded). `reason` names why a 2xx still counts as broken,
    e.g. an HTML error page served for an attachment.
    """

    url: str
    ok: bool | None
    status: int | None = None
    error: str | None = None
    final_url: str | None = None
    content_type: str = ""
    attempts: int = 1
    elapsed_ms: float = 0.0
    reason: str = ""
    checked_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinkCheck:
        return cls(**data)


@dataclass
class SiteSnapshot:
    """Everything collected for one site in one census.

    `pages` holds every fetched page, the home page first; `home` is that same object (None
    when the home page could not be fetched). `checks` maps each distinct link target to its
    check. `blocked` is set when the site as a whole could not be audited (waf, robots, unreachable):
    rules then report not_measured for the site instead of accusing it. `notes` records
    partial gaps (e.g. a page cap reached) that reports show beside the findings. `probes` is
    the site's availability history attached by the census (None when none was given), kept
    with the snapshot so a rescore judges the same evidence.

    `search` records the site-search probe (站内搜索), None when it did not run (site blocked,
    closed or not crawled, probe switched off, or a snapshot older than the probe):

        {"found": bool,             # a search form or known search URL was found
         "looked_in": str,          # where we looked, in Chinese ("首页表单及链接" …)
         "how": "form" | "link" | None,  # a form on the home page / a search link from it
         "action": str | None,      # the URL the form submits to (the link, if no form)
         "method": "GET" | "POST" | None,
         "param": str | None,       # the name of the field the query went in
         "query": str | None,       # the text searched (None: nothing was submitted)
         "query_source": str | None,  # the page whose title became the query
         "page": dict | None}       # `Page.to_json()` of the answer: results, error or the
                                    # linked search page when it had no form to submit

    `security` records the passive security probe (`collect/security.py`), None when it did
    not run (same cases as `search`, or a snapshot older than the probe):

        {"host": str, "origin": str,   # the home host; the origin sensitive paths were asked on
         "tls": {"tried": str, "address": str, "handshake": bool, "verified": bool,
                 "verify_error": str | None,  # OpenSSL's reason when verification failed
                 "error": str | None,         # why no handshake completed at all
                 "cert": {"subject", "subject_cn", "san", "issuer", "self_issued",
                          "not_before", "not_after"} | None},
         "https_home": {"url", "final_url", "status", "error", "headers", "tls_error"} | None,
         "http_redirects_to_https": bool | None,
         "paths": [{"path", "url", "kind": "file" | "dir", "expected": [marker names],
                    "status", "error", "final_url", "content_type",
                    "head": str,              # first 512 bytes, text-safe
                    "markers": [str],         # content markers found (collect/security.py)
                    "soft404": bool}]}        # matched the site's soft-404 fingerprint

    `browser` records the opt-in `--browser` pass (`collect/browser.py`), None when it did not
    run (not asked for, site blocked, or an older snapshot):

        {"error": None | "chromium_missing" | "playwright_missing" | "axe_missing"
                  | "launch_failed",   # set: nothing below was measured
         "detail": str, "tags": [axe tags run],
         "pages": [{"url", "error", "violations": [{"id", "impact", "help", "tags", "wcag",
                    "node_count", "nodes": [{"target", "html", "impact"}]}]}],  # ≤20 nodes
         "screenshot": SHOT | None,            # the home page
         "mobile": {"url", "width": 375, "scroll_width", "overflow": bool} | None,
         "evidence": [SHOT]}   # pages behind veto findings, captured by the census after judging

    where SHOT is {"url", "taken_at", "status", "mime", "width", "height", "bytes",
    "data": base64 JPEG} or, when the page would not load, {"url", "taken_at", "error"}.
    """

    site: Site
    fetched_at: str
    home: Page | None = None
    pages: list[Page] = field(default_factory=list)
    checks: dict[str, LinkCheck] = field(default_factory=dict)
    blocked: str | None = None
    blocked_detail: str = ""
    soft404: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    probes: list[dict[str, Any]] | None = None
    search: dict[str, Any] | None = None
    security: dict[str, Any] | None = None
    browser: dict[str, Any] | None = None
    # Derived views (the site's columns, its messages) computed once by the rules that share
    # them; never serialised, so a stored snapshot is only what was collected.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def _json_items(self) -> Iterator[tuple[str, Any]]:
        """The serialised form's keys and values in order; pages and checks as lazy iterators,
        so that `write_json` never holds more than one page's JSON (a spooled page reads its
        body back only while it is written)."""
        yield "format", SNAPSHOT_FORMAT
        yield "site", asdict(self.site)
        yield "fetched_at", self.fetched_at
        yield "home", self.home.to_json() if self.home else None
        yield "pages", (p.to_json() for p in self.pages if p is not self.home)
        yield "checks", ((url, c.to_json()) for url, c in self.checks.items())
        yield "blocked", self.blocked
        yield "blocked_detail", self.blocked_detail
        yield "soft404", self.soft404
        yield "notes", self.notes
        yield "stats", self.stats
        yield "probes", self.probes
        yield "search", self.search
        yield "security", self.security
        yield "browser", self.browser

    def to_json(self) -> dict[str, Any]:
        """The whole snapshot as one JSON-ready dict (every page body in memory at once)."""
        data = dict(self._json_items())
        data["pages"] = list(data["pages"])
        data["checks"] = dict(data["checks"])
        return data

    def write_json(self, write: Callable[[str], object]) -> None:
        """Pass `to_json()` as compact JSON to `write`, piece by piece, one page at a time.

        The pieces join to exactly `json.dumps(self.to_json(), ensure_ascii=False,
        separators=(",", ":"))`: a dict or list encodes as its members encoded alone, joined.
        """
        opener = "{"
        for key, value in self._json_items():
            write(f"{opener}{_compact(key)}:")
            opener = ","
            if key == "pages":
                write("[")
                for n, page in enumerate(value):
                    write(("," if n else "") + _compact(page))
                write("]")
            elif key == "checks":
                write("{")
                for n, (url, check) in enumerate(value):
                    write(("," if n else "") + f"{_compact(url)}:{_compact(check)}")
                write("}")
            else:
                write(_compact(value))
        write("}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteSnapshot:
        if data.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"unknown snapshot format: {data.get('format')!r}")
        home = Page.from_json(data["home"]) if data.get("home") else None
        pages = [Page.from_json(p) for p in data.get("pages", [])]
        return cls(
            site=Site(**data["site"]),
            fetched_at=data["fetched_at"],
            home=home,
            pages=([home] if home else []) + pages,
            checks={u: LinkCheck.from_json(c) for u, c in data.get("checks", {}).items()},
            blocked=data.get("blocked"),
            blocked_detail=data.get("blocked_detail", ""),
            soft404=data.get("soft404"),
            notes=list(data.get("notes", [])),
            stats=dict(data.get("stats", {})),
            probes=data.get("probes"),
            search=data.get("search"),
            security=data.get("security"),
            browser=data.get("browser"),
        )

    def dump(self, file: BinaryIO) -> None:
        """Write the compressed JSON (`dumps()`'s bytes) to a binary `file`, piece by piece.

        The JSON is compressed as it is written (`write_json`), so neither it nor the blob is
        ever whole in memory: the store spills a big site's blob to a temporary file this way
        and hashes it on the way (`store/blobs.py`).
        """
        compressor = zlib.compressobj(BLOB_LEVEL, zlib.DEFLATED, GZIP_WBITS)
        self.write_json(lambda text: file.write(compressor.compress(text.encode("utf-8"))))
        file.write(compressor.flush())

    def dumps(self) -> bytes:
        """Compressed JSON, the form the store keeps (content-addressed by its sha256).

        The bytes are those of gzip.compress(json, 6, mtime=0), however they are written.
        """
        blob = io.BytesIO()
        self.dump(blob)
        return blob.getvalue()

    @classmethod
    def load(cls, chunks: Iterable[bytes], spool_dir: str | None = None) -> SiteSnapshot:
        """The snapshot whose compressed JSON arrives in `chunks`, read as it arrives.

        Neither the blob nor its JSON is ever whole in memory; a snapshot of more than
        SPOOL_ABOVE_MAX_PAGES pages comes back spooled, like a big site's crawl
        (`snapshot_reader.py`).
        """
        from govsite.snapshot_reader import read_snapshot  # it builds on this module

        return read_snapshot(chunks, spool_dir=spool_dir)

    @classmethod
    def loads(cls, blob: bytes) -> SiteSnapshot:
        """`load` of one bytes value: a whole blob, as an old store or a test holds it."""
        return cls.load([blob])


def visible_text(html: str | None) -> str:
    """`Page.text` of a document: scripts and styles removed, whitespace folded."""
    if not html:
        return ""
    doc = LexborHTMLParser(html)
    doc.strip_tags(["script", "style", "template"])
    root = doc.body or doc.root
    return " ".join((root.text(separator=" ") if root else "").split())


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
