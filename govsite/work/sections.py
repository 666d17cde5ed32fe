"""Which sections a large site is split into, and the plan that every part of it follows.

A site of 100,000 pages is hours of one worker's time as one task: a worker that dies loses
all of it, and one process parses every page. `census --workers --split-pages N` cuts such a
site into sections crawled by separate tasks. Gov CMSs file each 栏目 tree under its own
directory (/xxgk/, /zwdt/, /hdjl/), and a directory's pages mostly link within it, so the
first path segment is where the site is cut: few links then cross from one section into
another. Every same-site URL has exactly one owner — the section of its first segment, or
the root section for pages at the root level and for segments no section was made for — so
no page is fetched by two sections; a page one section sees but does not own is handed off.

The plan is decided once, from the home page's links and the sitemap, and stored with
everything all parts must share: the home page, its check, and the soft-404 fingerprint every
same-site link is judged against. A resumed run uses the stored plan, never a new one.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from govsite.collect.crawl import FOLLOWED_TAGS
from govsite.collect.scoped import SiteStart
from govsite.collect.urls import HTTP_SCHEMES, host_of, is_fetched, looks_like_page, scheme_of
from govsite.sites import Site
from govsite.snapshot import LinkCheck, Page, SiteSnapshot

PLAN_FORMAT = "govsite.section-plan/1"
ROOT = "root"
# Tasks a site is cut into at most, the root section included, whatever --split-pages says:
# beyond that the parts get small while each costs a task's fixed work (robots, a Collector).
MAX_SECTIONS = 8
# A site is cut only along at least two directories, from at least this many seeds: with
# fewer, nothing tells how its pages are spread, and one task does as well.
MIN_GROUPS = 2
MIN_SEEDS = 8

# (URL, referrer): a page queued at depth 1, as the whole crawl queues the home page's links
# (referrer: the home page) and the sitemap's seeds (no referrer).
Seed = tuple[str, str | None]


@dataclass(frozen=True)
class Section:
    """One part of a site: the directories (first path segments) it owns, and its seeds.

    The root section has no prefixes: it owns every URL no other section owns.
    """

    name: str
    prefixes: tuple[str, ...]
    seeds: tuple[Seed, ...]


def section_key(url: str) -> str:
    """The first path segment of `url` when the path goes below it ('/xxgk/a.html' → 'xxgk');
    '' for pages at the root level ('/', '/index.html', '/xxgk')."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    first, slash, _rest = path.lstrip("/").partition("/")
    return first if slash else ""


def candidate_seeds(home: Page, sitemap: Iterable[str]) -> list[Seed]:
    """The pages a whole crawl would queue at depth 1: the home page's followed same-site
    links, then the sitemap's seeds, each once."""
    scope = {host_of(home.url), host_of(home.final_url)}
    seen = {home.url}
    seeds: list[Seed] = []

    def add(url: str, referrer: str | None) -> None:
        if (url not in seen and scheme_of(url) in HTTP_SCHEMES and host_of(url) in scope
                and looks_like_page(url)):
            seen.add(url)
            seeds.append((url, referrer))

    if home.ok and home.html is not None and host_of(home.final_url) in scope:
        for link in home.links:
            if link.tag in FOLLOWED_TAGS and is_fetched(link.raw):
                add(link.url, home.url)
    for url in sitemap:
        add(url, None)
    return seeds


def split_sections(seeds: Sequence[Seed], *, max_sections: int = MAX_SECTIONS) -> list[Section]:
    """The sections of a site whose depth-1 pages are `seeds`; [] when it is not worth cutting.

    Seeds are grouped by `section_key`; the root level is the root section. The other groups
    go, largest first, into at most `max_sections - 1` sections, each to the one with the
    fewest seeds so far (small directories share a task). The order is deterministic: the
    same seeds always give the same plan.
    """
    groups: dict[str, list[Seed]] = {}
    for seed in seeds:
        groups.setdefault(section_key(seed[0]), []).append(seed)
    root = groups.pop("", [])
    if len(groups) < MIN_GROUPS or len(seeds) < MIN_SEEDS:
        return []
    bins = max(1, min(max_sections - 1, len(groups)))
    keys: list[list[str]] = [[] for _ in range(bins)]
    loads = [0] * bins
    for key in sorted(groups, key=lambda k: (-len(groups[k]), k)):
        lightest = loads.index(min(loads))
        keys[lightest].append(key)
        loads[lightest] += len(groups[key])
    sections = [Section(ROOT, (), tuple(root))]
    for owned in keys:
        mine = set(owned)
        sections.append(Section("+".join(owned), tuple(owned),
                                tuple(s for s in seeds if section_key(s[0]) in mine)))
    return sections


@dataclass
class SectionPlan:
    """A split site's sections and its start (home page, check, soft-404, notes, stats)."""

    sections: list[Section]
    start: SiteStart
    _owners: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._owners = {key: i for i, s in enumerate(self.sections) for key in s.prefixes}

    @property
    def home(self) -> Page:
        home = self.start.snapshot.home
        if home is None:
            raise ValueError("a section plan always has its home page")
        return home

    def owner(self, url: str) -> int:
        """The index of the section that owns `url` (0, the root section, for the rest)."""
        return self._owners.get(section_key(url), 0)

    def follows(self, index: int) -> Callable[[str], bool]:
        """The follow predicate of section `index`'s crawl."""
        return lambda url: self.owner(url) == index

    def dumps(self) -> bytes:
        snap = self.start.snapshot
        data = {
            "format": PLAN_FORMAT,
            "fetched_at": snap.fetched_at,
            "home": self.home.to_json(),
            "home_check": self.start.home_check.to_json(),
            "soft404": snap.soft404,
            "notes": snap.notes,
            "stats": self.start.stats,
            "sections": [{"name": s.name, "prefixes": list(s.prefixes),
                          "seeds": [list(seed) for seed in s.seeds]} for s in self.sections],
        }
        return gzip.compress(_compact(data), mtime=0)

    @classmethod
    def loads(cls, blob: bytes, site: Site) -> SectionPlan:
        data: dict[str, Any] = json.loads(gzip.decompress(blob))
        if data.get("format") != PLAN_FORMAT:
            raise ValueError(f"unknown section plan format: {data.get('format')!r}")
        home = Page.from_json(data["home"])
        snap = SiteSnapshot(site=site, fetched_at=data["fetched_at"], home=home, pages=[home],
                            soft404=data["soft404"], notes=list(data["notes"]))
        start = SiteStart(snapshot=snap, home_check=LinkCheck.from_json(data["home_check"]),
                          crawlable=True, stats=dict(data["stats"]))
        sections = [Section(s["name"], tuple(s["prefixes"]),
                            tuple((url, referrer) for url, referrer in s["seeds"]))
                    for s in data["sections"]]
        return cls(sections=sections, start=start)


def plan_for(start: SiteStart) -> SectionPlan | None:
    """The plan for a crawlable site, or None when it is not worth cutting."""
    home = start.snapshot.home
    if not start.crawlable or home is None:
        return None
    sections = split_sections(candidate_seeds(home, start.sitemap))
    return SectionPlan(sections=sections, start=start) if sections else None


def _compact(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
