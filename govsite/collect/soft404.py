"""Soft-404: servers that answer 200 with a "page not found" page (or the home page).

Many gov CMSs do this, so a dead link there answers 200 and would pass a status check. Each
site is asked once for a path that cannot exist; if that answers 2xx, its fingerprint is kept
(`snapshot.soft404`) and same-site targets whose answer matches it are broken links.

Matching is strict, because a false match accuses a working link:
- the probe was redirected (typically to the home page or a 404 page): a target matches only
  if it was redirected too and ended on the same URL, and its own path is not a home-page path
  (`/index.html` → `/` is a home link, not a dead one);
- otherwise the visible text must be identical once the requested path (often echoed back),
  digits (dates, counters) and punctuation are removed;
- if that text equals the home page's text, the server serves its home page for every path
  (or is a single-page app): nothing can be told apart, so nothing matches.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from govsite.collect.fetch import FetchResult

PROBE_PREFIX = "/govsite-404-"

# Letters of any script (CJK included), without digits or underscores.
_LETTERS = re.compile(r"[^\W\d_]+")
_HOME_PATH = re.compile(r"^/((index|default|main|home)(\.\w+)?)?$", re.IGNORECASE)

# Only pages of similar size can have equal text; comparing sizes first (in KiB) spares
# parsing every crawled page a second time.
_BUCKET_BYTES = 1024


def probe_url(home_url: str) -> str:
    """A same-site URL that no real site has (random, so no cache or rule anticipates it)."""
    return urljoin(home_url, f"{PROBE_PREFIX}{secrets.token_hex(6)}.html")


def _digest(html: str, url: str) -> tuple[str, str]:
    """(title, hash of the normalised visible text) of a page fetched as `url`."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = " ".join(title_node.text().split()) if title_node is not None else ""
    tree.strip_tags(["script", "style"])
    text = tree.body.text(separator=" ") if tree.body is not None else ""
    path = urlsplit(url).path
    for echo in {path, unquote(path)}:
        if len(echo) > 1:
            text = text.replace(echo, " ")
    letters = "".join(_LETTERS.findall(text))
    return title, hashlib.sha1(letters.encode("utf-8")).hexdigest()[:16]


def fingerprint(probe: FetchResult, *, home_html: str | None, home_url: str) -> dict[str, Any]:
    """What the site answers for a nonexistent page (call only for a 2xx HTML answer)."""
    html = probe.text or ""
    title, text_hash = _digest(html, probe.url)
    same_as_home = bool(
        not probe.redirects and home_html and _digest(home_html, home_url)[1] == text_hash
    )
    return {
        "url": probe.url,
        "status": probe.status,
        "title": title,
        "length_bucket": len(html) // _BUCKET_BYTES,
        "text_hash": text_hash,
        "redirected_to": probe.final_url if probe.redirects else None,
        "same_as_home": same_as_home,
    }


def matches(
    fp: dict[str, Any] | None,
    *,
    url: str,
    status: int | None,
    html: str | None,
    final_url: str,
    redirected: bool,
) -> bool:
    """True when a 2xx answer for `url` is the site's not-found page in disguise."""
    if fp is None or fp["same_as_home"] or status is None or not 200 <= status < 300:
        return False
    if fp["redirected_to"]:
        home_like = _HOME_PATH.match(urlsplit(url).path or "/") is not None
        return redirected and final_url == fp["redirected_to"] and not home_like
    if html is None or abs(len(html) // _BUCKET_BYTES - fp["length_bucket"]) > 1:
        return False
    return _digest(html, url)[1] == fp["text_hash"]
