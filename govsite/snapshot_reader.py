"""Reading a stored snapshot back while it is decompressed, one page at a time.

`json.loads` of a stored 100,000-page site needs its whole JSON text (~2 GB) and then builds
every page whole (~40 KB each): gigabytes for `govsite rescore` or a web view of one big site.
Here the blob's chunks are inflated and decoded as they come, the top-level object is walked
member by member, and the `pages` array and the `checks` object are read one entry at a time,
each entry by the json module's own scanner (so every value comes back exactly as `json.loads`
would give it, and `dumps()` of the result is the stored bytes). Once a snapshot has more
than SPOOL_ABOVE_MAX_PAGES pages, its pages go to a `PageSpool`, as a big site's crawl does:
memory then holds each page's metadata only. Smaller snapshots stay whole, and as fast as
before.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from govsite.collect.settings import SPOOL_ABOVE_MAX_PAGES
from govsite.collect.spool import PageSpool
from govsite.snapshot import GZIP_WBITS, SNAPSHOT_FORMAT, LinkCheck, Page, SiteSnapshot

# Bytes of JSON inflated at a time: a 4 MiB chunk of generated pages inflates 17-fold.
INFLATE_PIECE = 1 << 20
# Compressed bytes handed to zlib at a time.
INFLATE_FEED = 1 << 16

_SPACE = re.compile(r"[ \t\n\r]*")
_scan = json.JSONDecoder().raw_decode


def read_snapshot(chunks: Iterable[bytes], *, spool_dir: str | None = None,
                  spool_above: int | None = None) -> SiteSnapshot:
    """The snapshot whose gzip-compressed JSON arrives in `chunks` (any split).

    Once there are more than `spool_above` pages (default SPOOL_ABOVE_MAX_PAGES), they all
    go to a spool in `spool_dir` (default: the system's temporary directory).
    """
    stream = JsonStream(inflate(chunks))
    rest: dict[str, Any] = {}
    pages = PageSink(SPOOL_ABOVE_MAX_PAGES if spool_above is None else spool_above, spool_dir)
    checks: dict[str, LinkCheck] = {}
    for key in stream.members():
        if key == "pages" and stream.peek() == "[":
            for _ in stream.items():
                pages.add(Page.from_json(stream.value()))
        elif key == "checks" and stream.peek() == "{":
            for url in stream.members():
                checks[url] = LinkCheck.from_json(stream.value())
        else:
            rest[key] = stream.value()
            if key == "format" and rest[key] != SNAPSHOT_FORMAT:
                break  # from_json says why; no point reading the rest
    else:
        stream.end()
    snapshot = SiteSnapshot.from_json(rest)
    snapshot.pages.extend(pages.pages)
    snapshot.checks = checks
    return snapshot


class PageSink:
    """The pages read so far: whole up to `spool_above`, all spooled once there are more."""

    def __init__(self, spool_above: int, spool_dir: str | None) -> None:
        self.pages: list[Page] = []
        self._above = spool_above
        self._dir = spool_dir
        self._spool: PageSpool | None = None

    def add(self, page: Page) -> None:
        if self._spool is None and len(self.pages) >= self._above:
            self._spool = PageSpool(self._dir)
            self.pages = [self._spool.keep(p) for p in self.pages]
        self.pages.append(page if self._spool is None else self._spool.keep(page))


def inflate(chunks: Iterable[bytes]) -> Iterator[str]:
    """The UTF-8 text of a gzip stream given in chunks, INFLATE_PIECE bytes at a time."""
    inflater = zlib.decompressobj(GZIP_WBITS)
    decoder = codecs.getincrementaldecoder("utf-8")()
    for chunk in chunks:
        view = memoryview(chunk)
        # Fed in slices: zlib copies whatever input it leaves unconsumed, which for a whole
        # chunk would be the chunk again at every piece.
        for at in range(0, len(view), INFLATE_FEED):
            data: bytes | memoryview = view[at:at + INFLATE_FEED]
            while True:
                out = inflater.decompress(data, INFLATE_PIECE)
                data = inflater.unconsumed_tail
                if out:
                    yield decoder.decode(out)
                if not data and len(out) < INFLATE_PIECE:
                    break
    yield decoder.decode(inflater.flush(), final=True)
    if not inflater.eof or inflater.unused_data:
        raise ValueError("snapshot blob is truncated or has trailing bytes")


class JsonStream:
    """A JSON document read from pieces of text, with the containers the caller wants to
    stream walked entry by entry and every other value decoded whole by `json`'s scanner.

    A value is decoded only from text that holds it whole: when the scanner fails (or stops
    at the end of the text read so far: a number may go on), more text is read and it tries
    again, reading at least as much again each time so a long value costs linear time.
    """

    def __init__(self, texts: Iterator[str]) -> None:
        self._texts = texts
        self._buf = ""
        self._pos = 0

    def peek(self) -> str:
        """The next character that is not white space, not consumed ('' at the end)."""
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._read(1):
                return ""

    def value(self) -> Any:
        """The next value, decoded whole."""
        self.peek()
        while True:
            try:
                value, end = _scan(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._read(2 * (len(self._buf) - self._pos)):
                    continue
                raise ValueError(f"snapshot JSON: {exc.msg}") from None
            if end == len(self._buf) and self._read(1):
                continue  # a number at the end of the text read so far may go on
            self._pos = end
            return value

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here; the caller reads each one's value."""
        self._expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise ValueError("snapshot JSON: an object key is not a string")
            self._expect(":")
            yield key
            if self._separator("}"):
                return

    def items(self) -> Iterator[None]:
        """Once per element of the array that starts here; the caller reads each one."""
        self._expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield None
            if self._separator("]"):
                return

    def end(self) -> None:
        """Check that nothing but white space follows the document."""
        if self.peek():
            raise ValueError("snapshot JSON: extra data after the document")

    def _separator(self, closer: str) -> bool:
        """Consume ',' (False: more entries follow) or `closer` (True)."""
        char = self.peek()
        if char not in (",", closer):
            raise ValueError(f"snapshot JSON: expected ',' or {closer!r}, found {char!r}")
        self._pos += 1
        return char == closer

    def _expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise ValueError(f"snapshot JSON: expected {char!r}, found {found!r}")
        self._pos += 1

    def _read(self, at_least: int) -> bool:
        """Append at least `at_least` more characters (fewer at the end); False if none."""
        pieces = [self._buf[self._pos:]]
        got = 0
        while got < at_least:
            piece = next(self._texts, None)
            if piece is None:
                break
            pieces.append(piece)
            got += len(piece)
        self._buf, self._pos = "".join(pieces), 0
        return got > 0
