"""Bytes → text for HTML, the way a careful browser would, with Chinese sites in mind.

Order of evidence: a byte-order mark, the Content-Type header's charset, a `<meta charset>` /
`http-equiv` declaration in the first 4 KB, then statistical detection (charset-normalizer).
One deliberate deviation from browsers: a declaration is only believed if the body decodes
cleanly with it. Gov servers often send nginx's default `charset=utf-8` header for GBK pages
whose `<meta>` is right; a browser shows mojibake there, but an audit needs the real text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# WHATWG's prescan looks at the first 1024 bytes; CMS templates often put a long comment or
# script first, so we look a little further.
META_SCAN_BYTES = 4096

# Detection is statistical; 64 KB is plenty of evidence and keeps it fast on big pages.
DETECT_BYTES = 65_536

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([^;"'\s]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG labels Python's codec registry does not know, mapped to ones it does.
_ALIASES = {
    "x-gbk": "gbk",
    "gb_2312-80": "gb2312",
    "csgb2312": "gb2312",
    "chinese": "gb2312",
    "iso-ir-58": "gb2312",
    "x-user-defined": "windows-1252",
}

# GB2312 and GBK are subsets of GB18030. Pages that declare them routinely contain characters
# outside (生僻字 in people's and place names, the euro sign) that Python's strict gb2312/gbk
# codecs reject, so we always decode with the superset; the declared name is still recorded.
_DECODE_AS = {"gb2312": "gb18030", "gbk": "gb18030"}


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str  # the codec's canonical name as declared or detected, e.g. "gbk", "utf-8"


def _canonical(label: str) -> str | None:
    """Python's name for a charset label, or None if unknown or not a text encoding."""
    label = label.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
        b"".decode(name)  # rejects bytes-to-bytes codecs such as base64 or zlib
    except LookupError:
        return None
    return name


def header_charset(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset declared by `<meta charset>` or `http-equiv` near the top of the page."""
    match = _META_CHARSET.search(body, 0, META_SCAN_BYTES)
    return match.group(1).decode("ascii") if match else None


def _detect(body: bytes) -> str | None:
    best = from_bytes(body[:DETECT_BYTES]).best()
    return _canonical(best.encoding) if best is not None else None


def decode_html(body: bytes, content_type: str = "") -> Decoded:
    """Decode an HTML body; never raises (undecodable bytes become U+FFFD as a last resort)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(name, errors="replace"), name)
    declared = [header_charset(content_type), meta_charset(body)]
    candidates = [c for c in (_canonical(d) for d in declared if d) if c]
    for name in candidates:
        try:
            return Decoded(body.decode(_DECODE_AS.get(name, name)), name)
        except UnicodeDecodeError:
            continue
    name = _detect(body) if body else None
    name = name or (candidates[0] if candidates else "utf-8")
    return Decoded(body.decode(_DECODE_AS.get(name, name), errors="replace"), name)
