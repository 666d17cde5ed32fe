"""The demo fleet as data: sites, served resources, expected findings and probe history.

Everything the generator produces lands in one `Fleet` value so that the server, the writer and
the tests all read the same thing; nothing is recomputed from the HTML except the truth, which
is derived from it on purpose (see `truth.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Special server behaviours a `Resource` may carry. The server acts on the first two; the others
# only label the resource so that the truth builder (and a reader of the fleet) knows what it is.
BEHAVIOUR_429_ONCE = "429_once"  # first request ever for this path: 429 + Retry-After: 1
BEHAVIOUR_SLOW = "slow"  # answered after SLOW_DELAY_S, still well under a 2 s link timeout
BEHAVIOUR_WAF = "waf"  # an anti-bot challenge instead of the page
BEHAVIOUR_SOFT_404 = "soft404"  # 200 "页面不存在" for a page that does not exist
BEHAVIOUR_ERROR_PAGE = "error_page"  # 200 text/html "文件不存在" where a file was expected


@dataclass(frozen=True)
class Resource:
    """One HTTP answer the fleet server gives for a (host, path)."""

    status: int
    headers: dict[str, str]
    body: bytes
    behaviour: str | None = None


@dataclass(frozen=True)
class SearchHit:
    """One page a site search can find: its title, link and date."""

    title: str
    path: str
    when: date


@dataclass(frozen=True)
class SearchEndpoint:
    """A site's search endpoint: the request it expects and the results page it renders.

    `shell` is the whole results page in the site's template with `SEARCH_SLOT` where the
    results go, so the answer is built per query without re-rendering the site.
    """

    path: str
    method: str
    param: str
    charset: str
    mode: str
    hits: tuple[SearchHit, ...]
    shell: str
    headers: dict[str, str]


@dataclass(frozen=True)
class TruthItem:
    """One finding a correct census must report (rule IDs from contract.md §2)."""

    site_code: str
    rule: str
    url: str
    target: str | None
    note: str


@dataclass(frozen=True)
class ProbeRow:
    """One availability probe, as the `--probes` CSV of contract.md §1 spells it."""

    site_code: str
    url: str
    time: datetime
    ok: bool
    elapsed_ms: int
    status: int | None
    error: str


@dataclass(frozen=True)
class ColumnInfo:
    """A 栏目 as served, with what the update and blank rules read off it.

    `type` is the rule's column type (contract semantics: ColumnType meta, else name keywords);
    `newest` the newest date any of its items carries (row date, else the article's PubDate or
    visible 发布时间), None when no item is dated; `blank` says why the column is blank, if it is.
    """

    name: str
    url: str
    type: str
    newest: date | None
    first_level: bool = True
    items: int = 0
    pages: int = 1
    blank: str | None = None


@dataclass(frozen=True)
class MessageInfo:
    """A 留言 as served: when it was asked, when (if ever) it was answered, where it is listed."""

    title: str
    date: date
    replied: date | None
    list_url: str = ""
    detail_url: str | None = None


@dataclass(frozen=True)
class GuideInfo:
    """A 办事指南 page and the key elements (standards.md D15-8) it leaves out."""

    url: str
    title: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class SearchInfo:
    """The site's search box: where the form posts, and what the endpoint does with a query.

    `mode` is "ok" (finds titles), "empty" (always 没有找到相关结果) or "error" (HTTP 500);
    `query` is what a census submits: the first 20 characters of the first article link's text.
    """

    action: str
    method: str
    param: str
    mode: str
    query: str


@dataclass(frozen=True)
class TextInfo:
    """A wrong form planted on a page (严重表述错误, 错别字, 违规内容): the page, the text as served,
    the correct form (the category for 违规内容) and the sentence around it."""

    rule: str
    url: str
    wrong: str
    correct: str
    context: str


@dataclass(frozen=True)
class TrapInfo:
    """A correct text planted next to the wrong forms, that no content rule may report."""

    url: str
    text: str
    why: str


@dataclass(frozen=True)
class HiddenInfo:
    """A 暗链/挂马 item of a hacked page: link, iframe or script, its target, how it hides."""

    url: str
    kind: str
    target: str
    how: str


@dataclass
class SiteFacts:
    """What the update, interaction, service, search and text rules should see on one site.

    Built from the plan the site was rendered from (`facts.py`), never from the HTML, and kept
    next to the truth so a test can check each planted age against as_of.
    """

    home_newest: date | None
    nav_only: bool
    channel_url: str | None
    channel_kind: str
    service_entry: str | None
    guides: list[GuideInfo] = field(default_factory=list)
    search: SearchInfo | None = None
    texts: list[TextInfo] = field(default_factory=list)
    traps: list[TrapInfo] = field(default_factory=list)
    hidden: list[HiddenInfo] = field(default_factory=list)
    hidden_traps: list[str] = field(default_factory=list)


@dataclass
class FleetSite:
    """One registered site of the fleet and how it was built.

    `role` names the site's part in the defect catalogue (see `defects.py`), so that a test can
    find "the WAF site" or "the soft-404 site" without knowing its host.
    """

    key: str
    name: str
    site_code: str
    host: str
    url: str
    owner: str
    category: str
    kind: str
    status: str
    parent: str
    role: str
    layout: str
    charset: str
    charset_via: str
    pages: list[str] = field(default_factory=list)
    columns: list[ColumnInfo] = field(default_factory=list)
    messages: list[MessageInfo] = field(default_factory=list)
    facts: SiteFacts | None = None


@dataclass
class Fleet:
    """The whole generated fleet.

    `resources` maps (host, path) to the answer; a path may carry its query string
    (`/sitename?method=show&id=…`). `fallbacks` is the answer for any other path of a host
    (the site's 404 page, the soft-404 page, the WAF challenge…), so that "every path" answers
    can be expressed without enumerating paths. `searches` maps a host to its search endpoint,
    the one answer that depends on the request (see `search.py`).
    """

    as_of: date
    sites: list[FleetSite]
    registry_rows: list[dict[str, str]]
    truth: list[TruthItem]
    probes: list[ProbeRow]
    resources: dict[tuple[str, str], Resource]
    fallbacks: dict[str, Resource] = field(default_factory=dict)
    not_measured: list[str] = field(default_factory=list)
    searches: dict[str, SearchEndpoint] = field(default_factory=dict)

    @property
    def hosts(self) -> list[str]:
        """Every host name the server answers for, sorted."""
        return sorted({host for host, _ in self.resources} | set(self.fallbacks))

    def site(self, site_code: str) -> FleetSite:
        """The site with this 网站标识码."""
        for site in self.sites:
            if site.site_code == site_code:
                return site
        raise KeyError(site_code)

    def by_role(self, role: str) -> list[FleetSite]:
        """Sites playing a given part of the defect catalogue."""
        return [site for site in self.sites if site.role == role]

    def lookup(self, host: str, path: str) -> Resource | None:
        """The resource served for host + path (with query), as the server resolves it."""
        host = host.lower()
        found = self.resources.get((host, path))
        if found is None and "?" in path:
            found = self.resources.get((host, path.split("?", 1)[0]))
        if found is None:
            found = self.fallbacks.get(host)
        return found
