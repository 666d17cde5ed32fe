"""The site-search probe (站内搜索): find the site's search, submit a recent title, keep the answer.

Collect for the rule `search.unavailable`: it records what a visitor meets and judges nothing.
Where the search is looked for, in order:

1. a `<form>` on the home page that looks like a search: a text box, plus a search word in the
   form's action/name/id/class, a 搜索/检索/查询 button, or a 搜索/关键字 prompt in the box;
2. else a home-page link to a search page (text 搜索/站内搜索/高级搜索, a path of the search
   engines gov sites run, or a `so.` host), and a search form on that page: one hop, no more.

The query is the start of the first article title linked from the home page: an article every
site-search should find, since it indexes the site's own recent articles. The form is submitted
as a browser would submit it (its hidden fields, default choices and charset), through the
run's fetcher, so host slots, retries and robots.txt apply as to any page.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborNode

from govsite.collect import errors
from govsite.collect.fetch import Fetcher, FetchStats, ReadLimits, now_iso
from govsite.collect.parse import base_url, build_page
from govsite.collect.robots import Robots
from govsite.collect.urls import HTTP_SCHEMES, absolutize, extension, host_of, scheme_of
from govsite.snapshot import Page

HOW_FORM = "form"
HOW_LINK = "link"

LOOKED_IN_HOME = "首页表单及链接"
LOOKED_IN_FORM = "首页搜索表单"
LOOKED_IN_LINK = "首页搜索链接指向的页面"

# Words in a form's action/name/id/class (or its text box's name/id) that mark a search form;
# "search" also covers TRS's jsearch and the search.do of Java engines.
SEARCH_WORDS = ("search", "sousuo", "query")
# Too short to match inside words ("ss" is in "class" and "address"): whole tokens only.
SEARCH_TOKENS = frozenset({"ss"})
_TOKEN_SEPARATORS = re.compile(r"[^a-z0-9]+")
# Search scripts known by file name alone (the last segment of the action's path).
SEARCH_SCRIPTS = frozenset({"s.jsp"})
SUBMIT_WORDS = ("搜索", "检索", "查询")
PROMPT_WORDS = ("搜索", "关键字", "关键词", "检索")

# Input types a browser shows as a one-line text box ("" and unknown types are text too).
TEXT_INPUT_TYPES = frozenset({"", "text", "search"})
BUTTON_INPUT_TYPES = frozenset({"submit", "button", "image"})
# Controls a browser leaves out of the submitted form data (besides the submit button itself).
UNSENT_INPUT_TYPES = frozenset({"submit", "button", "image", "reset", "file"})
CHECKABLE_INPUT_TYPES = frozenset({"checkbox", "radio"})

SEARCH_LINK_TEXTS = frozenset({"搜索", "站内搜索", "高级搜索"})
# "/search" also covers TRS WAS (/was5/web/search) and Hanweb (/jrobot/search.do).
SEARCH_LINK_PATHS = ("/search", "/jsearch")
SEARCH_HOST_PREFIX = "so."

# TRS article URLs: /t20240501_123456.html (also .htm, .shtml).
ARTICLE_PATH = re.compile(r"/t\d{8}_\d+\.s?html?$")
ARTICLE_EXTENSIONS = frozenset({".html", ".htm", ".shtml"})
LIST_ROW_TAGS = frozenset({"li", "tr"})
# A 栏目 page in a menu row (/xwzx/index.html) is not an article, however long its name.
COLUMN_PAGE_NAMES = ("index.", "default.")
# Shorter texts are menu entries (更多, 政务公开); longer ones are summaries, not titles.
MIN_TITLE_CHARS = 6
MAX_TITLE_CHARS = 60
# Many gov search engines index titles and match substrings; a title's start is found even
# where the full title (with its punctuation) would trip a tokenizer.
QUERY_CHARS = 20
HOME_TITLE_QUERY_CHARS = 10
# List templates cut long titles with an ellipsis that is not part of the title.
_TRUNCATION = re.compile(r"(?:…|\.\.\.)+$")

# Old TRS/WAS engines on GB pages decode the query as GBK; GB18030 is its superset.
GB_CHARSETS = frozenset({"gbk", "gb2312", "gb18030", "x-gbk"})
GB_FORM_ENCODING = "gb18030"
DEFAULT_FORM_ENCODING = "utf-8"

# Found by the probe, not by following links: outside the crawl's depths.
SEARCH_PAGE_DEPTH = -1


@dataclass(frozen=True)
class SearchForm:
    """A search form as a browser would submit it.

    `fields` are the form's (name, value) pairs in document order; the query box's value is
    None, to be filled with the query. `encoding` is the codec the form data is sent in.
    """

    action: str
    method: str
    param: str
    fields: tuple[tuple[str, str | None], ...]
    encoding: str

    def request(self, query: str) -> tuple[str, bytes | None]:
        """The URL to fetch and, for a POST form, the body that submits `query`."""
        pairs = [(name, query if value is None else value) for name, value in self.fields]
        encoded = urlencode(pairs, encoding=self.encoding)
        if self.method == "POST":
            return self.action, encoded.encode("ascii")
        # A GET form replaces the action's own query string, as browsers do.
        parts = urlsplit(self.action)._replace(query=encoded, fragment="")
        return urlunsplit(parts), None


def _attr(node: LexborNode, name: str) -> str:
    return (node.attributes.get(name) or "").strip()


def _input_type(node: LexborNode) -> str:
    return _attr(node, "type").lower()


def _contains_any(text: str, parts: tuple[str, ...]) -> bool:
    return any(part in text for part in parts)


def _unspaced(text: str) -> str:
    # Templates space out short labels to widen them ("搜 索", "搜&nbsp;索").
    return "".join(text.split())


def _prompt(box: LexborNode) -> str:
    # Old templates prefill value="请输入关键字" and clear it on focus instead of a placeholder.
    return _attr(box, "placeholder") + _attr(box, "value")


def _query_box(form: LexborNode) -> LexborNode | None:
    """The form's text box for the query: the first one prompting for it, else the first."""
    boxes = [n for n in form.css("input[name]") if _input_type(n) in TEXT_INPUT_TYPES]
    prompted = [box for box in boxes if _contains_any(_prompt(box), PROMPT_WORDS)]
    return (prompted or boxes or [None])[0]


def _button_labels(form: LexborNode) -> list[str]:
    labels = []
    for node in form.css("button, input"):
        if node.tag == "button":
            labels.append(_unspaced(node.text(deep=True)))
        elif _input_type(node) in BUTTON_INPUT_TYPES:
            labels.append(_unspaced(_attr(node, "value") + _attr(node, "alt")))
    return labels


def _looks_like_search(form: LexborNode, box: LexborNode) -> bool:
    names = " ".join(
        [_attr(form, a) for a in ("action", "name", "id", "class")]
        + [_attr(box, "name"), _attr(box, "id")]
    ).lower()
    if _contains_any(names, SEARCH_WORDS) or SEARCH_TOKENS & set(_TOKEN_SEPARATORS.split(names)):
        return True
    script = posixpath.basename(urlsplit(_attr(form, "action")).path).lower()
    if script in SEARCH_SCRIPTS:
        return True
    if any(_contains_any(label, SUBMIT_WORDS) for label in _button_labels(form)):
        return True
    return _contains_any(_prompt(box), PROMPT_WORDS)


def _form_encoding(declared: str | None) -> str:
    """GB18030 for a form on a GB page (or accepting a GB charset first), else UTF-8."""
    first = (declared or "").split()[:1]
    return GB_FORM_ENCODING if first and first[0].lower() in GB_CHARSETS else DEFAULT_FORM_ENCODING


def _select_value(select: LexborNode) -> str:
    option = select.css_first("option[selected]") or select.css_first("option")
    if option is None:
        return ""
    value = option.attributes.get("value")
    return value if value is not None else " ".join(option.text(deep=True).split())


def _fields(form: LexborNode, box: LexborNode) -> tuple[tuple[str, str | None], ...]:
    """The form data set (HTML §4.10.21.4, simplified): named, enabled controls in order."""
    fields: list[tuple[str, str | None]] = []
    for node in form.css("input[name], select[name]"):
        name = node.attributes.get("name") or ""
        kind = _input_type(node)
        if not name or "disabled" in node.attributes:
            continue
        if node == box:
            fields.append((name, None))
        elif node.tag == "select":
            fields.append((name, _select_value(node)))
        elif kind in CHECKABLE_INPUT_TYPES:
            if "checked" in node.attributes:
                fields.append((name, node.attributes.get("value") or "on"))
        elif kind not in UNSENT_INPUT_TYPES:
            fields.append((name, node.attributes.get("value") or ""))
    return tuple(fields)


def find_form(page: Page) -> SearchForm | None:
    """The first search form on `page`, as it would be submitted, or None."""
    tree = page.tree
    if tree is None:
        return None
    for form in tree.css("form"):
        box = _query_box(form)
        if box is None or not _looks_like_search(form, box):
            continue
        raw_action = _attr(form, "action")
        # An empty action submits to the document itself (not to its <base>).
        base = base_url(tree, page.final_url)
        action = absolutize(raw_action, base) if raw_action else page.final_url
        method = "POST" if _attr(form, "method").lower() == "post" else "GET"
        encoding = _form_encoding(_attr(form, "accept-charset") or page.charset)
        return SearchForm(action, method, _attr(box, "name"), _fields(form, box), encoding)
    return None


def find_search_link(page: Page) -> str | None:
    """The first link on `page` to a search page, or None."""
    for link in page.links:
        if link.tag != "a" or scheme_of(link.url) not in HTTP_SCHEMES:
            continue
        path = urlsplit(link.url).path.lower()
        if (
            _unspaced(link.text) in SEARCH_LINK_TEXTS
            or _contains_any(path, SEARCH_LINK_PATHS)
            or host_of(link.url).startswith(SEARCH_HOST_PREFIX)
        ):
            return link.url
    return None


def _in_list_row(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in LIST_ROW_TAGS:
            return True
        parent = parent.parent
    return False


def _is_article(url: str, node: LexborNode, site: set[str]) -> bool:
    # Only the site's own articles: its search need not index another site's.
    if scheme_of(url) not in HTTP_SCHEMES or host_of(url) not in site:
        return False
    path = urlsplit(url).path
    if ARTICLE_PATH.search(path):
        return True
    name = posixpath.basename(path).lower()
    return (
        extension(url) in ARTICLE_EXTENSIONS
        and not name.startswith(COLUMN_PAGE_NAMES)
        and _in_list_row(node)
    )


def pick_query(home: Page) -> tuple[str, str] | None:
    """(query, URL it came from): the start of the first article title linked from `home`.

    Falls back to the start of the home page's own `<title>` (the site's name, which its
    search should know too); None when there is neither.
    """
    tree = home.tree
    if tree is not None:
        base = base_url(tree, home.final_url)
        site = {host_of(home.url), host_of(home.final_url)}
        for node in tree.css("a[href]"):
            text = _TRUNCATION.sub("", " ".join(node.text(deep=True).split())).strip()
            if not MIN_TITLE_CHARS <= len(text) <= MAX_TITLE_CHARS:
                continue
            url = absolutize(node.attributes.get("href") or "", base)
            if _is_article(url, node, site):
                return text[:QUERY_CHARS].strip(), url
    title = home.title[:HOME_TITLE_QUERY_CHARS].strip()
    return (title, home.final_url) if title else None


def _record(
    *,
    found: bool,
    looked_in: str,
    how: str | None = None,
    form: SearchForm | None = None,
    action: str | None = None,
    query: tuple[str, str] | None = None,
    page: Page | None = None,
) -> dict[str, Any]:
    """The `SiteSnapshot.search` record (its shape is documented there)."""
    return {
        "found": found,
        "looked_in": looked_in,
        "how": how,
        "action": form.action if form else action,
        "method": form.method if form else None,
        "param": form.param if form else None,
        "query": query[0] if query else None,
        "query_source": query[1] if query else None,
        "page": page.to_json() if page else None,
    }


class SearchProbe:
    """Finds and submits one site's search through the run's fetcher and robots cache."""

    def __init__(self, fetcher: Fetcher, robots: Robots, *, limits: ReadLimits) -> None:
        self._fetcher = fetcher
        self._robots = robots
        self._limits = limits

    async def run(self, home: Page, stats: FetchStats) -> dict[str, Any]:
        """The search record for the site whose (successfully fetched) home page is `home`."""
        form = find_form(home)
        if form is not None:
            return await self._submit(
                form, home, home, how=HOW_FORM, looked_in=LOOKED_IN_FORM, stats=stats
            )
        link = find_search_link(home)
        if link is None:
            return _record(found=False, looked_in=LOOKED_IN_HOME)
        entry = await self._get(link, None, referrer=home.url, stats=stats)
        form = find_form(entry) if entry.ok else None
        if form is None:
            # The link is the site's search as far as we can see; what it led to is the evidence.
            return _record(
                found=True, looked_in=LOOKED_IN_LINK, how=HOW_LINK, action=link, page=entry
            )
        return await self._submit(
            form, home, entry, how=HOW_LINK, looked_in=LOOKED_IN_LINK, stats=stats
        )

    async def _submit(
        self,
        form: SearchForm,
        home: Page,
        holder: Page,
        *,
        how: str,
        looked_in: str,
        stats: FetchStats,
    ) -> dict[str, Any]:
        """Search for a title from `home` with `form`, found on page `holder`."""
        query = pick_query(home)
        if query is None:
            return _record(found=True, looked_in=looked_in, how=how, form=form)
        url, body = form.request(query[0])
        page = await self._get(url, body, referrer=holder.url, stats=stats)
        return _record(found=True, looked_in=looked_in, how=how, form=form, query=query, page=page)

    async def _get(
        self, url: str, form_data: bytes | None, *, referrer: str, stats: FetchStats
    ) -> Page:
        if not await self._robots.allowed(url, stats):
            return Page(
                url=url,
                final_url=url,
                status=None,
                fetched_at=now_iso(),
                error=errors.ROBOTS_DENIED,
                depth=SEARCH_PAGE_DEPTH,
                referrer=referrer,
            )
        result = await self._fetcher.fetch(
            url, limits=self._limits, stats=stats, lenient_tls=True, form_data=form_data
        )
        return build_page(result, depth=SEARCH_PAGE_DEPTH, referrer=referrer)
