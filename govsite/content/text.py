"""The visible text of a site, block by block, each template block once.

A page's text is split into blocks at block-level elements (p, div, li, td, h1…), so that a
finding can name where it is (a CSS-ish path of the block) and so that matching never runs
across two unrelated blocks. Inline markup is joined without a space (<b>习</b>近平 is one
word), except around links and form controls, which browsers show as separate items.

Navigation bars, headers and footers repeat on every page: each distinct block text is checked
once per site, on the first page that shows it, and remembers on how many pages it appeared
(an error in a template is one error for the site, not three hundred).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govsite.content.normalize import Normalized, normalize
from govsite.snapshot import Page, SiteSnapshot

# Never visible text.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "textarea",
        "svg",
        "math",
        "object",
        "embed",
        "iframe",
        "frame",
        "frameset",
        "head",
        "applet",
        "audio",
        "video",
        "canvas",
    }
)
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "marquee",
        "menu",
        "nav",
        "ol",
        "optgroup",
        "option",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    }
)
# Inline elements that browsers render as separate items: a space keeps their texts apart.
SEPARATED_TAGS = frozenset({"a", "img", "input", "button", "select", "label", "br", "area"})
MAX_POSITION_CHARS = 120


@dataclass(slots=True)  # a site has one per distinct block: hundreds of thousands
class Block:
    """One distinct block text of a site, where it first appeared, and on how many pages.

    The block is located by its page and its place among that page's blocks (`index` in
    `page_blocks(page)`), not by its DOM node: a node keeps its page's whole parsed tree alive
    (~280 KB for a 14 KB page), and a site keeps blocks from nearly every page, so holding
    nodes kept every page's tree of a spooled site in memory at once (2.8 GB at 10,000 pages).
    `position` parses the page again instead, once per block, and only for blocks a finding
    quotes; parsing is deterministic, so it names the same element. Most blocks of a big
    site show on one page only: their page is kept as its URL, a set only once there are two.
    """

    text: str
    page: Page
    index: int
    _pages: str | set[str] | None = field(default=None, repr=False)
    _normalized: Normalized | None = field(default=None, repr=False)
    _position: str | None = field(default=None, repr=False)

    @property
    def pages(self) -> set[str]:
        """The URLs of the pages showing this block (a copy while there is one)."""
        if isinstance(self._pages, str):
            return {self._pages}
        return self._pages if self._pages is not None else set()

    def add_page(self, url: str) -> None:
        if self._pages is None:
            self._pages = url
        elif isinstance(self._pages, str):
            if url != self._pages:
                self._pages = {self._pages, url}
        else:
            self._pages.add(url)

    @property
    def normalized(self) -> Normalized:
        if self._normalized is None:
            self._normalized = normalize(self.text)
        return self._normalized

    @property
    def position(self) -> str:
        if self._position is None:
            blocks = page_blocks(self.page)
            self._position = css_path(blocks[self.index][1]) if self.index < len(blocks) else ""
        return self._position


def is_text_page(page: Page) -> bool:
    """A fetched HTML page whose text counts (error pages and attachments do not)."""
    return page.ok and bool(page.html) and "html" in (page.content_type or "text/html").lower()


def page_blocks(page: Page) -> list[tuple[str, Any]]:
    """(text, block node) for every non-empty block of `page`, in document order."""
    tree = page.tree
    if tree is None:
        return []
    out: list[tuple[str, Any]] = []
    title = tree.css_first("head > title")
    if title is not None:
        text = " ".join((title.text() or "").split())
        if text:
            out.append((text, title))
    root = tree.body
    if root is None:
        return out
    buf: list[str] = []

    def flush(owner: Any) -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            out.append((text, owner))

    # An explicit stack instead of recursion: real pages nest deeply enough to matter.
    stack: list[tuple[Any, Any, bool, str]] = [(root.iter(include_text=True), root, True, "")]
    while stack:
        children, owner, is_block, tag = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if is_block:
                flush(owner)
            elif tag in SEPARATED_TAGS:
                buf.append(" ")
            continue
        name = child.tag
        if name == "-text":
            buf.append(child.text_content or "")
            continue
        if name is None or name.startswith("-") or name in SKIP_TAGS:
            continue
        if name in BLOCK_TAGS:
            flush(owner)
            stack.append((child.iter(include_text=True), child, True, name))
        else:
            if name in SEPARATED_TAGS:
                buf.append(" ")
            stack.append((child.iter(include_text=True), owner, False, name))
    return out


def site_blocks(snap: SiteSnapshot) -> list[Block]:
    """Every distinct block text of the site's pages, first appearance first (cached)."""
    cached = snap.cache.get("content.blocks")
    if cached is not None:
        return cached
    blocks: dict[str, Block] = {}
    for page in snap.pages:
        if not is_text_page(page):
            continue
        for index, (text, _node) in enumerate(page_blocks(page)):
            block = blocks.get(text)
            if block is None:
                block = blocks[text] = Block(text=text, page=page, index=index)
            block.add_page(page.url)
    result = list(blocks.values())
    snap.cache["content.blocks"] = result
    return result


def css_path(node: Any) -> str:
    """A readable CSS-ish path of `node` (tag#id.class:nth-of-type), cut to 120 characters."""
    parts: list[str] = []
    current = node
    while current is not None and current.tag not in (None, "html", "-undef", "#document"):
        parts.append(_step(current))
        if current.tag in ("body", "head"):
            break
        current = current.parent
    parts.reverse()
    path = " > ".join(parts)
    while len(path) > MAX_POSITION_CHARS and len(parts) > 1:
        parts.pop(0)
        path = "… > " + " > ".join(parts)
    return path


def _step(node: Any) -> str:
    tag = node.tag
    attrs = node.attributes
    if attrs.get("id"):
        return f"{tag}#{attrs['id']}"
    step = tag
    cls = (attrs.get("class") or "").split()
    if cls:
        step += "." + cls[0]
    parent = node.parent
    if parent is not None and tag not in ("body", "head"):
        same = [c for c in parent.iter() if c.tag == tag]
        if len(same) > 1:
            index = next((i for i, c in enumerate(same, 1) if c.mem_id == node.mem_id), 0)
            step += f":nth-of-type({index})"
    return step
