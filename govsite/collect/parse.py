"""From a fetched HTML document to a `Page`: title, `<meta name>` tags and every link.

Parsing uses selectolax's Lexbor engine (a C HTML5 parser): one CSS query collects all link
elements in document order, which keeps a page at well under a millisecond of Python work —
the census budget is hundreds of pages per second on two cores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govsite.collect import errors
from govsite.collect.fetch import FetchResult, is_html_type
from govsite.collect.urls import absolutize
from govsite.snapshot import Link, Page

# Every element whose URL a browser would load or navigate to (snapshot.LINK_TAGS).
LINK_SELECTOR = (
    "a[href], area[href], img[src], script[src], link[href], "
    "iframe[src], frame[src], embed[src], source[src]"
)
_HREF_TAGS = frozenset({"a", "area", "link"})

# <link> carries many things (canonical, preconnect, alternate feeds); only the ones a page
# load fetches and whose absence a visitor sees are link targets.
LINK_RELS = frozenset({"stylesheet", "icon"})

# Anchor text is evidence in reports; beyond 200 characters it is a paragraph wrapped in <a>.
MAX_LINK_TEXT = 200


@dataclass
class ParsedHTML:
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _link_text(node: LexborNode, tag: str) -> str:
    """Anchor text, or the alt text that stands in for it (an image link, an area, an img)."""
    if tag == "a":
        text = _squash(node.text(deep=True))
        if not text:
            img = node.css_first("img[alt]")
            text = _squash(img.attributes.get("alt") or "") if img is not None else ""
    elif tag in ("img", "area"):
        text = _squash(node.attributes.get("alt") or "")
    else:
        text = ""
    return text[:MAX_LINK_TEXT]


def _kept_rel(rel: str | None) -> bool:
    # "shortcut icon" and "apple-touch-icon" are icons too.
    return bool(rel) and any(
        word in LINK_RELS or word.endswith("-icon") for word in rel.lower().split()
    )


def base_url(tree: LexborHTMLParser, url: str) -> str:
    """The URL a document's relative links resolve against: its `<base href>`, else `url`."""
    base_node = tree.css_first("base[href]")
    if base_node is not None and (base_node.attributes.get("href") or "").strip():
        return absolutize(base_node.attributes["href"] or "", url)
    return url


def parse_html(html: str, url: str) -> ParsedHTML:
    """Title, meta tags and links of `html`, whose final URL is `url`.

    Meta names keep their original case (SiteName, ColumnType …: the standard spells them so).
    The first `<meta>` of a name wins, as it does in browsers for most names. Links resolve
    against `<base href>` when the page has one.
    """
    tree = LexborHTMLParser(html)
    base = base_url(tree, url)
    title_node = tree.css_first("title")
    parsed = ParsedHTML(title=_squash(title_node.text()) if title_node is not None else "")
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip()
        content = node.attributes.get("content")
        if name and content is not None and name not in parsed.meta:
            parsed.meta[name] = content.strip()
    for node in tree.css(LINK_SELECTOR):
        tag = node.tag
        raw = node.attributes.get("href" if tag in _HREF_TAGS else "src")
        if raw is None or (tag == "link" and not _kept_rel(node.attributes.get("rel"))):
            continue
        parsed.links.append(
            Link(url=absolutize(raw, base), raw=raw, tag=tag, text=_link_text(node, tag))
        )
    return parsed


def build_page(result: FetchResult, *, depth: int, referrer: str | None) -> Page:
    """The `Page` for a fetch result, parsed if it is HTML.

    An HTML page cut at max_body_bytes gets error too_large and no document: half a page
    would mislead every rule that reads it.
    """
    page = Page(
        url=result.url,
        final_url=result.final_url,
        status=result.status,
        fetched_at=result.fetched_at,
        error=result.error,
        headers=result.headers,
        elapsed_ms=result.elapsed_ms,
        content_type=result.content_type,
        charset=result.charset,
        html=result.text,
        redirects=result.redirects,
        depth=depth,
        referrer=referrer,
        tls_error=result.tls_error,
    )
    if page.error is None and not result.complete and is_html_type(result.content_type):
        page.error = errors.TOO_LARGE
    if result.text is not None:
        parsed = parse_html(result.text, result.final_url)
        page.title, page.meta, page.links = parsed.title, parsed.meta, parsed.links
    return page
