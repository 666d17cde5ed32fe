"""URL handling shared by the crawl and the link check: resolve, normalise, classify.

Normalising matters because targets are keyed by URL: `HTTP://Www.X.gov.cn:80` and
`http://www.x.gov.cn/` are one target, checked once. Only what every browser treats as equal is
folded (case of scheme and host, default port, empty path, fragment); paths and queries are
kept exactly as the site spells them, since evidence quotes them.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

HTTP_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Links rules must see (javascript:void(0) as a 栏目 link is itself a finding) but that no
# browser fetches over the network, so neither do we.
NEVER_FETCHED_PREFIXES = ("javascript:", "mailto:", "tel:", "data:", "#")

# Browsers drop ASCII tab and newline anywhere in a URL (WHATWG URL parser); CMS templates leak
# them into hrefs surprisingly often.
_DROP_CHARS = str.maketrans("", "", "\t\n\r")

# Pages of one site repeat the same navigation links with the same base, so resolving is
# memoised: in the census benchmark this halves the time spent parsing a page. The bound keeps
# a run's memory flat however many sites it crawls.
_URL_CACHE_SIZE = 65_536

# Attachments as the standards count them (附件): documents and archives citizens download.
ATTACHMENT_EXTENSIONS = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".zip",
        ".rar",
        ".7z",
        ".wps",
        ".et",
        ".ofd",
        ".txt",
        ".csv",
    }
)

# Resources that are link-checked but never crawled: they are not HTML pages.
STATIC_EXTENSIONS = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".bmp",
        ".webp",
        ".svg",
        ".ico",
        ".tif",
        ".tiff",
        ".css",
        ".js",
        ".json",
        ".xml",
        ".swf",
        ".flv",
        ".mp3",
        ".mp4",
        ".avi",
        ".wmv",
        ".mov",
        ".rm",
        ".rmvb",
        ".wav",
        ".apk",
        ".exe",
        ".msi",
        ".dmg",
        ".iso",
        ".gz",
        ".tar",
        ".bz2",
        ".ttf",
        ".woff",
        ".woff2",
        ".eot",
        ".caj",
        ".dwg",
        ".odt",
        ".ods",
        ".odp",
        ".wpt",
    }
)


def clean_raw(raw: str) -> str:
    return raw.strip().translate(_DROP_CHARS)


def is_fetched(raw: str) -> bool:
    """False for links that are kept for the rules but never fetched (javascript:, #top …)."""
    return not clean_raw(raw).lower().startswith(NEVER_FETCHED_PREFIXES)


def normalize_url(url: str) -> str:
    """Fold what browsers treat as equal; return the URL unchanged if it cannot be parsed."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in HTTP_SCHEMES or not parts.hostname:
            return url
        host = parts.hostname.rstrip(".")
        if ":" in host:
            host = f"[{host}]"
        port = parts.port
    except ValueError:
        return url
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


@lru_cache(maxsize=_URL_CACHE_SIZE)
def absolutize(raw: str, base: str) -> str:
    """`raw` resolved against `base`, fragment dropped and normalised (as written if hopeless)."""
    cleaned = clean_raw(raw)
    try:
        joined = urljoin(base, cleaned)
    except ValueError:
        return cleaned
    return normalize_url(joined)


@lru_cache(maxsize=_URL_CACHE_SIZE)
def host_of(url: str) -> str:
    """Lower-case host name of `url`, '' when it has none or cannot be parsed."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def scheme_of(url: str) -> str:
    return url.split(":", 1)[0].lower() if ":" in url else ""


def extension(url: str) -> str:
    """The lower-case extension of the URL's path ('.pdf'), '' when there is none."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return posixpath.splitext(path)[1].lower()


def is_attachment(url: str) -> bool:
    return extension(url) in ATTACHMENT_EXTENSIONS


def looks_like_page(url: str) -> bool:
    """True when the URL may be an HTML page worth crawling (judged from its path alone)."""
    ext = extension(url)
    return ext not in ATTACHMENT_EXTENSIONS and ext not in STATIC_EXTENSIONS
