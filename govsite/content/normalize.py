"""The matching form of a text, and the way back to the text the site published.

Lexicons are matched against a *normalized* copy of every text block: full-width forms folded to
half-width (NFKC), ASCII lower-cased, traditional characters folded to simplified (OpenCC),
zero-width characters removed, and the spacing tricks that split a name to dodge filters
(习 近 平, 习_近平, 习*近*平) collapsed. A finding must still quote what the site showed, so every
normalized character keeps the index of the original character it came from.

Speed matters (the whole pipeline must run well above 1M characters/s): the 1:1 foldings are one
`str.translate` with a table built once; only texts that contain something to *delete* pay for
an offset map, and most government prose contains none.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache

# Characters that render as nothing and are used to split words past keyword filters.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# Punctuation a spammer puts between the characters of a name (after NFKC, so full-width forms
# are already ASCII), and quotation marks, which never change what a phrase means for matching
# (“十四五”计划 is 十四五计划). A run of these between two CJK characters is removed.
_TRICK_SEP = r"[_*·•・|~^#@+=/\\.\-“”‘’「」『』\"']"
# 1) a separator run (optionally with spaces) between CJK characters: 习_近平, 习 * 近平;
# 2) characters spaced out one by one (习 近 平): whitespace between single isolated CJK
#    characters. Ordinary spaces between words or blocks (通知公告 工作动态) stay: collapsing
#    those would join unrelated blocks into new words.
_COLLAPSE = re.compile(
    rf"(?<=[{CJK}])\s*{_TRICK_SEP}(?:\s*{_TRICK_SEP})*\s*(?=[{CJK}])"
    rf"|(?:(?<=[^{CJK}][{CJK}])|(?<=^[{CJK}]))\s+(?=[{CJK}])"
    rf"|(?<=[{CJK}])\s+(?=[{CJK}](?:[^{CJK}]|$))"
    rf"|[{ZERO_WIDTH}]"
)

CONTEXT_CHARS = 20


@cache
def _t2s_table() -> dict[int, str]:
    """Traditional → simplified for single characters that simplified text never uses.

    OpenCC converts phrase by phrase; for matching, a per-character fold is enough and keeps
    offsets 1:1. Characters encodable in GB 2312 are left alone: that is the simplified set,
    and some of them are also traditional forms (著, 乾, 干) that OpenCC would rewrite, which
    would turn correct simplified text (显著) into something the typo check has never seen.
    """
    import opencc

    converter = opencc.OpenCC("t2s")
    chars = [chr(c) for r in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)) for c in range(*r)]
    converted = converter.convert("\n".join(chars)).split("\n")
    table: dict[int, str] = {}
    if len(converted) != len(chars):  # OpenCC merged lines: never expected; fold nothing.
        return table
    for src, dst in zip(chars, converted, strict=True):
        if dst != src and len(dst) == 1 and not _in_gb2312(src):
            table[ord(src)] = dst
    return table


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@cache
def fold_table() -> dict[int, str]:
    """The 1:1 foldings: NFKC where it yields one character, lower-case ASCII, t2s."""
    table: dict[int, str] = {}
    for code in list(range(0x00A0, 0x0100)) + list(range(0x2000, 0x3100)) + list(range(0xF900, 0x10000)):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded != char:
            table[code] = folded.lower()
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    for code in range(0xFF21, 0xFF3B):  # full-width A–Z
        table[code] = chr(code - 0xFF21 + ord("a"))
    table.update(_t2s_table())
    for char in ZERO_WIDTH:
        table.pop(ord(char), None)  # deleted by _COLLAPSE so that offsets are tracked
    return table


@dataclass(frozen=True, slots=True)
class Normalized:
    """A text in matching form, with the way back to the original.

    `offsets[i]` is the index in `source` of `text[i]`; None means the identity (nothing was
    deleted), which is the common case and costs nothing.
    """

    source: str
    text: str
    offsets: array | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `source` that `text[start:end]` came from (end exclusive)."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end - 1] + 1

    def quote(self, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str]:
        """What the site wrote for `text[start:end]`, and about `width` characters each side."""
        s, e = self.original_span(start, end)
        left = max(0, s - width)
        right = min(len(self.source), e + width)
        context = (
            ("…" if left > 0 else "") + self.source[left:right] + ("…" if right < len(self.source) else "")
        )
        return self.source[s:e], context


def normalize(source: str) -> Normalized:
    """Fold `source` for matching; see the module docstring for what is folded and why."""
    folded = source.translate(fold_table())
    if folded == source:
        folded = source  # translate always copies: keep one string, not two, per block
    if _COLLAPSE.search(folded) is None:
        return Normalized(source, folded)
    pieces: list[str] = []
    offsets = array("l")
    pos = 0
    for match in _COLLAPSE.finditer(folded):
        pieces.append(folded[pos : match.start()])
        offsets.extend(range(pos, match.start()))
        pos = match.end()
    pieces.append(folded[pos:])
    offsets.extend(range(pos, len(folded)))
    return Normalized(source, "".join(pieces), offsets)


def normalize_term(term: str) -> str:
    """A lexicon term in the same matching form as the texts it is matched against."""
    return normalize(term).text
