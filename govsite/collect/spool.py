"""Page bodies on disk while a big site is crawled, judged and stored.

Kept whole, every crawled page holds its decoded HTML, its parsed links, its response headers
and its meta tags until the site is done: ~40 KB a page, 4 GB for a 100,000-page site. With
the spool on (`CollectSettings.spool`, automatic above SPOOL_ABOVE_MAX_PAGES), the crawl
writes those four parts of each page, compressed, to a per-site scratch file as soon as the
page's links have been queued, and keeps a `SpooledPage` in their place: the fetch's metadata
(URL, status, depth, title …) in memory, the big parts read back on every access and never
cached. Rules, link checks and `SiteSnapshot.dumps` see the same `Page` API, so a spooled
snapshot serialises to exactly the JSON of an unspooled one; they just pay a read and a
decompression per access, which is why only big sites spool.

The home page is never spooled: it is `snapshot.home` too, and nearly every rule reads it.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from dataclasses import fields
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from govsite.collect.settings import SPOOL_ABOVE_MAX_PAGES, CollectSettings
from govsite.snapshot import Link, Page, visible_text

# The parts that live in the spool; every other Page field stays in memory.
SPOOLED_FIELDS = frozenset({"html", "links", "headers", "meta"})
# A scratch file read back a few times: zlib's fastest level already shrinks HTML 4-5 times.
SPOOL_LEVEL = 1


def spool_wanted(settings: CollectSettings) -> bool:
    """Whether a crawl under `settings` spools its pages (see `CollectSettings.spool`)."""
    if settings.spool is not None:
        return settings.spool
    return settings.max_pages > SPOOL_ABOVE_MAX_PAGES


class PageSpool:
    """One site's append-only file of compressed page parts.

    The file has no name (it is unlinked as it is created), so the operating system removes it
    when the spool is garbage-collected, once no `SpooledPage` refers to it (the snapshot is
    dropped), and even when the process dies. Records are read with positioned reads, so pages
    may be read from any thread. `reads` counts them (tests show that nothing is cached).
    """

    def __init__(self, directory: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="govsite-spool-", dir=directory)
        self._end = 0
        self.reads = 0

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self._end

    def keep(self, page: Page) -> SpooledPage:
        """Write `page`'s big parts to the spool; the returned page reads them from there."""
        html = b"" if page.html is None else zlib.compress(_utf8(page.html), SPOOL_LEVEL)
        links = [(ln.url, ln.raw, ln.tag, ln.text) for ln in page.links]
        rest = zlib.compress(marshal.dumps((links, page.headers, page.meta)), SPOOL_LEVEL)
        at = self._write(html + rest)
        return SpooledPage(page, self, (at, len(html), len(rest)))

    def read(self, at: int, size: int) -> bytes:
        self.reads += 1
        return os.pread(self._file.fileno(), size, at)

    def _write(self, data: bytes) -> int:
        at = self._end
        written = 0
        while written < len(data):
            written += os.pwrite(self._file.fileno(), data[written:], at + written)
        self._end += len(data)
        return at


class SpooledPage(Page):
    """A `Page` whose html, links, headers and meta are read from `spool` on each access.

    Those four are read-only here (assigning one raises AttributeError), and `tree` and `text`
    are parsed again on each access instead of being cached on the page: caching them would
    keep in memory exactly what spooling moved out.
    """

    def __init__(self, page: Page, spool: PageSpool, at: tuple[int, int, int]) -> None:
        for f in fields(Page):
            if f.name not in SPOOLED_FIELDS:
                setattr(self, f.name, getattr(page, f.name))
        self.spool = spool
        # Offset of the record, then the lengths of its compressed html (0: html is None)
        # and of its compressed (links, headers, meta).
        self._at = at

    @property
    def html(self) -> str | None:  # type: ignore[override]
        at, html_size, _ = self._at
        if not html_size:
            return None
        return zlib.decompress(self.spool.read(at, html_size)).decode("utf-8", "surrogatepass")

    @property
    def links(self) -> list[Link]:  # type: ignore[override]
        return [Link(*row) for row in self._rest()[0]]

    @property
    def headers(self) -> dict[str, str]:  # type: ignore[override]
        return self._rest()[1]

    @property
    def meta(self) -> dict[str, str]:  # type: ignore[override]
        return self._rest()[2]

    @property
    def tree(self) -> LexborHTMLParser | None:  # type: ignore[override]
        html = self.html
        return LexborHTMLParser(html) if html else None

    @property
    def text(self) -> str:  # type: ignore[override]
        return visible_text(self.html)

    def __repr__(self) -> str:
        # asyncio formats a finished task's result with repr (Python 3.11's asyncio.run does
        # so on exit): the dataclass repr would read back and print every page of the site.
        return f"SpooledPage(url={self.url!r}, status={self.status!r}, depth={self.depth})"

    def _rest(self) -> tuple[list[Any], dict[str, str], dict[str, str]]:
        at, html_size, rest_size = self._at
        return marshal.loads(zlib.decompress(self.spool.read(at + html_size, rest_size)))


def _utf8(text: str) -> bytes:
    # surrogatepass: whatever str a page holds comes back identical.
    return text.encode("utf-8", "surrogatepass")
