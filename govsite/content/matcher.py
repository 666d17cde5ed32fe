"""One Aho–Corasick pass over a text finds every lexicon term, then context rules filter them.

All kinds of entry (serious, typo, banned) and the banned-word allow phrases share a single
automaton (ahocorasick-rs, the Rust `aho-corasick` crate: on Chinese text it scans several
times faster than pyahocorasick, whose nodes search their children linearly — see
docs/content.md for the measurements). Context rules run only on hits, which are rare:

- an entry's `allow` phrases (a longer correct phrase around the hit: 学习近乎 is not 习近乎);
- an entry's `next`/`prev` patterns (截止 is wrong only before a date: 截止目前);
- for banned words, the global allow phrases (打击赌博) and enforcement cues in the same
  sentence (查处, 严禁, 举报 …), so a police notice about 网络赌博 never counts as gambling content;
- ASCII terms must stand as whole words (porn must not match inside a longer word).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs

from govsite.content.lexicon import Entry, LexiconSet
from govsite.content.normalize import normalize_term
from govsite.content.slices import find_matches

# How far around a banned word an enforcement cue still governs it (same sentence only).
CUE_BEFORE_CHARS = 30
CUE_AFTER_CHARS = 12
SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_ASCII_WORD = re.compile(r"[0-9a-z]")


@dataclass(frozen=True)
class LexHit:
    """A lexicon entry found at text[start:end] (normalized text) that its context rules kept."""

    entry: Entry
    start: int
    end: int


@dataclass(frozen=True)
class _Compiled:
    entry: Entry
    allow: tuple[tuple[str, int], ...]  # (phrase, offset of the key inside it), every occurrence
    next: re.Pattern[str] | None
    prev: re.Pattern[str] | None


def _compile(entry: Entry) -> _Compiled:
    key = entry.key
    allow = []
    for phrase in entry.allow:
        norm = normalize_term(phrase)
        at = norm.find(key)
        while at >= 0:
            allow.append((norm, at))
            at = norm.find(key, at + 1)
    return _Compiled(
        entry=entry,
        allow=tuple(allow),
        next=re.compile(entry.next) if entry.next else None,
        prev=re.compile(f"(?:{entry.prev})$") if entry.prev else None,
    )


class LexiconMatcher:
    """The compiled automaton of one LexiconSet, and its context filters."""

    def __init__(self, lexicons: LexiconSet) -> None:
        by_key: dict[str, list[_Compiled | None]] = {}
        for entry in lexicons.entries:
            by_key.setdefault(entry.key, []).append(_compile(entry))
        for phrase in lexicons.banned_allow:
            by_key.setdefault(normalize_term(phrase), []).append(None)  # None marks an allow phrase
        self.keys = list(by_key)
        self.values = [by_key[k] for k in self.keys]
        self.automaton = ahocorasick_rs.AhoCorasick(self.keys) if self.keys else None
        self.newline_free = not any("\n" in key for key in self.keys)
        cues = sorted({normalize_term(c) for c in lexicons.banned_cues}, key=len, reverse=True)
        self.cues = re.compile("|".join(map(re.escape, cues))) if cues else None

    def raw(self, text: str) -> Iterator[tuple[int, int, int]]:
        """Every (key index, start, end) occurrence, overlapping ones included, in the order
        of one scan; found a slice of the text at a time (`slices.py`)."""
        if self.automaton is None:
            return iter(())
        return find_matches(self.automaton, text, newline_free=self.newline_free)

    def scan(self, text: str) -> list[LexHit]:
        """The hits in `text` that survive their context rules, in text order."""
        hits: list[LexHit] = []
        allowed: list[tuple[int, int]] = []
        for index, start, end in self.raw(text):
            for item in self.values[index]:
                if item is None:
                    allowed.append((start, end))
                elif self._kept(item, text, start, end):
                    hits.append(LexHit(item.entry, start, end))
        if allowed:
            hits = [
                h
                for h in hits
                if h.entry.kind != "banned" or not any(s <= h.start and h.end <= e for s, e in allowed)
            ]
        return [h for h in hits if h.entry.kind != "banned" or not self.governed_by_cue(text, h.start, h.end)]

    def governed_by_cue(self, text: str, start: int, end: int) -> bool:
        """An enforcement cue in the same sentence, just before or after text[start:end]."""
        if self.cues is None:
            return False
        before = SENTENCE_END.split(text[max(0, start - CUE_BEFORE_CHARS) : start])[-1]
        after = SENTENCE_END.split(text[end : end + CUE_AFTER_CHARS], maxsplit=1)[0]
        return bool(self.cues.search(before) or self.cues.search(after))

    @staticmethod
    def _kept(item: _Compiled, text: str, start: int, end: int) -> bool:
        key_first, key_last = text[start], text[end - 1]
        if _ASCII_WORD.match(key_first) and start > 0 and _ASCII_WORD.match(text[start - 1]):
            return False
        if _ASCII_WORD.match(key_last) and end < len(text) and _ASCII_WORD.match(text[end]):
            return False
        for phrase, offset in item.allow:
            begin = start - offset
            if begin >= 0 and text.startswith(phrase, begin):
                return False
        if item.next is not None and not item.next.match(text, end):
            return False
        return item.prev is None or bool(item.prev.search(text, max(0, start - 16), start))


@cache
def matcher_for(lexicons: LexiconSet) -> LexiconMatcher:
    """The matcher of a lexicon set, built once per process and set."""
    return LexiconMatcher(lexicons)
