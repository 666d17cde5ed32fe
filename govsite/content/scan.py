"""One content scan per site, shared by the four content rules.

The site's blocks are extracted and normalized once (`text.site_blocks`), every block goes
through the lexicon automaton once, and the typo detector and the hidden-link check run only
when their rule asks. Results are cached on the snapshot, keyed by the lexicon set, so the four
rules (and a rescore with other lexicons) never redo each other's work.

Precedence, so that one wrong word is one finding: a 严重表述错误 is never also reported as a
typo, and a curated typo pair wins over the confusion-set detector at the same place.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from urllib.parse import urlsplit

from govsite.content.hidden import HiddenItem, TargetJudge, hidden_data, page_hidden_items
from govsite.content.lexicon import LexiconSet, effective_lexicons
from govsite.content.matcher import LexHit, matcher_for
from govsite.content.text import Block, is_text_page, site_blocks
from govsite.content.typo import find_typos
from govsite.snapshot import Page, SiteSnapshot

METHOD_LEXICON = "词表"


@dataclass(frozen=True)
class TextHit:
    """One occurrence in a site's text, quoted as the site wrote it."""

    kind: str  # "serious" | "typo" | "banned"
    block: Block
    start: int  # in the block's normalized text
    end: int
    wrong: str
    context: str
    correct: str
    category: str
    source: str
    method: str


@dataclass(frozen=True)
class SiteHidden:
    """One hidden link/frame/script of a site: where it first showed, and on how many pages."""

    item: HiddenItem
    page: Page
    pages: int


# Blocks are joined with this separator so that one automaton pass covers a whole site: no
# lexicon term, context pattern or typo window contains a line break, so nothing matches across
# two blocks (the typo window sees the separators as unknown characters on both sides).
BLOCK_SEPARATOR = "\n\n\n\n\n"


@dataclass
class SiteText:
    """Every distinct block's normalized text joined into one string, and where each begins."""

    text: str
    starts: list[int]
    blocks: list[Block]

    def locate(self, start: int, end: int) -> tuple[Block, int, int] | None:
        """The block holding text[start:end] and the span inside it (None across a separator)."""
        i = bisect_right(self.starts, start) - 1
        block = self.blocks[i]
        offset = self.starts[i]
        if end - offset > len(block.normalized.text):
            return None
        return block, start - offset, end - offset


def site_text(snap: SiteSnapshot) -> SiteText:
    cached = snap.cache.get("content.site_text")
    if cached is None:
        pieces, starts, blocks, pos = [], [], [], 0
        for block in site_blocks(snap):
            starts.append(pos)
            blocks.append(block)
            pieces.append(block.normalized.text)
            pos += len(block.normalized.text) + len(BLOCK_SEPARATOR)
        cached = SiteText(BLOCK_SEPARATOR.join(pieces), starts, blocks)
        snap.cache["content.site_text"] = cached
    return cached


def _hit(block: Block, start: int, end: int, lex: LexHit) -> TextHit:
    wrong, context = block.normalized.quote(start, end)
    entry = lex.entry
    return TextHit(
        entry.kind,
        block,
        start,
        end,
        wrong,
        context,
        entry.correct,
        entry.category,
        entry.source,
        METHOD_LEXICON if entry.kind == "typo" else "",
    )


@dataclass(frozen=True)
class LexiconHits:
    """A site's lexicon hits by kind; `spans` are the serious and typo places in the joined text."""

    serious: list[TextHit]
    typo: list[TextHit]
    banned: list[TextHit]
    spans: list[tuple[int, int]]


def lexicon_hits(snap: SiteSnapshot, user: LexiconSet | None) -> LexiconHits:
    """Serious, curated-typo and banned hits of every distinct block, by kind (cached)."""
    lexicons = effective_lexicons(user)
    cache_key = ("content.lexicon", lexicons)
    cached = snap.cache.get(cache_key)
    if cached is not None:
        return cached
    joined = site_text(snap)
    hits = matcher_for(lexicons).scan(joined.text)
    serious = [(h.start, h.end) for h in hits if h.entry.kind == "serious"]
    out: dict[str, list[TextHit]] = {"serious": [], "typo": [], "banned": []}
    for lex in hits:
        if lex.entry.kind == "typo" and any(lex.start < e and s < lex.end for s, e in serious):
            continue
        where = joined.locate(lex.start, lex.end)
        if where is not None:
            out[lex.entry.kind].append(_hit(*where, lex))
    result = LexiconHits(
        out["serious"],
        out["typo"],
        out["banned"],
        [(h.start, h.end) for h in hits if h.entry.kind in ("serious", "typo")],
    )
    snap.cache[cache_key] = result
    return result


def typo_hits(snap: SiteSnapshot, user: LexiconSet | None) -> list[TextHit]:
    """Curated typo hits plus the confusion-set detector's, one per place (cached)."""
    lexicons = effective_lexicons(user)
    cache_key = ("content.typo", lexicons)
    cached = snap.cache.get(cache_key)
    if cached is not None:
        return cached
    by_kind = lexicon_hits(snap, user)
    joined = site_text(snap)
    out = list(by_kind.typo)
    for found in find_typos(joined.text, skip=list(by_kind.spans)):
        where = joined.locate(found.start, found.end)
        if where is None:
            continue
        block, start, end = where
        wrong, context = block.normalized.quote(start, end)
        out.append(TextHit("typo", block, start, end, wrong, context, found.suggestion, "", "", found.method))
    snap.cache[cache_key] = out
    return out


def hidden_items(snap: SiteSnapshot, user: LexiconSet | None) -> list[SiteHidden]:
    """Dark links, hidden frames and injected scripts, each (kind, target) once per site."""
    lexicons = effective_lexicons(user)
    cached = snap.cache.get(("content.hidden", lexicons))
    if cached is not None:
        return cached
    hosts = {snap.site.host}
    if snap.home is not None:
        hosts |= {_host_of(snap.home.url), _host_of(snap.home.final_url)}
    spam = dict(hidden_data().spam_words)
    for entry in lexicons.of("banned"):
        if entry.category in ("赌博", "色情"):
            spam[entry.category] = spam.get(entry.category, ()) + (entry.key,)
    judge = TargetJudge(hosts, spam)
    seen: dict[tuple[str, str], tuple[HiddenItem, Page, set[str]]] = {}
    for page in snap.pages:
        if not is_text_page(page):
            continue
        for item in page_hidden_items(page, judge):
            record = seen.setdefault((item.kind, item.target), (item, page, set()))
            record[2].add(page.url)
    out = [SiteHidden(item, page, len(pages)) for item, page, pages in seen.values()]
    snap.cache[("content.hidden", lexicons)] = out
    return out


def _host_of(url: str | None) -> str:
    return (urlsplit(url or "").hostname or "").lower()
